"""Reads shared by the workflow's list pages, in a fixed number of queries.

A page of 10 rows and a page of 500 ask the database the same number of times: the
submissions in one query (with their indicator, area and period joined), populations in
one, and last quarter's approved figures in one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django_tables2.data import TableData
from django_tables2.utils import OrderBy

from portal.models import Population

from .. import figures
from ..models import Indicator, ReportingPeriod, Submission
from ..quarters import Quarter

RELATED = (
    "indicator",
    "indicator__owner",
    "indicator__outcome",
    "area",
    "period",
    "submitted_by",
    "approved_by",
    "returned_by",
    "updated_by",
)


def populations_by_area() -> dict[int, dict[int, int]]:
    return Population.objects.by_area()


def previous_approved(
    submissions: Iterable[Submission],
) -> dict[tuple[int, int, Quarter], Submission]:
    """Last quarter's approved version for each row, keyed (indicator, area, quarter)."""
    rows = list(submissions)
    if not rows:
        return {}
    wanted = {s.period.as_quarter.previous() for s in rows}
    periods = Q()
    for q in wanted:
        periods |= Q(period__year=q.year, period__quarter=q.number)
    found = (
        Submission.objects.approved()
        .filter(periods)
        .filter(
            indicator_id__in={s.indicator_id for s in rows},
            area_id__in={s.area_id for s in rows},
        )
        .select_related("period")
    )
    return {(s.indicator_id, s.area_id, s.period.as_quarter): s for s in found}


def figure_of(submission: Submission, populations: dict[int, dict[int, int]]) -> figures.Figure:
    return figures.submission_figure(
        submission.indicator,
        submission,
        submission.period.as_quarter,
        populations.get(submission.area_id, {}),
    )


def has_figure(submission: Submission) -> bool:
    return submission.is_nil_return or any(
        v is not None for v in (submission.value, submission.numerator)
    )


@dataclass
class Row:
    """One submission as a list shows it, with its figure and last quarter's beside it."""

    submission: Submission
    figure: figures.Figure
    previous: figures.Figure | None

    @property
    def pk(self) -> int:
        return self.submission.pk

    @property
    def unit(self) -> str:
        return self.submission.indicator.unit

    @property
    def figure_text(self) -> str:
        if not has_figure(self.submission):
            return ""
        return self.figure.text(self.unit)

    @property
    def previous_text(self) -> str:
        return self.previous.text(self.unit) if self.previous else ""

    @property
    def change(self) -> Decimal | None:
        if not (self.previous and self.previous.available and self.figure.available):
            return None
        if not has_figure(self.submission):
            return None
        return self.figure.value - self.previous.value

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return ""
        dp = self.figure.decimal_places
        shown = figures.format_number(abs(change), dp)
        sign = "+" if change > 0 else ("−" if change < 0 else "")
        percent = figures.percent_change(self.previous.value, self.figure.value)
        if percent is not None and percent.is_finite():
            return f"{sign}{shown} ({sign}{abs(percent):.0f}%)"
        return f"{sign}{shown}"

    @property
    def is_swing(self) -> bool:
        change = self.change
        if change is None or not self.previous.value:
            return False
        percent = abs(change) * 100 / abs(self.previous.value)
        return percent > self.submission.indicator.swing_threshold

    @property
    def flags(self) -> list[str]:
        s = self.submission
        found = []
        if s.is_nil_return:
            found.append("Nil return")
        if s.is_provisional:
            found.append("Provisional")
        if s.is_estimated:
            found.append("Estimated")
        if s.footnote:
            found.append("Footnote")
        if not s.covers_quarter:
            found.append(f"Covers {s.covered_display}")
        if s.version > 1:
            found.append(f"Correction (version {s.version})")
        if self.is_swing:
            found.append("Large change")
        return found

    @property
    def status(self) -> str:
        return status_of(self.submission)


def status_of(submission: Submission) -> str:
    """The state a person reads: a draft nobody has touched is 'Not started'."""
    if (
        submission.state == Submission.State.DRAFT
        and submission.row_version == 1
        and submission.version == 1
        and not has_figure(submission)
    ):
        return "Not started"
    return submission.get_state_display()


def row_sort_key(row: Row) -> tuple:
    """The order people read figures in: outcome, indicator, then area."""
    s = row.submission
    return (
        s.indicator.outcome.display_order,
        s.indicator.display_order,
        s.indicator.title,
        s.area.display_order,
        s.area.name,
    )


def rows_for(submissions: Iterable[Submission]) -> list[Row]:
    """Rows with figures, for submissions already loaded with `RELATED` joined."""
    submissions = list(submissions)
    populations = populations_by_area()
    previous = previous_approved(submissions)
    rows = []
    for s in submissions:
        before = previous.get((s.indicator_id, s.area_id, s.period.as_quarter.previous()))
        rows.append(
            Row(
                submission=s,
                figure=figure_of(s, populations),
                previous=figures.submission_figure(
                    s.indicator,
                    before,
                    before.period.as_quarter,
                    populations.get(s.area_id, {}),
                )
                if before
                else None,
            )
        )
    return rows


def owned_indicators(organisation_ids) -> list[Indicator]:
    """The active indicators these organisations submit, with their areas (two queries)."""
    return list(
        Indicator.objects.filter(is_active=True, owner_id__in=organisation_ids)
        .select_related("outcome")
        .prefetch_related("areas")
    )


def missing_pairs(indicators: Iterable[Indicator], rows: Iterable[Row]) -> list[tuple]:
    """(indicator, area) expected of the organisation with no figure among `rows` yet, such
    as an indicator added after the quarter was opened."""
    have = {(r.submission.indicator_id, r.submission.area_id) for r in rows}
    return [
        (ind, area)
        for ind in indicators
        for area in ind.areas.all()
        if (ind.pk, area.pk) not in have
    ]


class PagedRows(TableData):
    """A table's data that sorts and pages the submissions in the database, then makes rows.

    The review queue can match every submission in the portal ("All states"); only the page
    shown is loaded and only its figures are computed, so a page costs the same at any size.
    Columns sort on the submission's fields (`submission__…` in the table); the primary key
    breaks ties so the pages neither skip nor repeat a row.
    """

    # Counting every match would read every row: past this many the count stops, the
    # page says "more than", and the pages reach this far (filters narrow the rest).
    COUNT_LIMIT = 10_000

    def __init__(self, submissions: QuerySet) -> None:
        super().__init__(submissions.order_by("pk"))
        self._count: int | None = None
        self.more = False  # more match than COUNT_LIMIT (known once counted)

    def __len__(self) -> int:
        if self._count is None:
            found = self.data.order_by()[: self.COUNT_LIMIT + 1].count()
            self._count = min(found, self.COUNT_LIMIT)
            self.more = found > self.COUNT_LIMIT
        return self._count

    def __getitem__(self, key):
        if isinstance(key, slice):
            return rows_for(self.data[key])
        return rows_for(self.data[key : key + 1])[0]

    def __iter__(self):
        return iter(rows_for(self.data))

    def order_by(self, aliases) -> None:
        fields = []
        for alias in aliases:
            column = self.table.columns[OrderBy(alias).bare]
            flipped = alias[0] != column.order_by_alias[0]
            accessors = column.order_by.opposite if flipped else column.order_by
            fields += [a.for_queryset().replace("submission__", "", 1) for a in accessors]
        self.data = self.data.order_by(*fields, "pk")


def open_periods() -> list[ReportingPeriod]:
    """Quarters that still take entries (or will), newest first."""
    periods = ReportingPeriod.objects.filter(closed_at__isnull=True).order_by("-year", "-quarter")
    return [p for p in periods if not p.is_closed()]
