from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command

from indicators.models import (
    Indicator,
    IndicatorTarget,
    Outcome,
    Override,
    PeerValue,
    Submission,
    SubmissionEvent,
)
from portal.models import Area, Membership, Organisation, Population


def snapshot():
    return {
        "organisations": sorted(Organisation.objects.values_list("slug", "name", "kind")),
        "areas": sorted(Area.objects.values_list("code", "name", "parent__code")),
        "populations": sorted(Population.objects.values_list("area__code", "year", "population")),
        "outcomes": sorted(Outcome.objects.values_list("slug", "title")),
        "indicators": sorted(
            Indicator.objects.values_list(
                "code", "owner__slug", "unit", "polarity", "decimal_places"
            )
        ),
        "submissions": sorted(
            Submission.objects.values_list(
                "indicator__code",
                "area__code",
                "period__year",
                "period__quarter",
                "version",
                "state",
                "value",
                "numerator",
                "denominator",
                "covered_label",
                "footnote",
            )
        ),
        "events": SubmissionEvent.objects.count(),
        "overrides": sorted(Override.objects.values_list("kind", "value", "reason")),
        "users": sorted(User.objects.values_list("username", flat=True)),
        "memberships": sorted(Membership.objects.values_list("user__username", "role")),
        "peer_values": sorted(
            PeerValue.objects.values_list(
                "indicator__code", "period__year", "period__quarter", "member__name", "value"
            )
        ),
        "targets": sorted(IndicatorTarget.objects.values_list("indicator__code", "year", "high")),
    }


def load(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_load_demo_creates_the_seed_partnership(db):
    load()
    assert Outcome.objects.count() == 5
    assert Indicator.objects.count() == 12
    county = Area.objects.get(code="E10000018")
    assert county.children.count() == 7
    assert set(Organisation.objects.values_list("kind", flat=True)) >= {
        "police",
        "county_council",
        "district_council",
        "youth_offending",
        "probation",
        "voluntary",
    }
    assert Indicator.objects.get(code="crime-total").owner.name == "Leicestershire Police"
    assert {m.role for m in Membership.objects.all()} == {
        "submitter",
        "approver",
        "viewer",
        "admin",
    }


def test_district_counts_add_up_to_the_county(db):
    load()
    county = Submission.objects.approved().filter(
        indicator__code="crime-total", area__code="E10000018"
    )
    assert county.count() == 14
    for sub in county:
        districts = Submission.objects.approved().filter(
            indicator=sub.indicator, period=sub.period, area__parent=sub.area
        )
        assert districts.count() == 7
        assert sum(d.numerator for d in districts) == sub.numerator


def test_every_demo_submission_has_its_audit_trail(db):
    load()
    sub = Submission.objects.filter(state="approved", period__year=2015).first()
    actions = list(sub.events.values_list("action", flat=True))
    assert actions == ["created", "submitted", "approved"]
    assert sub.approved_by != sub.submitted_by


def test_loading_twice_leaves_the_same_data(db):
    load()
    first = snapshot()
    output = load()
    assert snapshot() == first
    assert "0 submissions created" in output


def test_reset_wipes_and_reloads(db):
    load()
    first = snapshot()
    Submission.objects.filter(indicator__code="crime-total").update(commentary="edited")
    Organisation.objects.create(name="Stray org", slug="stray")
    output = load("--reset")
    assert "Wiped" in output
    assert not Organisation.objects.filter(slug="stray").exists()
    assert not Submission.objects.filter(commentary="edited").exists()
    assert snapshot() == first


def test_demo_users_can_log_in_with_the_readme_password(db):
    load()
    from indicators.demo import DEMO_PASSWORD

    assert User.objects.get(username="performance.manager").check_password(DEMO_PASSWORD)


def test_the_open_quarter_shows_work_in_every_state(db):
    load()
    states = dict(
        Submission.objects.current()
        .filter(period__year=2016, period__quarter=3, area__code="E10000018")
        .values_list("indicator__code", "state")
    )
    assert states["crime-total"] == "submitted"
    assert states["crime-burglary"] == "draft"
    assert states["yos-first-time-entrants"] == "returned"
    assert states["asb-victims"] == "approved"
    returned = Submission.objects.current().get(
        indicator__code="yos-first-time-entrants", period__year=2016, period__quarter=3
    )
    assert "which 12 months" in returned.return_reason
