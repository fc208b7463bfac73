"""A server-drawn SVG line chart for indicator trend pages: no JavaScript, with a text
alternative; the page shows the same figures as a table beside it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56


@dataclass
class Point:
    x: float
    y: float
    label: str  # the quarter, e.g. "Q2 2016/17"
    text: str  # the figure as printed


@dataclass
class Chart:
    width: int
    height: int
    points: list[Point]
    polyline: str
    y_ticks: list[tuple[float, str]]
    x_axis_y: float
    left: int
    right_edge: int
    description: str


def _nice_range(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
    if low == high:
        pad = abs(low) / 10 or Decimal(1)
        return low - pad, high + pad
    pad = (high - low) / 10
    return max(Decimal(0), low - pad) if low >= 0 else low - pad, high + pad


def trend_chart(series: list[tuple[str, Decimal | None, str]], decimal_places: int) -> Chart:
    """`series`: (quarter label, value or None when awaiting data, printed figure)."""
    known = [(i, label, v, text) for i, (label, v, text) in enumerate(series) if v is not None]
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    if not known:
        return Chart(WIDTH, HEIGHT, [], "", [], HEIGHT - BOTTOM, LEFT, WIDTH - RIGHT, "No data.")
    low, high = _nice_range(min(v for _, _, v, _ in known), max(v for _, _, v, _ in known))
    span = high - low
    step = plot_w / max(len(series) - 1, 1)

    def y_for(value: Decimal) -> float:
        return round(TOP + plot_h - float((value - low) / span) * plot_h, 1)

    points = [
        Point(
            x=round(LEFT + i * step if len(series) > 1 else LEFT + plot_w / 2, 1),
            y=y_for(v),
            label=label,
            text=text,
        )
        for i, label, v, text in known
    ]
    ticks = []
    for n in range(5):
        value = low + span * n / 4
        ticks.append((y_for(value), f"{value:.{decimal_places}f}"))
    first, last = known[0], known[-1]
    description = (
        f"{len(known)} quarters from {first[1]} ({first[3]}) to {last[1]} ({last[3]}). "
        "The same figures are in the table below."
    )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        y_ticks=ticks,
        x_axis_y=TOP + plot_h,
        left=LEFT,
        right_edge=WIDTH - RIGHT,
        description=description,
    )
