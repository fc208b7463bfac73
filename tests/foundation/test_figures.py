"""The figure engine against hand-worked cases and against the seed."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from indicators import figures
from indicators.quarters import Quarter

Q2 = Quarter(2016, 2)
EIGHT_QUARTERS_BACK = Q2.shift(-7)


@dataclass
class Raw:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    is_nil_return: bool = False
    covered_start: dt.date | None = None
    covered_end: dt.date | None = None
    covered_label: str = ""
    id: int | None = None


@dataclass
class Rules:
    formula: str
    aggregation: str
    unit: str
    decimal_places: int
    polarity: str = "lower"
    rag_method: str = "target"
    target: Decimal | None = None
    target_tolerance: Decimal | None = None


RATE = Rules("rate_per_1000", "sum", "rate_per_1000", 2)
COUNT = Rules("count", "sum", "count", 0)
PCT = Rules("percentage", "sum", "percentage", 1)
DIRECT = Rules("direct", "latest", "percentage", 0, polarity="higher")


def counts(*values, start=EIGHT_QUARTERS_BACK):
    return {start.shift(i): Raw(numerator=Decimal(v), id=i + 1) for i, v in enumerate(values)}


def test_rate_per_1000_rounds_half_up_as_a_spreadsheet_shows_it():
    # 2345 / 1,000,000 × 1,000 = 2.345 → 2.35 (banker's rounding would give 2.34)
    assert figures.rate_per_1000(Decimal(2345), 1_000_000, 2).value == Decimal("2.35")


def test_percentage_from_numerator_and_denominator():
    figure = figures.percentage(Decimal(252), Decimal(900), 0)
    assert figure.value == Decimal(28) and figure.text("percentage") == "28%"
    assert "252 ÷ 900 × 100" in figure.inputs[0]


def test_zero_denominator_gives_no_figure_and_a_reason():
    figure = figures.percentage(Decimal(3), Decimal(0), 1)
    assert figure.value is None and "denominator is 0" in figure.reason


def test_no_population_gives_no_rate_and_a_reason():
    figure = figures.rolling_12_months(RATE, Q2, counts(*[10] * 8), {})
    assert figure.value is None and "population" in figure.reason


def test_rolling_12_months_sums_the_last_four_quarters_with_that_years_population():
    subs = counts(100, 100, 100, 100, 8100, 8200, 7900, 7643)  # 2015/16 Q1 .. 2016/17 Q2
    pops = {2015: 674500, 2016: 681000}
    latest = figures.rolling_12_months(RATE, Q2, subs, pops)
    # Q3 2015/16 .. Q2 2016/17 = 8100 + 8200 + 7900 + 7643 = 31843 over the 2016 estimate
    assert latest.value == Decimal("46.76")
    assert (latest.start, latest.end) == (dt.date(2015, 10, 1), dt.date(2016, 9, 30))
    assert latest.submission_ids == (5, 6, 7, 8)
    assert any("2016 mid-year population 681000" in line for line in latest.inputs)


def test_previous_year_sums_the_previous_financial_years_quarters():
    subs = counts(8100, 8200, 7900, 7643, 1, 1, 1, 1, start=Quarter(2015, 1))
    prev = figures.previous_year(RATE, Q2, subs, {2015: 674500, 2016: 681000})
    assert prev.text() == "47.21"  # the seed's 2015-16 total crime rate
    assert prev.label == ""


def test_a_missing_quarter_gives_no_rolling_figure_and_names_it():
    subs = counts(1, 1, 1, 1, 1, 1, 1, 1)
    del subs[Quarter(2016, 1)]
    figure = figures.rolling_12_months(COUNT, Q2, subs)
    assert figure.value is None
    assert "Q1 2016/17 (Apr–Jun 2016)" in figure.reason


def test_a_nil_return_counts_as_zero_not_as_missing():
    subs = counts(5, 5, 5, 5, 5, 5, 5, 5)
    subs[Quarter(2016, 1)] = Raw(is_nil_return=True)
    figure = figures.rolling_12_months(COUNT, Q2, subs)
    assert figure.value == Decimal(15)
    assert any("nil return" in line for line in figure.inputs)


def test_summed_percentages_add_numerators_and_denominators_first():
    subs = {
        q: Raw(numerator=Decimal(n), denominator=Decimal(d))
        for q, n, d in zip(Q2.rolling_year(), (1, 1, 1, 7), (10, 10, 10, 10), strict=True)
    }
    assert figures.rolling_12_months(PCT, Q2, subs).value == Decimal("25.0")


def test_a_lagged_value_keeps_its_own_period_label():
    subs = {
        Q2: Raw(
            value=Decimal(41),
            covered_start=dt.date(2015, 4, 1),
            covered_end=dt.date(2016, 3, 31),
            covered_label="2015-16",
        ),
        Quarter(2015, 4): Raw(value=Decimal(40), covered_label="2014-15"),
    }
    assert figures.rolling_12_months(DIRECT, Q2, subs).text("percentage") == "41% (2015-16)"
    assert figures.previous_year(DIRECT, Q2, subs).text("percentage") == "40% (2014-15)"


@pytest.mark.parametrize(
    "earlier, later, polarity, band, expected",
    [
        ("47.21", "47.11", "lower", "2", "stable"),
        ("6.80", "6.52", "lower", "2", "improving"),
        ("2.95", "3.26", "lower", "2", "worsening"),
        ("92.7", "89.9", "higher", "2", "worsening"),
        ("0.58", "0.66", "higher", "5", "improving"),
        ("10", "12", "none", "5", "up"),
        ("0", "0", "lower", "2", "stable"),
    ],
)
def test_direction_of_travel_follows_polarity_and_stable_band(
    earlier, later, polarity, band, expected
):
    a, b = figures.Figure(Decimal(earlier), 2), figures.Figure(Decimal(later), 2)
    assert figures.direction(a, b, polarity, Decimal(band)) == expected


def test_direction_needs_both_figures():
    assert (
        figures.direction(figures.missing("none"), figures.Figure(Decimal(1)), "lower", Decimal(2))
        is None
    )


@pytest.mark.parametrize(
    "value, polarity, expected",
    [
        ("47.11", "lower", "G"),
        ("48.00", "lower", "A"),
        ("49.00", "lower", "R"),
        ("48.00", "higher", "G"),
        ("46.60", "higher", "A"),
        ("40", "higher", "R"),
    ],
)
def test_rag_from_target_and_tolerance(value, polarity, expected):
    rules = Rules(
        "direct",
        "latest",
        "ratio",
        2,
        polarity=polarity,
        target=Decimal("47.50"),
        target_tolerance=Decimal("1.00"),
    )
    assert figures.rag(Decimal(value), rules) == expected


def test_contextual_indicators_have_no_rag_and_judgement_waits_for_the_approver():
    assert (
        figures.rag(Decimal(5), Rules("direct", "latest", "ratio", 0, rag_method="contextual"))
        == "n/a"
    )
    assert (
        figures.rag(Decimal(5), Rules("direct", "latest", "ratio", 0, rag_method="judgement"))
        is None
    )


@pytest.mark.parametrize(
    "rags, rule, expected",
    [
        (["G", "A", "A", "A"], "majority", "A"),
        (["G", "A"], "majority", "A"),
        (["G", "G", "R"], "majority", "G"),
        (["G", "G", "R"], "worst", "R"),
        (["n/a", None], "majority", "n/a"),
        (["n/a", "G"], "worst", "G"),
    ],
)
def test_outcome_rag_rolls_up_by_its_rule(rags, rule, expected):
    assert figures.outcome_rag(rags, rule) == expected


def test_a_break_in_series_between_two_figures_is_found():
    earlier = figures.Figure(Decimal(1), start=dt.date(2015, 4, 1), end=dt.date(2016, 3, 31))
    later = figures.Figure(Decimal(2), start=dt.date(2015, 10, 1), end=dt.date(2016, 9, 30))
    assert figures.crosses_break(earlier, later, [dt.date(2016, 4, 1)]) == dt.date(2016, 4, 1)
    assert figures.crosses_break(earlier, later, [dt.date(2015, 1, 1)]) is None
    assert figures.crosses_break(earlier, later, [dt.date(2016, 10, 1)]) is None


# The seed's figures, as the engine computes them from the demo's raw data.
SEED_FIGURES = {
    "crime-total": ("47.21", "47.11", "stable", "G"),
    "crime-burglary": ("3.53", "3.51", "stable", "A"),
    "crime-vehicle": ("7.07", "6.52", "improving", "A"),
    "crime-violence-injury": ("2.95", "3.26", "stable", "A"),
    "iom-offending-reduction": ("40% (2014-15)", "41% (2015-16)", "stable", "G"),
    "yos-reoffending-rate": ("1.25 (2014-15)", "0.62 (Apr-Dec 2015)", "improving", "G"),
    "yos-first-time-entrants": ("190", "124 (2015/16 Q1 - 28)", "improving", "G"),
    "marac-repeat": ("28% (Apr2015-Mar2016)", "30% (Jul2015-Jun2016)", "improving", "G"),
    "da-referrals": ("1264 (2014-15)", "2003 (2015-16)", "improving", "G"),
    "asb-victims": ("5.4%", "5.5%", "stable", "G"),
    "asb-confidence": ("92.7%", "89.9%", "worsening", "A"),
    "hate-incidents": ("0.58", "0.66", "improving", "A"),
}


def test_the_engine_gives_the_seeds_figures_from_the_demos_raw_data(demo):
    from indicators.models import Indicator, Submission
    from portal.models import Area

    county = Area.objects.get(code="E10000018")
    pops = dict(county.populations.values_list("year", "population"))
    got = {}
    for ind in Indicator.objects.all():
        subs = {
            s.period.as_quarter: s
            for s in Submission.objects.approved()
            .filter(indicator=ind, area=county)
            .select_related("period")
        }
        prev = figures.previous_year(ind, Q2, subs, pops)
        latest = figures.rolling_12_months(ind, Q2, subs, pops)
        basis = figures.comparison_figure(ind, ind.direction_basis, Q2, subs, pops)
        got[ind.code] = (
            prev.text(ind.unit),
            latest.text(ind.unit),
            figures.direction(basis, latest, ind.polarity, ind.stable_band),
            figures.rag(latest.value, ind),
        )
    assert got == SEED_FIGURES
