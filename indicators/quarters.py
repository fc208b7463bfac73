"""UK financial-year quarters: Q1 is April to June, Q4 is January to March of the next year.

Financial-year Q1 is the classic place to enter data into the wrong year, so every label
carries its months and calendar year: "Q2 2016/17 (Jul–Sep 2016)".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_CODE_RE = re.compile(r"^(\d{4})/(\d{2})-Q([1-4])$")
MONTH_ABBR = [calendar.month_abbr[m] for m in range(13)]


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The year from 1 April `start_year` to 31 March `start_year + 1`."""

    start_year: int

    @classmethod
    def containing(cls, day: dt.date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        """'2016/17', as period identifiers write it."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def dashed_label(self) -> str:
        """'2015-16', as the dashboard's previous-year heading writes it."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def quarters(self) -> list[Quarter]:
        return [Quarter(self.start_year, n) for n in (1, 2, 3, 4)]

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter; `year` is the calendar year the financial year starts in."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"A quarter is numbered 1 to 4, not {self.number}.")

    @classmethod
    def from_code(cls, code: str) -> Quarter:
        """Parse '2016/17-Q2'. Raises ValueError with a readable message."""
        match = _CODE_RE.match(code.strip())
        if not match:
            raise ValueError(f"'{code}' is not a quarter; write it like 2016/17-Q2.")
        year, year_end, number = int(match[1]), int(match[2]), int(match[3])
        if (year + 1) % 100 != year_end:
            raise ValueError(f"'{code}' is not a financial year; write it like 2016/17-Q2.")
        return cls(year, number)

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        fy = FinancialYear.containing(day)
        return cls(fy.start_year, (day.month - 4) % 12 // 3 + 1)

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    @property
    def start(self) -> dt.date:
        month = 4 + 3 * (self.number - 1)
        year = self.year
        if month > 12:
            month -= 12
            year += 1
        return dt.date(year, month, 1)

    @property
    def end(self) -> dt.date:
        last_month_start = self.start.replace(day=1)
        month = last_month_start.month + 2
        year = last_month_start.year
        return dt.date(year, month, calendar.monthrange(year, month)[1])

    @property
    def code(self) -> str:
        return f"{self.financial_year.label}-Q{self.number}"

    @property
    def months(self) -> str:
        """'Jul–Sep 2016'."""
        return f"{MONTH_ABBR[self.start.month]}–{MONTH_ABBR[self.end.month]} {self.end.year}"

    @property
    def label(self) -> str:
        """'Q2 2016/17 (Jul–Sep 2016)'."""
        return f"Q{self.number} {self.financial_year.label} ({self.months})"

    @property
    def short_label(self) -> str:
        return f"Q{self.number} {self.financial_year.label}"

    def shift(self, quarters: int) -> Quarter:
        index = self.year * 4 + (self.number - 1) + quarters
        return Quarter(index // 4, index % 4 + 1)

    def previous(self) -> Quarter:
        return self.shift(-1)

    def next(self) -> Quarter:
        return self.shift(1)

    def same_quarter_last_year(self) -> Quarter:
        return self.shift(-4)

    def rolling_year(self) -> list[Quarter]:
        """The four quarters of the 12 months ending with this one, oldest first."""
        return [self.shift(-n) for n in (3, 2, 1, 0)]

    def __str__(self) -> str:
        return self.code


def period_label(start: dt.date, end: dt.date) -> str:
    """A short label for a covered period, as the dashboard writes lagged data.

    A whole financial year is '2015-16'; a run of months in one year 'Apr-Dec 2015';
    across years 'Jul 2015-Jun 2016'.
    """
    if start.day == 1 and start.month == 4 and end == dt.date(start.year + 1, 3, 31):
        return FinancialYear(start.year).dashed_label
    if start.year == end.year:
        if start.month == end.month:
            return f"{MONTH_ABBR[start.month]} {start.year}"
        return f"{MONTH_ABBR[start.month]}-{MONTH_ABBR[end.month]} {start.year}"
    return f"{MONTH_ABBR[start.month]} {start.year}-{MONTH_ABBR[end.month]} {end.year}"


def british_date(day: dt.date) -> str:
    """'30 Sep 2016'."""
    return f"{day.day} {MONTH_ABBR[day.month]} {day.year}"
