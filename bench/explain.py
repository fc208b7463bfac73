"""Query plans of the reads that must not grow with history (`manage.py bench --explain`).

Each read is built as its view builds it; the plan's scan lines say which index serves it
(or that a sequential scan does).
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Subquery

from indicators.historic import Lookups
from indicators.models import ReportingPeriod, Submission
from indicators.views.rows import RELATED

from .data import World

SCANS = ("Scan", "Join", "Limit", "Sort ")


def reads(world: World) -> dict[str, object]:
    approved = Submission.objects.approved().filter(period=OuterRef("pk")).order_by()
    committee_index = (
        ReportingPeriod.objects.filter(Exists(approved))
        .annotate(approved=Subquery(approved.values("period").annotate(n=Count("*")).values("n")))
        .order_by("-year", "-quarter")[:20]
    )
    owner = world.indicators[0].owner_id
    mine = Submission.objects.current().for_organisations([owner]).select_related(*RELATED)
    periods = [world.open_period]
    in_open = mine.filter(period__in=periods)
    corrections = mine.filter(version__gt=1, state__in=["draft", "returned"]).exclude(
        period__in=periods
    )
    queue_page = Submission.objects.current().order_by("period__year", "period__quarter", "pk")
    latest = world.latest
    lookups = Lookups.load()
    keys = [(i.pk, world.county.pk, latest.as_quarter) for i in world.indicators[:50]]
    return {
        "committee_index": committee_index,
        "my_submissions_open_quarters": in_open,
        "my_submissions_corrections": corrections,
        "review_queue_page": queue_page.select_related(*RELATED)[50:100],
        "dashboard_approved_values": Submission.objects.approved().filter(
            period__in=world.periods[-14:], area=world.county
        ),
        "historic_import_lookup": Submission.objects.approved()
        .filter(lookups.where(keys)[0])
        .order_by(),
    }


def plans(world: World) -> list[str]:
    lines = []
    for name, queryset in reads(world).items():
        lines.append(f"## {name}")
        plan = queryset.explain(analyze=True)
        lines += [
            f"    {line.strip()}" for line in plan.splitlines() if any(s in line for s in SCANS)
        ]
        total = [line for line in plan.splitlines() if line.startswith("Execution Time")]
        lines += [f"    {line}" for line in total]
    return lines
