"""An indicator's yearly history for its public page, from published values only.

"2015/16: 31,843 offences (-2.0%), 47.21 per 1,000 (3/9)": each financial year's count
and figure, the change on the year before, and the rank where the published table held
one. Every number is worked out by the figure engine from the published raw values, so
the page never shows an unpublished figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from indicators import figures
from indicators.quarters import FinancialYear, Quarter

from .assembly import RawFigure

UNIT_WORDS = {"rate_per_1000": " per 1,000", "percentage": "%"}


@dataclass
class YearLine:
    year: str  # "2015/16"
    count: str  # "31,843 offences", or "" when the figure is not a count
    figure: str  # "47.21 per 1,000"
    change: str  # "-2.0%" on the year before, or ""
    rank: str  # "3/9" where held

    @property
    def text(self) -> str:
        change = f" ({self.change})" if self.change else ""
        rank = f" ({self.rank})" if self.rank else ""
        if self.count:
            return f"{self.year}: {self.count}{change}, {self.figure}{rank}"
        return f"{self.year}: {self.figure}{change}{rank}"


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text not in ("", None) else None


def raw_values(records: Iterable[Mapping]) -> dict[Quarter, RawFigure]:
    """Published open-data records (one indicator, one area) as the engine's raw values."""
    found = {}
    for n, record in enumerate(records):
        found[Quarter.from_code(record["quarter"])] = RawFigure(
            id=-(n + 1),
            value=_number(record["value"]),
            numerator=_number(record["numerator"]),
            denominator=_number(record["denominator"]),
            is_nil_return=record.get("nil_return") == "yes",
            covered_start=dt.date.fromisoformat(s) if (s := record["covered_start"]) else None,
            covered_end=dt.date.fromisoformat(e) if (e := record["covered_end"]) else None,
            covered_label=record.get("covered_label", ""),
            status="figure",
        )
    return found


def yearly_history(
    indicator,
    values: Mapping[Quarter, RawFigure],
    populations: Mapping[int, int],
    ranks: Mapping[int, str],
) -> list[YearLine]:
    """One line per financial year whose figure the published quarters give, oldest first."""
    years = sorted({q.year for q in values})
    lines, before = [], None
    for year in years:
        figure = figures.window_figure(
            indicator, "financial_year", Quarter(year, 4), values, populations
        )
        if not figure.available:
            before = None
            continue
        count = ""
        if indicator.aggregation == "sum" and indicator.formula != "direct":
            total = sum(values[q].numerator or 0 for q in FinancialYear(year).quarters())
            label = f" {indicator.numerator_label}" if indicator.numerator_label else ""
            count = figures.format_number(Decimal(total), 0, thousands=True) + label
        change = ""
        if before is not None and before.value:
            percent = (figure.value - before.value) * 100 / abs(before.value)
            change = figures.format_number(percent, 1, signed=True) + "%"
        shown = figures.format_number(figure.value, figure.decimal_places, thousands=True)
        lines.append(
            YearLine(
                year=FinancialYear(year).label,
                count=count,
                figure=shown + UNIT_WORDS.get(indicator.unit, ""),
                change=change,
                rank=ranks.get(year, ""),
            )
        )
        before = figure
    return lines
