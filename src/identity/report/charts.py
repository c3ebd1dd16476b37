"""Inline SVG charts, generated here so the report needs no script or network.

Every axis has round ticks (whole numbers for counts) and at most a handful of labels, so labels
never overlap; charts scale down with the page (``viewBox``) and keep their proportions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from identity.report.html import esc

WIDTH = 760
HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 60, 16, 22, 48
_AXIS = "#9aa5b1"
_GRID = "#e4e9f0"
COLOURS = {"linked": "#3d6fb6", "unlinked": "#c05621", "unscored": "#d9e2ec", "line": "#2458a6"}
# Characters of 11px text are about this wide; labels further apart than their width never touch.
_CHAR_PX = 6.5


@dataclass(frozen=True)
class Bar:
    """One bar: its axis label, its value and an optional colour class."""

    label: str
    value: float
    negative: bool = False


@dataclass(frozen=True)
class Bin:
    """One histogram bin: ``[start, end)`` on the x axis and how many fell in it."""

    start: float
    end: float
    count: float


@dataclass(frozen=True)
class Axis:
    """A numeric axis: its drawn range and where its ticks go."""

    low: float
    high: float
    ticks: tuple[float, ...]

    def at(self, value: float, start: float, length: float) -> float:
        """Position of ``value`` along an axis drawn from ``start`` over ``length`` pixels."""
        span = self.high - self.low or 1.0
        return start + length * (value - self.low) / span


def nice_step(span: float, ticks: int = 4, integer: bool = False) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks."""
    raw = span / max(ticks, 1) if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        step = multiple * magnitude
        if step >= raw:
            break
    return max(1.0, round(step)) if integer else step


def axis(low: float, high: float, *, ticks: int = 4, integer: bool = False) -> Axis:
    """An axis covering ``low`` to ``high`` with round ticks (whole numbers if ``integer``)."""
    if high <= low:
        pad = 1.0 if integer or low == 0 else abs(low) * 0.05
        low, high = (low - pad if low != 0 else 0.0), high + pad
    step = nice_step(high - low, ticks, integer)
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    count = round((end - start) / step)
    return Axis(start, end, tuple(start + i * step for i in range(count + 1)))


def fmt_tick(value: float, step: float) -> str:
    """A tick label with no more decimals than its step needs."""
    if step >= 1 or float(value).is_integer():
        return f"{round(value):,}"
    decimals = min(4, max(1, -math.floor(math.log10(step) + 1e-9)))
    return f"{value:.{decimals}f}"


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet"><title>{esc(title)}</title>'
    )


def _y_axis(y: Axis, left: float, right: float, top: float, bottom: float) -> str:
    step = y.ticks[1] - y.ticks[0] if len(y.ticks) > 1 else 1.0
    parts = [f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{_AXIS}"/>']
    for tick in y.ticks:
        at = y.at(tick, bottom, top - bottom)
        parts.append(
            f'<line x1="{left}" y1="{at:.1f}" x2="{right}" y2="{at:.1f}" stroke="{_GRID}"/>'
            f'<text x="{left - 6}" y="{at + 4:.1f}" text-anchor="end">'
            f"{esc(fmt_tick(tick, step))}</text>"
        )
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{_AXIS}"/>')
    return "".join(parts)


def _titles(x_label: str, y_label: str, width: int, height: int, plot_mid: float) -> str:
    return (
        f'<text x="{_LEFT + (width - _LEFT - _RIGHT) / 2:.1f}" y="{height - 8}" '
        f'text-anchor="middle">{esc(x_label)}</text>'
        f'<text x="14" y="{plot_mid:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {plot_mid:.1f})">{esc(y_label)}</text>'
    )


def bar_chart(bars: Sequence[Bar], *, title: str, x_label: str, y_label: str) -> str:
    """A vertical bar chart of counts, each bar labelled with its value.

    Args:
        bars: Bars in display order; values below zero are drawn as zero.
        title: Accessible title of the chart.
        x_label: Axis title under the bars.
        y_label: Axis title beside the bars.

    Returns:
        An ``<svg>`` element, or a "no data" paragraph.
    """
    if not bars:
        return '<p class="empty">No data.</p>'
    plot_w, bottom = WIDTH - _LEFT - _RIGHT, HEIGHT - _BOTTOM
    y = axis(0.0, max(max(bar.value, 0.0) for bar in bars), integer=True)
    slot = plot_w / len(bars)
    gap = min(12.0, slot * 0.25)
    # A label wider than its slot would run into the next one: then only every n-th is drawn.
    widest = max(len(bar.label) for bar in bars) * _CHAR_PX
    every = max(1, math.ceil(widest / slot))
    parts = [_open(WIDTH, HEIGHT, title), _y_axis(y, _LEFT, WIDTH - _RIGHT, _TOP, bottom)]
    for i, bar in enumerate(bars):
        x = _LEFT + i * slot + gap / 2
        top = y.at(max(bar.value, 0.0), bottom, _TOP - bottom)
        colour = COLOURS["unlinked"] if bar.negative else COLOURS["linked"]
        centre = x + (slot - gap) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{max(slot - gap, 1):.1f}" '
            f'height="{bottom - top:.1f}" fill="{colour}"><title>{esc(bar.label)}: '
            f"{esc(fmt_tick(bar.value, 1))}</title></rect>"
            f'<text class="value" x="{centre:.1f}" y="{top - 4:.1f}" text-anchor="middle">'
            f"{esc(fmt_tick(bar.value, 1))}</text>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{bottom + 16}" text-anchor="middle">'
                f"{esc(bar.label)}</text>"
            )
    parts.append(_titles(x_label, y_label, WIDTH, HEIGHT, (_TOP + bottom) / 2))
    parts.append("</svg>")
    return "".join(parts)


def histogram(
    bins: Sequence[Bin],
    *,
    title: str,
    x_label: str,
    y_label: str,
    threshold: float | None = None,
    floor: float | None = None,
) -> str:
    """A histogram on a numeric x axis, with the threshold marked and the unscored range shaded.

    Args:
        bins: Bins in any order; counts below zero are drawn as zero.
        title: Accessible title.
        x_label: Axis title under the bins.
        y_label: Axis title beside them.
        threshold: Drawn as a labelled vertical line; bins from it upwards are "linked"
            (blue), bins below it "scored, not linked" (orange).
        floor: Values below it were never measured: that part of the axis is shaded.

    Returns:
        An ``<svg>`` element, or a "no data" paragraph.
    """
    if not bins:
        return '<p class="empty">No pairs were scored.</p>'
    ordered = sorted(bins, key=lambda b: b.start)
    low, high = ordered[0].start, ordered[-1].end
    marks = [v for v in (threshold, floor) if v is not None]
    if marks:  # both sides of the threshold are always on the axis
        margin = max(2.0, 0.08 * (max(high, *marks) - min(low, *marks)))
        low, high = min(low, min(marks) - margin), max(high, max(marks) + 1.0)
    x = axis(low, high, ticks=max(2, min(10, round((WIDTH - _LEFT) / 70))), integer=True)
    y = axis(0.0, max(max(b.count, 0.0) for b in ordered), integer=True)
    plot_w, bottom = WIDTH - _LEFT - _RIGHT, HEIGHT - _BOTTOM
    parts = [_open(WIDTH, HEIGHT, title)]
    if floor is not None and floor > x.low:
        edge = x.at(floor, _LEFT, plot_w)
        parts.append(
            f'<rect class="unscored" x="{_LEFT}" y="{_TOP}" width="{edge - _LEFT:.1f}" '
            f'height="{bottom - _TOP}" fill="{COLOURS["unscored"]}" opacity="0.6">'
            "<title>not scored: pairs below the scoring floor are not kept</title></rect>"
            f'<text x="{(_LEFT + edge) / 2:.1f}" y="{_TOP + 14}" text-anchor="middle" '
            'class="muted">not scored</text>'
        )
    parts.append(_y_axis(y, _LEFT, WIDTH - _RIGHT, _TOP, bottom))
    for b in ordered:
        left, right = x.at(b.start, _LEFT, plot_w), x.at(b.end, _LEFT, plot_w)
        top = y.at(max(b.count, 0.0), bottom, _TOP - bottom)
        linked = threshold is None or b.start >= threshold
        colour = COLOURS["linked"] if linked else COLOURS["unlinked"]
        parts.append(
            f'<rect x="{left + 0.5:.1f}" y="{top:.1f}" width="{max(right - left - 1, 1):.1f}" '
            f'height="{bottom - top:.1f}" fill="{colour}"><title>{esc(fmt_tick(b.start, 1))} to '
            f"{esc(fmt_tick(b.end, 1))}: {esc(fmt_tick(b.count, 1))} pairs</title></rect>"
        )
    step = x.ticks[1] - x.ticks[0] if len(x.ticks) > 1 else 1.0
    for tick in x.ticks:
        at = x.at(tick, _LEFT, plot_w)
        parts.append(
            f'<line x1="{at:.1f}" y1="{bottom}" x2="{at:.1f}" y2="{bottom + 4}" stroke="{_AXIS}"/>'
            f'<text x="{at:.1f}" y="{bottom + 16}" text-anchor="middle">'
            f"{esc(fmt_tick(tick, step))}</text>"
        )
    if threshold is not None:
        at = x.at(threshold, _LEFT, plot_w)
        # The label reads away from the line, towards whichever side has room.
        anchor, dx = ("end", -5) if at > _LEFT + 0.6 * plot_w else ("start", 5)
        parts.append(
            f'<line class="threshold" x1="{at:.1f}" y1="{_TOP - 6}" x2="{at:.1f}" y2="{bottom}" '
            'stroke="#c53030" stroke-width="2" stroke-dasharray="5 3"/>'
            f'<text x="{at + dx:.1f}" y="{_TOP - 8}" text-anchor="{anchor}" '
            f'class="threshold-label">threshold {esc(fmt_tick(threshold, 0.1))}: pairs at or '
            "above it link</text>"
        )
    parts.append(_titles(x_label, y_label, WIDTH, HEIGHT, (_TOP + bottom) / 2))
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Point:
    """One run on a trend line: its label (run and date) and its value, None if unknown."""

    label: str
    value: float | None


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    x_labels: Sequence[str] = (),
    integer: bool = True,
    width: int = 360,
    height: int = 170,
) -> str:
    """A small line chart of one figure over runs, oldest on the left.

    Args:
        points: One per run, oldest first; runs with no value leave a gap in the line.
        title: Shown above the plot (with the latest value) and as its accessible title.
        x_labels: One label per run; the first and the last are always drawn, the others
            thinned so that none touch.
        integer: Whole-number ticks from 0 (counts); otherwise the axis hugs the values.
        width: Drawn width in pixels (the page scales it down when narrow).
        height: Drawn height.

    Returns:
        An ``<svg>`` element; a run of one point is drawn as a dot.
    """
    known = [p.value for p in points if p.value is not None]
    left, right, top, bottom = 52, 14, 26, height - 26
    latest = f" · latest {fmt_tick(known[-1], 1 if integer else 0.001)}" if known else ""
    parts = [
        _open(width, height, title),
        f'<text x="{left}" y="15" class="chart-title">{esc(title + latest)}</text>',
    ]
    if not known:
        parts.append(f'<text x="{left}" y="{height / 2:.0f}" class="muted">no data</text></svg>')
        return "".join(parts)
    y = axis(0.0 if integer else min(known), max(known), ticks=3, integer=integer)
    parts.append(_y_axis(y, left, width - right, top, bottom))
    n, plot_w = len(points), width - left - right
    xs = [left + plot_w / 2] if n == 1 else [left + plot_w * i / (n - 1) for i in range(n)]
    ys = [None if p.value is None else y.at(p.value, bottom, top - bottom) for p in points]
    parts.append(_polylines(xs, ys))
    step = y.ticks[1] - y.ticks[0] if len(y.ticks) > 1 else 1.0
    for x_at, y_at, point in zip(xs, ys, points, strict=True):
        if y_at is not None and point.value is not None:
            parts.append(
                f'<circle cx="{x_at:.1f}" cy="{y_at:.1f}" r="3" fill="{COLOURS["line"]}">'
                f"<title>{esc(point.label)}: {esc(fmt_tick(point.value, step / 10))}</title>"
                "</circle>"
            )
    parts.append(_run_labels(list(x_labels)[:n], xs, plot_w, height - 8))
    parts.append("</svg>")
    return "".join(parts)


def _polylines(xs: Sequence[float], ys: Sequence[float | None]) -> str:
    """The line through every known point; a run with no value breaks it."""
    segments: list[list[str]] = [[]]
    for x_at, y_at in zip(xs, ys, strict=True):
        if y_at is None:
            segments.append([])
        else:
            segments[-1].append(f"{x_at:.1f},{y_at:.1f}")
    return "".join(
        f'<polyline points="{" ".join(s)}" fill="none" stroke="{COLOURS["line"]}" '
        'stroke-width="2"/>'
        for s in segments
        if len(s) > 1
    )


def _run_labels(labels: list[str], xs: Sequence[float], plot_w: float, y: float) -> str:
    """Run labels under the axis: first and last always, others only where they fit."""
    if not labels:
        return ""
    n = len(labels)
    room = max(1, math.floor(plot_w / (max(len(s) for s in labels) * _CHAR_PX + 8)))
    every = max(1, math.ceil(n / room))
    shown = [i for i in range(0, n, every) if n - 1 - i >= every or i == 0] + [n - 1]
    parts = []
    for i in sorted(set(shown)):
        anchor = "middle" if n == 1 else "start" if i == 0 else "end" if i == n - 1 else "middle"
        parts.append(
            f'<text x="{xs[i]:.1f}" y="{y:.0f}" text-anchor="{anchor}">{esc(labels[i])}</text>'
        )
    return "".join(parts)


def swatch(kind: str, label: str) -> str:
    """A legend entry: a square in one of ``COLOURS`` and its meaning."""
    return (
        f'<span class="swatch"><span style="background:{COLOURS[kind]}"></span>{esc(label)}</span>'
    )
