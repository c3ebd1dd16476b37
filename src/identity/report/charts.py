"""Inline SVG bar charts, generated here so the report needs no script or network."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from identity.report.html import esc

WIDTH = 760
HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 12, 16, 48
_MAX_LABELS = 16


@dataclass(frozen=True)
class Bar:
    """One bar: its axis label, its value and an optional colour class."""

    label: str
    value: float
    negative: bool = False


def bar_chart(
    bars: Sequence[Bar], *, title: str, x_label: str, y_label: str, log: bool = False
) -> str:
    """Draw a vertical bar chart as inline SVG.

    Args:
        bars: Bars in display order; values below zero are drawn as zero.
        title: Accessible title of the chart.
        x_label: Axis title under the bars.
        y_label: Axis title beside the bars.
        log: Scale heights by ``log10(1 + value)`` so small counts stay visible next to large
            ones (cluster sizes are dominated by singletons).

    Returns:
        An ``<svg>`` element (no ``xmlns`` needed inline), or a "no data" paragraph.
    """
    if not bars:
        return '<p class="empty">No data.</p>'
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    heights = [_scaled(max(bar.value, 0.0), log) for bar in bars]
    top = max(heights) or 1.0
    slot = plot_w / len(bars)
    gap = min(2.0, slot * 0.2)
    label_every = max(1, math.ceil(len(bars) / _MAX_LABELS))
    parts = [
        f'<svg role="img" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">',
        f"<title>{esc(title)}</title>",
        _axes(plot_h, top, log),
    ]
    for i, (bar, height) in enumerate(zip(bars, heights, strict=True)):
        x = _LEFT + i * slot + gap / 2
        h = plot_h * height / top
        y = _TOP + plot_h - h
        colour = "#c05621" if bar.negative else "#3d6fb6"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(slot - gap, 1):.1f}" height="{h:.1f}" '
            f'fill="{colour}"><title>{esc(bar.label)}: {esc(_fmt(bar.value))}</title></rect>'
        )
        if i % label_every == 0:
            cx = x + (slot - gap) / 2
            parts.append(
                f'<text x="{cx:.1f}" y="{_TOP + plot_h + 14}" text-anchor="middle">'
                f"{esc(bar.label)}</text>"
            )
    parts.append(
        f'<text x="{_LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle">'
        f"{esc(x_label)}</text>"
    )
    parts.append(
        f'<text x="14" y="{_TOP + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {_TOP + plot_h / 2:.1f})">'
        f"{esc(y_label + (' (log scale)' if log else ''))}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _scaled(value: float, log: bool) -> float:
    return math.log10(1.0 + value) if log else value


def _axes(plot_h: float, top: float, log: bool) -> str:
    bottom = _TOP + plot_h
    lines = [
        f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{bottom}" stroke="#9aa5b1"/>',
        f'<line x1="{_LEFT}" y1="{bottom}" x2="{WIDTH - _RIGHT}" y2="{bottom}" stroke="#9aa5b1"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        scaled = top * fraction
        # Log-scaled ticks are counts: show them as whole numbers.
        value = round(10**scaled - 1.0) if log else scaled
        y = bottom - plot_h * fraction
        lines.append(
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{esc(_fmt(value))}</text>'
        )
    return "".join(lines)


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value) >= 1 else f"{value:.2g}"
