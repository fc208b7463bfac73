"""A server-drawn SVG line chart for indicator trend pages: no JavaScript, with a text
alternative; the page shows the same figures as a table beside it.

The line never crosses a missing quarter or a break in series (it is drawn as separate
segments), the target is marked, the value axis has round ticks, and quarter labels are
thinned so they never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56
# A quarter label ("Q2 2016/17") needs about this many pixels at 12px.
LABEL_WIDTH = 72
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


@dataclass
class Point:
    x: float
    y: float
    label: str  # the quarter, e.g. "Q2 2016/17"
    text: str  # the figure as printed
    show_label: bool = True


@dataclass
class TargetLine:
    y: float
    label: str  # "Target 40.00"


@dataclass
class Chart:
    width: int
    height: int
    points: list[Point]
    polylines: list[str]  # one per unbroken run of quarters
    y_ticks: list[tuple[float, str]]
    x_axis_y: float
    left: int
    right_edge: int
    description: str
    targets: list[TargetLine] = field(default_factory=list)


def nice_ticks(low: Decimal, high: Decimal, count: int = 5) -> list[Decimal]:
    """Round tick values (steps of 1, 2, 2.5 or 5 × 10ⁿ) covering low to high."""
    if high == low:
        pad = abs(low) / 10 or Decimal(1)
        low, high = low - pad, high + pad
    raw = (high - low) / (count - 1)
    magnitude = Decimal(10) ** raw.adjusted()
    step = next(s * magnitude for s in NICE_STEPS if s * magnitude >= raw)
    start = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    if low >= 0 > start:
        start = Decimal(0)
    ticks = [start]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return ticks


def _tick_text(value: Decimal, ticks: list[Decimal]) -> str:
    places = max((max(-t.normalize().as_tuple().exponent, 0) for t in ticks), default=0)
    return f"{value:,.{places}f}"


def _segments(points: list[tuple[int, Point]], breaks: set[int]) -> list[str]:
    """Polylines of consecutive known quarters, split at gaps and at breaks in series."""
    runs: list[list[Point]] = []
    previous = None
    for index, point in points:
        if previous is None or index != previous + 1 or index in breaks:
            runs.append([])
        runs[-1].append(point)
        previous = index
    return [" ".join(f"{p.x},{p.y}" for p in run) for run in runs if len(run) > 1]


def breaks_between(quarters: list, changes) -> set[int]:
    """Indexes of quarters that start a new series: a definition change took effect after
    the quarter before ended and by the end of this one."""
    found = set()
    for index in range(1, len(quarters)):
        before, now = quarters[index - 1], quarters[index]
        if any(before.end < change.effective_from <= now.end for change in changes):
            found.add(index)
    return found


def trend_chart(
    series: list[tuple[str, Decimal | None, str]],
    decimal_places: int,
    breaks: set[int] | None = None,
    targets: list[Decimal] | None = None,
) -> Chart:
    """`series`: (quarter label, value or None when awaiting data, printed figure).

    `breaks`: indexes of quarters that start a new series (a definition changed before
    them). `targets`: the target's bounds, drawn as dashed lines.
    """
    known = [(i, label, v, text) for i, (label, v, text) in enumerate(series) if v is not None]
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    if not known:
        return Chart(WIDTH, HEIGHT, [], [], [], HEIGHT - BOTTOM, LEFT, WIDTH - RIGHT, "No data.")
    targets = list(targets or [])
    values = [v for _, _, v, _ in known] + targets
    ticks = nice_ticks(min(values), max(values))
    low, span = ticks[0], ticks[-1] - ticks[0]
    step = plot_w / max(len(series) - 1, 1)
    every = max(1, -(-LABEL_WIDTH // max(int(step), 1)))

    def y_for(value: Decimal) -> float:
        return round(TOP + plot_h - float((value - low) / span) * plot_h, 1)

    placed = [
        (
            i,
            Point(
                x=round(LEFT + i * step if len(series) > 1 else LEFT + plot_w / 2, 1),
                y=y_for(v),
                label=label,
                text=text,
                show_label=(len(series) - 1 - i) % every == 0,
            ),
        )
        for i, label, v, text in known
    ]
    first, last = known[0], known[-1]
    description = (
        f"{len(known)} quarters from {first[1]} ({first[3]}) to {last[1]} ({last[3]}). "
        "The same figures are in the table below."
    )
    if len(known) < len(series):
        description += f" {len(series) - len(known)} quarters have no figure: the line breaks."
    if breaks:
        description += " The line also breaks where the definition changed."
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=[p for _, p in placed],
        polylines=_segments(placed, breaks or set()),
        y_ticks=[(y_for(t), _tick_text(t, ticks)) for t in ticks],
        x_axis_y=TOP + plot_h,
        left=LEFT,
        right_edge=WIDTH - RIGHT,
        description=description,
        targets=[TargetLine(y_for(t), f"Target {t:.{decimal_places}f}") for t in targets],
    )
