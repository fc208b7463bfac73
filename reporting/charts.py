"""A server-drawn SVG line chart for indicator trend pages: no JavaScript, with a text
alternative; the page shows the same figures as a table beside it.

The line is honest about what it does not know: it stops at a quarter without a figure and
at a break in series, and starts again after it, so no line ever joins two figures across
a gap. The y axis has round ticks (1, 2, 2.5 or 5 times a power of ten) and includes the
target; the x axis labels only as many quarters as fit without overlapping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.figures import Target

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56
CHAR_WIDTH = 7  # px per character of a 12px label, generously
LABEL_GAP = 12  # px between two x labels
TICKS_WANTED = 5


@dataclass
class Point:
    x: float
    y: float
    label: str  # the quarter, e.g. "Q2 2016/17"
    text: str  # the figure as printed


@dataclass
class TargetLine:
    y: float
    text: str  # "Target ≤ 47.50"


@dataclass
class Chart:
    width: int
    height: int
    points: list[Point]
    segments: list[list[Point]]  # runs of consecutive figures, each drawn as one line
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    x_axis_y: float
    left: int
    right_edge: int
    description: str
    targets: list[TargetLine] = field(default_factory=list)

    @property
    def path(self) -> str:
        """SVG path data: one "M … L …" run per segment, never a line across a gap."""
        runs = []
        for segment in self.segments:
            if len(segment) < 2:
                continue
            head, *rest = segment
            runs.append(f"M{head.x},{head.y} " + " ".join(f"L{p.x},{p.y}" for p in rest))
        return " ".join(runs)


def nice_step(span: float, wanted: int = TICKS_WANTED) -> Decimal:
    """A round tick step (1, 2, 2.5 or 5 × 10ⁿ) giving about `wanted` ticks over `span`."""
    raw = span / max(wanted - 1, 1)
    power = Decimal(10) ** math.floor(math.log10(raw))
    for multiple in (1, 2, Decimal("2.5"), 5, 10):
        step = power * Decimal(multiple)
        if step >= Decimal(str(raw)):
            return step
    return power * 10  # pragma: no cover - the loop ends at 10 × power ≥ raw


def _axis(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(bottom, top, step) of a y axis with round ticks that holds [low, high]."""
    if low == high:
        pad = abs(low) / 10 or Decimal(1)
        low, high = low - pad, high + pad
    step = nice_step(float(high - low))
    bottom = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    top = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    if low >= 0 > bottom:
        bottom = Decimal(0)
    return bottom, top, step


def _tick_text(value: Decimal, step: Decimal) -> str:
    places = max(0, -step.normalize().as_tuple().exponent)
    return f"{value:,.{places}f}"


def _label_every(count: int, labels: list[str], plot_w: float) -> int:
    """Label every n-th quarter so that labels do not overlap."""
    widest = max((len(label) for label in labels), default=0) * CHAR_WIDTH + LABEL_GAP
    if count <= 1:
        return 1
    spacing = plot_w / (count - 1)
    return max(1, math.ceil(widest / spacing))


def trend_chart(
    series: list[tuple[str, Decimal | None, str]],
    *,
    breaks_before: set[int] | frozenset[int] = frozenset(),
    target: Target | None = None,
    target_text: str = "",
) -> Chart:
    """`series`: (quarter label, value or None when there is no figure, printed figure).

    `breaks_before` holds the indexes of quarters that start a new series (a definition
    change took effect in them): the line is not drawn into them from the quarter before.
    """
    known = [(i, label, v, text) for i, (label, v, text) in enumerate(series) if v is not None]
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    if not known:
        return Chart(
            WIDTH, HEIGHT, [], [], [], [], HEIGHT - BOTTOM, LEFT, WIDTH - RIGHT, "No data."
        )
    bounds = [b for b in (target.low, target.high) if b is not None] if target else []
    values = [v for _, _, v, _ in known] + bounds
    bottom, top, step = _axis(min(values), max(values))
    span = top - bottom
    x_step = plot_w / max(len(series) - 1, 1)

    def x_for(index: int) -> float:
        return round(LEFT + index * x_step if len(series) > 1 else LEFT + plot_w / 2, 1)

    def y_for(value: Decimal) -> float:
        return round(TOP + plot_h - float((value - bottom) / span) * plot_h, 1)

    points, segments, previous = [], [], None
    for i, label, v, text in known:
        point = Point(x=x_for(i), y=y_for(v), label=label, text=text)
        joined = previous == i - 1 and i not in breaks_before
        if joined:
            segments[-1].append(point)
        else:
            segments.append([point])
        points.append(point)
        previous = i
    ticks = []
    value = bottom
    while value <= top:
        ticks.append((y_for(value), _tick_text(value, step)))
        value += step
    every = _label_every(len(series), [label for label, _, _ in series], plot_w)
    x_labels = [(x_for(i), label) for i, (label, _, _) in enumerate(series) if i % every == 0]
    targets = [TargetLine(y=y_for(bound), text=f"Target {target_text}") for bound in bounds]
    if len(targets) == 2 and targets[0].y == targets[1].y:
        targets = targets[:1]
    first, last = known[0], known[-1]
    gaps = len(series) - len(known)
    description = (
        f"{len(known)} quarters from {first[1]} ({first[3]}) to {last[1]} ({last[3]})"
        + (f"; {gaps} quarters without a figure are left as gaps" if gaps else "")
        + (f"; the target is {target_text}" if target_text and bounds else "")
        + ". The same figures are in the table below."
    )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        segments=segments,
        y_ticks=ticks,
        x_labels=x_labels,
        x_axis_y=TOP + plot_h,
        left=LEFT,
        right_edge=WIDTH - RIGHT,
        description=description,
        targets=targets,
    )
