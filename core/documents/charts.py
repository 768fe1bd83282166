"""Charts drawn on the server as inline SVG: no CDN, no script, the same markup on the page and
in the PDF (WeasyPrint draws inline SVG). Each chart is an ``<svg role="img">`` whose ``<title>``
names it and whose ``<desc>`` says every number it draws, for a screen reader; the page and the
PDF also print the same numbers in a table beside it.

Colours are presentation attributes (not ``style``); a horizontal bar has its value written
after it, a grouped bar its value in its own ``<title>`` (a tooltip), and the numbers of both
are in the ``<desc>`` and the table beside, so a chart printed in black and white still reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

# Distinguishable for the common colour blindnesses (Okabe–Ito), dark enough for white text.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F")
AXIS = "#555555"
GRID = "#DDDDDD"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: nothing to measure (drawn as a gap, said as ``fmt`` says it)


@dataclass(frozen=True)
class BarGroup:
    label: str
    bars: Sequence[Bar]


def _text(x: float, y: float, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="DejaVu Sans, sans-serif" '
        f'font-size="11"><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def _legend(names: Sequence[str], x: float, y: float) -> list[str]:
    out: list[str] = []
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        out.append(
            f'<rect x="{x:.1f}" y="{y + i * 16:.1f}" width="10" height="10" fill="{colour}"/>'
        )
        out.append(_text(x + 15, y + i * 16 + 9, name, fill="#000000"))
    return out


def grouped_bars(
    chart_id: str,
    title: str,
    groups: Sequence[BarGroup],
    fmt: Callable[[float | None], str],
    *,
    floor_max: float = 100.0,
) -> str:
    """Vertical bars grouped by ``groups`` (periods), one colour per bar name (pillars), on a
    scale from 0 to at least ``floor_max`` (a realisation above 100 % stretches it)."""
    names = [b.label for b in groups[0].bars] if groups else []
    per_group = max(1, len(names))
    bar_w, gap = 14, 18
    group_w = per_group * bar_w + gap
    left, top, plot_h = 44, 12, 160
    legend_w = 12 + max((len(n) for n in names), default=0) * 6.5 + 20
    width = int(left + max(1, len(groups)) * group_w + 10 + legend_w)
    height = top + plot_h + 44
    values = [b.value for g in groups for b in g.bars if b.value is not None]
    top_value = max([floor_max, *values])
    desc = "; ".join(
        f"{g.label}: " + ", ".join(f"{b.label} {fmt(b.value)}" for b in g.bars) for g in groups
    )
    out = [_open(chart_id, width, height, title, desc or "-")]
    base = top + plot_h
    for step in range(5):  # gridlines at 0, 25, 50, 75, 100 % of the scale
        value = top_value * step / 4
        y = base - plot_h * step / 4
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - legend_w}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        out.append(_text(left - 4, y + 4, fmt(value), text_anchor="end", fill=AXIS, font_size="9"))
    for gi, g in enumerate(groups):
        x0 = left + gap / 2 + gi * group_w
        for bi, b in enumerate(g.bars):
            x = x0 + bi * bar_w
            if b.value is None:
                continue
            h = plot_h * max(0.0, b.value) / top_value
            colour = PALETTE[bi % len(PALETTE)]
            out.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w - 2}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(f"{g.label}, {b.label}: {fmt(b.value)}")}'
                "</title></rect>"
            )
        out.append(
            _text(
                x0 + per_group * bar_w / 2,
                base + 14,
                g.label,
                text_anchor="middle",
                fill="#000000",
                font_size="9",
            )
        )
    out.append(
        f'<line x1="{left}" y1="{base}" x2="{width - legend_w}" y2="{base}" stroke="{AXIS}"/>'
    )
    out.extend(_legend(names, width - legend_w + 8, top))
    out.append("</svg>")
    return "".join(out)


def horizontal_bars(chart_id: str, title: str, bars: Sequence[Bar], unit: str = "") -> str:
    """One horizontal bar per item (reports by status), its count written after it."""
    label_w = 12 + max((len(b.label) for b in bars), default=0) * 6.2
    plot_w, row_h, top = 260, 20, 6
    width = int(label_w + plot_w + 60)
    height = top + max(1, len(bars)) * row_h + 6
    most = max([1.0, *(b.value or 0 for b in bars)])
    desc = "; ".join(f"{b.label}: {b.value or 0:g}{unit}" for b in bars)
    out = [_open(chart_id, width, height, title, desc or "-")]
    for i, b in enumerate(bars):
        y = top + i * row_h
        value = b.value or 0
        w = plot_w * value / most
        colour = PALETTE[i % len(PALETTE)]
        out.append(_text(label_w - 6, y + 13, b.label, text_anchor="end", fill="#000000"))
        out.append(
            f'<rect x="{label_w:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{colour}"/>'
        )
        out.append(_text(label_w + w + 4, y + 13, f"{value:g}{unit}", fill="#000000"))
    out.append("</svg>")
    return "".join(out)
