"""Server-side SVG charts: pure functions returning markup (no JS, no external library).

Every piece of text is escaped here (outlet and label names come from users and articles), and
each bar carries a fill pattern as well as a colour so a greyscale print still reads.
"""
from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
PATTERNS = ("solid", "hatch", "dots", "cross", "vlines", "grid")


def _color(value: str) -> str:
    return value if HEX.match(value or "") else "#868e96"


def _pattern_defs(colors: list[str]) -> str:
    """One <pattern> per series: colour tint plus a distinct texture (slot i)."""
    defs = []
    for i, color in enumerate(colors):
        kind = PATTERNS[i % len(PATTERNS)]
        marks = {
            "solid": "",
            "hatch": '<path d="M0,8 L8,0" stroke="#000" stroke-opacity=".45" stroke-width="1.5"/>',
            "dots": '<circle cx="4" cy="4" r="1.6" fill="#000" fill-opacity=".45"/>',
            "cross": '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#000" stroke-opacity=".4" stroke-width="1"/>',
            "vlines": '<path d="M4,0 L4,8" stroke="#000" stroke-opacity=".45" stroke-width="1.5"/>',
            "grid": '<path d="M0,4 L8,4 M4,0 L4,8" stroke="#fff" stroke-opacity=".8" stroke-width="1"/>',
        }[kind]
        defs.append(f'<pattern id="pat{i}" width="8" height="8" patternUnits="userSpaceOnUse">'
                    f'<rect width="8" height="8" fill="{_color(color)}"/>{marks}</pattern>')
    return "<defs>" + "".join(defs) + "</defs>"


def stacked_shares(rows: list[tuple[str, dict[str, float]]], series: list[tuple[str, str, str]],
                   width: int = 720, title: str = "") -> Markup:
    """Horizontal 100% stacked bars: rows = [(outlet, {label: value})], series = [(name, title, colour)].

    Values are normalised per row, so each bar shows the outlet's shares; the percentage is
    written inside each segment that is wide enough to hold it.
    """
    label_w, bar_h, gap, legend_h = 170, 26, 10, 28
    plot_w = width - label_w - 20
    height = legend_h + len(rows) * (bar_h + gap) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}"><title>{escape(title)}</title>',
             _pattern_defs([c for _, _, c in series])]
    x = label_w
    for i, (_, name, _) in enumerate(series):
        parts.append(f'<rect x="{x}" y="6" width="14" height="14" fill="url(#pat{i})" stroke="#333"/>'
                     f'<text x="{x + 18}" y="18" font-size="12">{escape(name)}</text>')
        x += 30 + 7 * len(name)
    for r, (outlet, values) in enumerate(rows):
        y = legend_h + r * (bar_h + gap)
        total = sum(values.get(key, 0) for key, _, _ in series)
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.68:.1f}" font-size="13" text-anchor="end">'
                     f'{escape(outlet[:26])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_h}" fill="#f1f3f5" stroke="#adb5bd"/>')
        x = float(label_w)
        for i, (key, name, _) in enumerate(series):
            share = values.get(key, 0) / total if total else 0
            w = share * plot_w
            if w <= 0:
                continue
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="url(#pat{i})" '
                         f'stroke="#222" stroke-width=".6"><title>{escape(outlet)}: {escape(name)} '
                         f'{share * 100:.0f}%</title></rect>')
            if w > 34:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{y + bar_h * 0.68:.1f}" font-size="12" font-weight="700" '
                             f'text-anchor="middle" fill="#fff" stroke="#000" stroke-width="2.5" paint-order="stroke">'
                             f'{share * 100:.0f}%</text>')
            x += w
    parts.append("</svg>")
    return Markup("".join(parts))


# Characters of a bar label that fit its 184 px at 12 px (about 6.8 px a character in the
# browsers' default sans-serif; 30 were cut at the left edge: "nion representative Tom Haley").
LABEL_CHARS = 26


def bar_counts(items: list[tuple[str, int]], width: int = 520, title: str = "") -> Markup:
    """Simple horizontal count bars (e.g. how often each speaker is quoted)."""
    label_w, bar_h, gap = 190, 18, 6
    height = len(items) * (bar_h + gap) + 10
    top = max((n for _, n in items), default=1) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}"><title>{escape(title)}</title>']
    for r, (name, n) in enumerate(items):
        y = 5 + r * (bar_h + gap)
        w = (width - label_w - 50) * n / top
        short = name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1].rstrip() + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" text-anchor="end"><title>{escape(name)}</title>'
                     f'{escape(short)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#1864ab"/>'
                     f'<text x="{label_w + w + 5:.1f}" y="{y + 13}" font-size="12">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
