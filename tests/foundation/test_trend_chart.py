"""The trend chart: no line across a missing quarter or a break, round ticks, the target."""

from __future__ import annotations

import re
from decimal import Decimal

from indicators.figures import Target
from reporting.charts import CHAR_WIDTH, nice_step, trend_chart

D = Decimal


def quarters(values):
    return [
        (f"Q{i % 4 + 1} {2010 + i // 4}/{11 + i // 4}", v, str(v)) for i, v in enumerate(values)
    ]


def runs(path: str) -> list[list[tuple[float, float]]]:
    """The path's segments as lists of (x, y): each "M" starts a new one."""
    found = []
    for command, x, y in re.findall(r"([ML])([\d.]+),([\d.]+)", path):
        if command == "M":
            found.append([])
        found[-1].append((float(x), float(y)))
    return found


def test_the_line_stops_at_a_missing_quarter_and_starts_again_after_it():
    chart = trend_chart(quarters([D(10), D(12), None, D(11), D(13)]))
    xs = [p.x for p in chart.points]
    assert [[x for x, _ in run] for run in runs(chart.path)] == [xs[:2], xs[2:]]
    assert len(chart.points) == 4


def test_no_segment_joins_points_more_than_one_quarter_apart():
    values = [D(5), None, D(6), D(7), None, None, D(8), D(9), D(10)]
    chart = trend_chart(quarters(values))
    step = chart.points[1].x - chart.points[0].x  # 2 quarters apart: no line between them
    gap = (chart.right_edge - chart.left) / (len(values) - 1)
    for run in runs(chart.path):
        for (x1, _), (x2, _) in zip(run, run[1:], strict=False):
            assert abs((x2 - x1) - gap) < 0.2
    assert step > gap
    assert len(runs(chart.path)) == 2  # (6, 7) and (8, 9, 10); 5 stands alone as a dot


def test_a_break_in_series_splits_the_line():
    chart = trend_chart(quarters([D(1), D(2), D(3), D(4)]), breaks_before={2})
    assert len(runs(chart.path)) == 2
    assert [len(run) for run in runs(chart.path)] == [2, 2]


def test_a_lone_point_is_drawn_without_a_line():
    chart = trend_chart(quarters([D(4), None, D(5)]))
    assert chart.path == ""
    assert len(chart.points) == 2


def test_ticks_are_round_numbers_covering_the_figures_and_the_target():
    chart = trend_chart(
        quarters([D("46.80"), D("49.51"), D("47.11")]),
        target=Target(low=None, high=D("52.5")),
        target_text="≤ 52.50",
    )
    assert [label for _, label in chart.y_ticks] == ["46", "48", "50", "52", "54"]
    assert len(chart.targets) == 1 and chart.targets[0].text == "Target ≤ 52.50"
    top, bottom = chart.y_ticks[-1][0], chart.y_ticks[0][0]
    assert top < chart.targets[0].y < bottom


def test_large_counts_get_thousands_separators_and_small_rates_decimals():
    counts = trend_chart(quarters([D(31843), D(33450)]))
    assert [label for _, label in counts.y_ticks] == [
        "31,500",
        "32,000",
        "32,500",
        "33,000",
        "33,500",
    ]
    rates = trend_chart(quarters([D("0.58"), D("0.66")]))
    assert [label for _, label in rates.y_ticks] == ["0.58", "0.60", "0.62", "0.64", "0.66"]


def test_nice_steps_are_one_two_two_and_a_half_or_five_times_a_power_of_ten():
    assert [nice_step(s) for s in (4, 3.2, 0.9, 700, 12)] == [
        D(1),
        D(1),
        D("0.25"),
        D(200),
        D(5),
    ]


def test_x_labels_never_overlap_however_many_quarters():
    for count in (4, 10, 14, 40, 120):
        chart = trend_chart(quarters([D(i % 7) for i in range(count)]))
        xs = [x for x, _ in chart.x_labels]
        widest = max(len(label) for _, label in chart.x_labels) * CHAR_WIDTH
        assert all(b - a >= widest for a, b in zip(xs, xs[1:], strict=False)), count
        assert chart.x_labels[0][1] == "Q1 2010/11"


def test_no_figures_makes_an_empty_chart_that_says_so():
    chart = trend_chart(quarters([None, None]))
    assert (chart.points, chart.path, chart.description) == ([], "", "No data.")
