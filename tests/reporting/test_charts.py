"""The trend chart: round ticks, a line that breaks at gaps and series breaks, the target."""

from __future__ import annotations

from decimal import Decimal

from indicators.models import DefinitionChange
from indicators.quarters import Quarter
from reporting.charts import breaks_between, nice_ticks, trend_chart


def series(*values):
    return [(f"Q{n}", None if v is None else Decimal(v), str(v)) for n, v in enumerate(values)]


def test_ticks_are_round_numbers_covering_the_figures():
    assert nice_ticks(Decimal("46.9"), Decimal("47.4")) == [
        Decimal("46.8"),
        Decimal("47.0"),
        Decimal("47.2"),
        Decimal("47.4"),
    ]
    assert nice_ticks(Decimal(3), Decimal(97))[0] == 0
    assert nice_ticks(Decimal(3), Decimal(97))[-1] >= 97


def test_the_line_breaks_at_a_missing_quarter_and_at_a_break_in_series():
    chart = trend_chart(series(1, 2, None, 4, 5, 6, 7), 0, breaks={5})
    # Q0–Q1, then Q3–Q4, then Q5–Q6: never across the gap or the break.
    assert len(chart.polylines) == 3
    assert all(line.count(",") == 2 for line in chart.polylines)
    assert "the line breaks" in chart.description


def test_the_target_is_marked_and_inside_the_axis():
    chart = trend_chart(series(10, 12), 1, targets=[Decimal(20)])
    assert [t.label for t in chart.targets] == ["Target 20.0"]
    assert chart.y_ticks[-1][0] <= chart.targets[0].y


def test_quarter_labels_are_thinned_so_they_do_not_overlap():
    chart = trend_chart(series(*range(20)), 0)
    shown = [p for p in chart.points if p.show_label]
    assert chart.points[-1].show_label
    gaps = [b.x - a.x for a, b in zip(shown, shown[1:], strict=False)]
    assert min(gaps) >= 72


def test_a_break_is_placed_at_the_first_quarter_on_the_new_basis():
    quarters = [Quarter(2016, 1), Quarter(2016, 2), Quarter(2016, 3)]
    change = DefinitionChange(effective_from=Quarter(2016, 2).start)
    assert breaks_between(quarters, [change]) == {1}


def test_the_yearly_history_reads_count_change_rate_and_rank():
    from indicators.models import Indicator
    from reporting.history import raw_values, yearly_history

    crime = Indicator(
        unit="rate_per_1000",
        formula="rate_per_1000",
        aggregation="sum",
        decimal_places=2,
        numerator_label="offences",
    )
    records = [
        {
            "quarter": Quarter(year, n).code,
            "value": "",
            "numerator": str(count),
            "denominator": "",
            "covered_start": "",
            "covered_end": "",
        }
        for year, count in ((2014, 8000), (2015, 7840))
        for n in (1, 2, 3, 4)
    ]
    lines = yearly_history(crime, raw_values(records), {2014: 674500, 2015: 674500}, {2015: "3/9"})
    assert [line.text for line in lines] == [
        "2014/15: 32,000 offences, 47.44 per 1,000",
        "2015/16: 31,360 offences (-2.0%), 46.49 per 1,000 (3/9)",
    ]
