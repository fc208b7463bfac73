"""The demo partnership: Leicestershire's Safer Communities dashboard, Quarter 2 2016/17.

The seed (shared/seed/000_f40a9468b4db62bf.txt) shows computed figures; this module holds the
raw quarterly data that yields them under the portal's rules, e.g. total crime counts and
mid-year populations giving 47.21 for 2015-16 and 47.11 for the 12 months to September 2016.
Where the seed shows a judgement (an outcome's overall RAG), the demo records an override
with its reason. District figures are synthetic and add up to the county's.

Everything is keyed on natural keys, so loading twice leaves the same data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from portal.models import Area, Membership, Organisation, Population

from . import figures
from .demo_data import (
    ASB_CONFIDENCE,
    ASB_OUTCOME_REASON,
    ASB_VICTIMS,
    COMPARATOR_GROUP,
    COMPARATOR_PEERS,
    COMPARATOR_SELF,
    COUNTY,
    COUNTY_COUNTS,
    CRIME_TARGET_2015,
    DA_FOOTNOTE,
    DA_REFERRALS_BY_YEAR,
    DEMO_PASSWORD,
    DEMO_USERS,
    DISTRICT_SHARES,
    DISTRICTS,
    FIRST_QUARTER,
    FTE_ROLLING,
    INDICATORS,
    IOM_BY_YEAR,
    OPEN_QUARTER,
    ORGANISATIONS,
    OUTCOMES,
    PEER_FACTORS,
    PEER_SOURCE,
    POPULATION_YEARS,
    PROVISIONAL_FOOTNOTE,
    SEED_QUARTER,
    UK,
    YOS_FULL_YEAR,
)
from .models import (
    ComparatorGroup,
    ComparatorMember,
    Indicator,
    IndicatorTarget,
    Outcome,
    Override,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
)
from .quarters import FinancialYear, Quarter


def all_quarters() -> list[Quarter]:
    quarters, q = [], FIRST_QUARTER
    while q <= OPEN_QUARTER:
        quarters.append(q)
        q = q.next()
    return quarters


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=UK)


def _split(total: int, shares: list[float]) -> list[int]:
    """Split a county count over districts so the parts add up exactly (largest remainder)."""
    raw = [total * s for s in shares]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _lagged(code: str, q: Quarter) -> dict:
    """Raw values for the indicators whose latest value stands, as reported in quarter q."""
    fy = q.year
    if code == "iom-offending-reduction":
        year = fy - 1  # reported a year in arrears
        return {
            "value": Decimal(IOM_BY_YEAR[year]),
            "covered_start": dt.date(year, 4, 1),
            "covered_end": dt.date(year + 1, 3, 31),
            "covered_label": FinancialYear(year).dashed_label,
        }
    if code == "da-referrals":
        year = fy - 1
        return {
            "numerator": Decimal(DA_REFERRALS_BY_YEAR[year]),
            "covered_start": dt.date(year, 4, 1),
            "covered_end": dt.date(year + 1, 3, 31),
            "covered_label": FinancialYear(year).dashed_label,
        }
    if code == "yos-reoffending-rate":
        if q.number == 4:  # the annual report covers the whole previous year
            year = fy - 1
            return {
                "value": Decimal(YOS_FULL_YEAR[year]),
                "covered_start": dt.date(year, 4, 1),
                "covered_end": dt.date(year + 1, 3, 31),
                "covered_label": FinancialYear(year).dashed_label,
            }
        to = q.shift(-3)  # cumulative within the year, three quarters in arrears
        cumulative = {
            1: Decimal("0.21"),
            2: Decimal("0.40"),
            3: Decimal("0.62"),
            4: Decimal(YOS_FULL_YEAR[to.year]),
        }
        start = dt.date(to.year, 4, 1)
        value = (
            cumulative[to.number]
            if to.year == 2015
            else (cumulative[to.number] * Decimal("1.5")).quantize(Decimal("0.01"))
        )
        return {
            "value": value,
            "covered_start": start,
            "covered_end": to.end,
            "covered_label": f"{start:%b}-{to.end:%b %Y}",
        }
    if code == "marac-repeat":
        to = q if q.number == 4 else q.previous()
        months = to.rolling_year()
        start, end = months[0].start, to.end
        index = all_quarters().index(q)
        cases = 880 + 5 * index
        rate = {Quarter(2015, 4): 28, SEED_QUARTER: 30}.get(q, 25 + index % 4)
        repeats = round(cases * rate / 100)
        return {
            "numerator": Decimal(repeats),
            "denominator": Decimal(cases),
            "covered_start": start,
            "covered_end": end,
            "covered_label": f"{start:%b%Y}-{end:%b%Y}",
        }
    index = all_quarters().index(q)
    if code == "yos-first-time-entrants":
        if q == SEED_QUARTER:  # lagged a quarter, with the service's own wording
            return {
                "numerator": Decimal(124),
                "covered_start": dt.date(2015, 7, 1),
                "covered_end": dt.date(2016, 6, 30),
                "covered_label": "2015/16 Q1 - 28",
            }
        return {
            "numerator": Decimal(FTE_ROLLING[index]),
            "covered_start": q.rolling_year()[0].start,
            "covered_end": q.end,
        }
    if code == "asb-victims":
        return {"value": Decimal(ASB_VICTIMS[index])}
    if code == "asb-confidence":
        return {"value": Decimal(ASB_CONFIDENCE[index])}
    raise KeyError(code)


def _comparisons(spec: dict) -> dict:
    values = {}
    for prefix, cell in spec.items():
        if cell == "-":
            values[f"{prefix}_not_benchmarked"] = True
        elif isinstance(cell, tuple):
            values[f"{prefix}_rank"], values[f"{prefix}_of"] = cell
        else:
            values[f"{prefix}_band"] = cell
    return values


def _period_dates(q: Quarter) -> dict:
    """Entry opens the day after the quarter ends; due six weeks later; closes two weeks on."""
    opens = q.end + dt.timedelta(days=1)
    deadline = opens + dt.timedelta(days=41)
    return {"opens_on": opens, "deadline": deadline, "closes_on": deadline + dt.timedelta(days=14)}


@transaction.atomic
def load(stdout=None) -> dict:
    """Create (or complete) the demo partnership. Returns counts for the command to print."""
    orgs = {}
    for slug, name, short, kind in ORGANISATIONS:
        orgs[slug], _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "contact_email": f"performance@{slug}.example.org.uk",
            },
        )

    county, _ = Area.objects.update_or_create(
        code=COUNTY[0],
        defaults={"name": COUNTY[1], "kind": Area.Kind.COUNTY, "parent": None, "display_order": 0},
    )
    districts = []
    for order, (code, name, pops) in enumerate(DISTRICTS, start=1):
        area, _ = Area.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": Area.Kind.DISTRICT,
                "parent": county,
                "display_order": order,
            },
        )
        districts.append(area)
        for year, pop in zip(POPULATION_YEARS, pops, strict=True):
            Population.objects.update_or_create(area=area, year=year, defaults={"population": pop})
    for i, year in enumerate(POPULATION_YEARS):
        Population.objects.update_or_create(
            area=county, year=year, defaults={"population": sum(d[2][i] for d in DISTRICTS)}
        )

    group, _ = ComparatorGroup.objects.update_or_create(
        name=COMPARATOR_GROUP[0],
        defaults={"source": COMPARATOR_GROUP[1], "as_at": dt.date(2016, 4, 1)},
    )
    for member in [COMPARATOR_SELF, *COMPARATOR_PEERS]:
        ComparatorMember.objects.update_or_create(
            group=group, name=member, defaults={"is_self": member == COMPARATOR_SELF}
        )

    outcomes = {}
    for order, (slug, title) in enumerate(OUTCOMES, start=1):
        outcomes[slug], _ = Outcome.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "display_order": order,
                "rollup_rule": Outcome.RollUp.MAJORITY,
            },
        )

    indicators = {}
    for order, spec in enumerate(INDICATORS, start=1):
        ind, _ = Indicator.objects.update_or_create(
            code=spec.code,
            defaults={
                "title": spec.title,
                "definition": spec.definition,
                "outcome": outcomes[spec.outcome],
                "owner": orgs[spec.owner],
                "unit": spec.unit,
                "formula": spec.formula,
                "aggregation": spec.aggregation,
                "polarity": spec.polarity,
                "decimal_places": spec.decimal_places,
                "rag_method": Indicator.RagMethod.TARGET,
                "target": Decimal(spec.target) if spec.target else None,
                "target_tolerance": Decimal(spec.tolerance) if spec.tolerance else None,
                "direction_basis": spec.basis,
                "stable_band": Decimal(spec.stable_band),
                "numerator_label": spec.numerator_label,
                "denominator_label": spec.denominator_label,
                "display_order": order,
                "comparator_group": group
                if spec.comparisons.get("nn") not in (None, "-")
                else None,
            },
        )
        ind.areas.set([county, *districts] if spec.districts else [county])
        indicators[spec.code] = (ind, spec)

    users = {}
    for username, first, last, slug, role, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org.uk",
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.update_or_create(
            user=user, organisation=orgs[slug], defaults={"role": role}
        )
        users[username] = user
    # Each organisation's figures are submitted by one of its own people.
    submitters = {
        "leicestershire-police": users["police.officer"],
        "leicestershire-county-council": users["council.officer"],
        "youth-offending-service": users["yos.officer"],
        "probation": users["probation.officer"],
        "domestic-abuse-services": users["da.officer"],
    }
    approver = users["performance.manager"]

    periods = {}
    for q in all_quarters():
        dates = _period_dates(q)
        if q == OPEN_QUARTER:
            # The demo's open quarter takes entries today, whatever today is.
            today = timezone.localdate()
            dates = {
                "opens_on": min(dates["opens_on"], today),
                "deadline": max(dates["deadline"], today + dt.timedelta(days=14)),
                "closes_on": None,
            }
        period, created = ReportingPeriod.objects.get_or_create(
            year=q.year, quarter=q.number, defaults=dates
        )
        if created and q != OPEN_QUARTER:
            period.closed_at = _at(dates["closes_on"] + dt.timedelta(days=1), 9)
            period.closed_by = approver
            period.save(update_fields=["closed_at", "closed_by"])
        periods[q] = period

    made = _history(indicators, county, districts, periods, submitters, approver)
    _peer_values(indicators, county, periods)
    IndicatorTarget.objects.update_or_create(
        indicator=indicators["crime-total"][0], year=2015, defaults=CRIME_TARGET_2015
    )

    asb = outcomes["reduce-asb"]
    if not Override.objects.filter(
        kind=Override.Kind.OUTCOME_RAG, outcome=asb, area=county, period=periods[SEED_QUARTER]
    ).exists():
        Override.objects.create(
            kind=Override.Kind.OUTCOME_RAG,
            outcome=asb,
            area=county,
            period=periods[SEED_QUARTER],
            value="G",
            reason=ASB_OUTCOME_REASON,
            author=approver,
            created_at=_at(_period_dates(SEED_QUARTER)["deadline"] + dt.timedelta(days=5), 11),
        )
    # The open quarter's expected figures wait as drafts for the partners (idempotent).
    from .workflow import open_quarter

    open_quarter(periods[OPEN_QUARTER], approver)
    _open_quarter_activity(periods[OPEN_QUARTER], county, users)
    return {
        "organisations": len(orgs),
        "areas": 1 + len(districts),
        "indicators": len(indicators),
        "periods": len(periods),
        "submissions_created": made,
        "users": len(users),
    }


def _peer_values(indicators, county, periods) -> None:
    """The comparator group's synthetic values for every quarter with a rolling figure."""
    from .comparators import load_peer_values

    populations = dict(county.populations.values_list("year", "population"))
    rows = []
    for code, factors in PEER_FACTORS.items():
        ind = indicators[code][0]
        own = {
            s.period.as_quarter: s
            for s in Submission.objects.approved()
            .filter(indicator=ind, area=county)
            .select_related("period")
        }
        for index, q in enumerate(q for q in all_quarters() if q <= SEED_QUARTER):
            figure = figures.rolling_12_months(ind, q, own, populations)
            if not figure.available:
                continue
            for number, (member, factor) in enumerate(zip(COMPARATOR_PEERS, factors, strict=True)):
                nudge = Decimal((index * (number + 3)) % 3 - 1) / 100 if q != SEED_QUARTER else 0
                base = figure.exact if figure.exact is not None else figure.value
                value = base * (Decimal(factor) + nudge)
                rows.append(
                    {
                        "indicator_code": code,
                        "period": q.code,
                        "member": member,
                        "value": figures.round_half_up(value, ind.decimal_places),
                        "source": PEER_SOURCE,
                        "as_at": q.end + dt.timedelta(days=60),
                    }
                )
    _count, errors = load_peer_values(rows, dry_run=False)
    if errors:
        raise ValueError(f"The demo's comparator values do not load: {errors[:3]}")


def _open_quarter_activity(period, county, users) -> None:
    """Q3 2016/17 in progress, so each screen has something to show: one figure awaiting
    review, one draft, one returned with the approver's comment, one approved but not yet
    published (the committee sees it). Done once: skipped when the figures were touched."""
    from .workflow import approve, return_submission, save_draft, submit

    def current(code):
        return Submission.objects.current().get(indicator__code=code, area=county, period=period)

    first = current("crime-total")
    if first.row_version != 1 or first.state != Submission.State.DRAFT:
        return
    police, yos = users["police.officer"], users["yos.officer"]
    council, approver = users["council.officer"], users["performance.manager"]
    save_draft(
        first,
        police,
        {
            "numerator": Decimal(7954),
            "is_provisional": True,
            "commentary": "Seasonal fall in theft offences; violence "
            "recording steady after the HMIC audit.",
        },
    )
    submit(first, police)
    save_draft(current("crime-burglary"), police, {"numerator": Decimal(588)})
    fte = save_draft(current("yos-first-time-entrants"), yos, {"numerator": Decimal(118)})
    submit(fte, yos)
    return_submission(
        fte,
        approver,
        "Please say which 12 months this figure covers: the "
        "committee compares it with last year's 190.",
    )
    asb = save_draft(
        current("asb-victims"),
        council,
        {
            "value": Decimal("5.3"),
            "commentary": "Community Based Survey, 12 months to December 2016.",
        },
    )
    submit(asb, council)
    approve(asb, approver, "Checked against the survey contractor's report.")


def _history(indicators, county, districts, periods, submitters, approver) -> int:
    """Approved quarterly submissions from 2013/14 Q1 to 2016/17 Q2, each with its events."""
    existing = set(
        Submission.objects.filter(version=1).values_list("indicator_id", "area_id", "period_id")
    )
    pending: list[tuple[Submission, User]] = []
    history = [q for q in all_quarters() if q <= SEED_QUARTER]
    for code, (ind, spec) in indicators.items():
        submitter = submitters[spec.owner]
        for index, q in enumerate(history):
            rows = []
            if code in COUNTY_COUNTS:
                total = COUNTY_COUNTS[code][index]
                rows.append((county, {"numerator": Decimal(total)}))
                for district, part in zip(districts, _split(total, DISTRICT_SHARES), strict=True):
                    rows.append((district, {"numerator": Decimal(part)}))
            else:
                rows.append((county, _lagged(code, q)))
            for area, values in rows:
                if (ind.id, area.id, periods[q].id) in existing:
                    continue
                extra = {}
                if area == county and q == SEED_QUARTER:
                    extra.update(_comparisons(spec.comparisons))
                    if code.startswith("crime-"):
                        extra.update(is_provisional=True, footnote=PROVISIONAL_FOOTNOTE)
                    if code == "da-referrals":
                        extra.update(is_estimated=True, footnote=DA_FOOTNOTE)
                    if code == "yos-first-time-entrants":
                        extra["commentary"] = (
                            "Rolling 12 months to June 2016: 124 first time "
                            "entrants, 28 of them in Q1 2016/17."
                        )
                dates = _period_dates(q)
                submitted = _at(dates["deadline"] - dt.timedelta(days=3), 10)
                approved = _at(dates["deadline"] + dt.timedelta(days=2), 15)
                sub = Submission(
                    indicator=ind,
                    area=area,
                    period=periods[q],
                    version=1,
                    is_current=True,
                    is_latest_approved=True,
                    state=Submission.State.APPROVED,
                    created_at=submitted - dt.timedelta(days=1),
                    created_by=submitter,
                    updated_at=submitted,
                    updated_by=submitter,
                    submitted_at=submitted,
                    submitted_by=submitter,
                    approved_at=approved,
                    approved_by=approver,
                    **values,
                    **extra,
                )
                pending.append((sub, submitter))
    Submission.objects.bulk_create([s for s, _ in pending], batch_size=500)
    events = []
    for sub, submitter in pending:
        events += [
            SubmissionEvent(
                submission=sub,
                action=SubmissionEvent.Action.CREATED,
                actor=submitter,
                at=sub.created_at,
                to_state="draft",
                comment="Loaded with the demo partnership.",
            ),
            SubmissionEvent(
                submission=sub,
                action=SubmissionEvent.Action.SUBMITTED,
                actor=submitter,
                at=sub.submitted_at,
                from_state="draft",
                to_state="submitted",
            ),
            SubmissionEvent(
                submission=sub,
                action=SubmissionEvent.Action.APPROVED,
                actor=approver,
                at=sub.approved_at,
                from_state="submitted",
                to_state="approved",
            ),
        ]
    SubmissionEvent.objects.bulk_create(events, batch_size=1000)
    return len(pending)


@transaction.atomic
def wipe() -> None:
    """Remove everything the portal holds (for `load_demo --reset`), users included."""
    SubmissionEvent.objects.all().delete()
    Override.objects.all().delete()
    Submission.objects.all().delete()
    ReportingPeriod.objects.all().delete()
    Indicator.objects.all().delete()
    Outcome.objects.all().delete()
    ComparatorGroup.objects.all().delete()
    Membership.objects.all().delete()
    Population.objects.all().delete()
    Area.objects.filter(parent__isnull=False).delete()
    Area.objects.all().delete()
    Organisation.objects.all().delete()
    User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).delete()
