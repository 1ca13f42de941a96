"""Inline SVG charts: grouped horizontal bars with 95% CI whiskers and reference marks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#1f5fa8", "#d9730d", "#2e8540", "#8e44ad", "#b03a2e", "#5d6d7e")


@dataclass(frozen=True)
class Bar:
    """One bar: a value, its CI (or None) and its n."""

    value: float
    lo: float | None = None
    hi: float | None = None
    n: int | None = None


def _fmt(v: float, percent: bool) -> str:
    return f"{v * 100:.0f}%" if percent else f"{v:g}"


def bar_chart(
    groups: Sequence[str],
    series: Sequence[str],
    bars: Mapping[tuple[str, str], Bar | None],
    *,
    xlabel: str,
    ylabel: str,
    domain: tuple[float, float] = (0.0, 1.0),
    percent: bool = True,
    marks: Mapping[str, tuple[float, str]] | None = None,
    lines: Sequence[tuple[float, str]] = (),
    title: str = "",
) -> str:
    """Horizontal grouped bars; ``marks`` puts a per-group reference diamond, ``lines`` a
    dashed reference line across the plot. All text is escaped."""
    if not groups or not any(bars.get((g, s)) for g in groups for s in series):
        return '<p class="empty">No data for this plot in these runs.</p>'
    left, right, top, width = 270, 30, 24 + 16 * len(series), 860
    bar_h, gap = 13, 12
    group_h = bar_h * len(series) + gap
    plot_w = width - left - right
    height = top + group_h * len(groups) + 58
    lo_d, hi_d = domain

    def x(v: float) -> float:
        v = min(max(v, lo_d), hi_d)
        return left + (v - lo_d) / (hi_d - lo_d) * plot_w

    out = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title or ylabel)}</title>",
    ]
    # legend
    for i, s in enumerate(series):
        lx, ly = left, 16 + 16 * i
        out.append(
            f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{lx + 14}" y="{ly}" class="lg">{escape(s[:90])}</text>'
        )
    bottom = top + group_h * len(groups)
    # grid and ticks
    ticks = 5
    for t in range(ticks + 1):
        v = lo_d + (hi_d - lo_d) * t / ticks
        out.append(
            f'<line x1="{x(v):.1f}" y1="{top}" x2="{x(v):.1f}" y2="{bottom}" class="grid"/>'
            f'<text x="{x(v):.1f}" y="{bottom + 14}" class="tick" text-anchor="middle">'
            f"{_fmt(v, percent)}</text>"
        )
    out.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{bottom + 34}" class="axis" '
        f'text-anchor="middle">{escape(xlabel)}</text>'
        f'<text x="12" y="{top + (bottom - top) / 2:.0f}" class="axis" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + (bottom - top) / 2:.0f})">{escape(ylabel)}</text>'
    )
    for gi, g in enumerate(groups):
        gy = top + gi * group_h
        out.append(
            f'<text x="{left - 8}" y="{gy + group_h / 2:.0f}" class="gl" text-anchor="end">'
            f"{escape(g[:42])}</text>"
        )
        for si, s in enumerate(series):
            b = bars.get((g, s))
            y = gy + si * bar_h + gap / 2
            if b is None:
                out.append(f'<text x="{x(lo_d) + 3:.1f}" y="{y + 10}" class="na">no data</text>')
                continue
            color = PALETTE[si % len(PALETTE)]
            x0, x1 = sorted((x(max(lo_d, min(0.0, hi_d))), x(b.value)))
            n = f", n={b.n}" if b.n is not None else ""
            ci = (
                f" [{_fmt(b.lo, percent)}, {_fmt(b.hi, percent)}]"
                if b.lo is not None and b.hi is not None
                else ""
            )
            out.append(
                f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 1):.1f}" '
                f'height="{bar_h - 3}" fill="{color}" opacity="0.85"><title>'
                f"{escape(s)}: {_fmt(b.value, percent)}{ci}{n}</title></rect>"
            )
            if b.lo is not None and b.hi is not None:
                cy = y + (bar_h - 3) / 2
                out.append(
                    f'<path d="M{x(b.lo):.1f} {cy:.1f}H{x(b.hi):.1f}M{x(b.lo):.1f} {cy - 4:.1f}'
                    f'V{cy + 4:.1f}M{x(b.hi):.1f} {cy - 4:.1f}V{cy + 4:.1f}" class="ci"/>'
                )
        if marks and g in marks:
            v, label = marks[g]
            my = gy + (group_h - gap) / 2 + gap / 2
            out.append(
                f'<path d="M{x(v):.1f} {my - 6:.1f}l5 6l-5 6l-5 -6z" class="mark">'
                f"<title>{escape(label)}: {_fmt(v, percent)}</title></path>"
            )
    for v, label in lines:
        out.append(
            f'<line x1="{x(v):.1f}" y1="{top - 4}" x2="{x(v):.1f}" y2="{bottom}" class="ref"/>'
            f'<text x="{x(v) - 3:.1f}" y="{bottom - 4}" class="reflabel" text-anchor="end">'
            f"{escape(label)} {_fmt(v, percent)}</text>"
        )
    out.append("</svg>")
    return "".join(out)
