"""Charts of the portfolio report as inline SVG, drawn on the server (no script, no CDN).

Every text that reaches the SVG is escaped here, so the templates may insert the result
as it is. Each chart carries a ``<title>`` and ``role="img"`` for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from app.portfolio_report.data import LevelCounts, Period, SlipPoint

COLOURS = {"GREEN": "#2e7d32", "YELLOW": "#f0b400", "RED": "#c62828", "NONE": "#b8c0c8"}
TEXT_ON = {"GREEN": "#ffffff", "YELLOW": "#1d1d1b", "RED": "#ffffff", "NONE": "#1d1d1b"}
LEGEND = {"GREEN": "Grønn", "YELLOW": "Gul", "RED": "Rød", "NONE": "Ikke rapportert"}
FONT = "font-family=\"'Source Sans 3','Segoe UI',Arial,sans-serif\""
OUTLINE = "#1d1d1b"
SLIP_COLOUR = "#1f4e79"
# Each level has its own pattern besides its colour, so the charts do not rely on colour
# alone (WCAG 1.4.1): green plain, yellow striped, red cross-hatched, none dotted.
PATTERNS = {
    "GREEN": "",
    "YELLOW": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#1d1d1b" '
    'stroke-opacity="0.45" stroke-width="1.5"/>',
    "RED": '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#ffffff" stroke-opacity="0.6" '
    'stroke-width="1.5"/>',
    "NONE": '<circle cx="4" cy="4" r="1.4" fill="#1d1d1b" fill-opacity="0.5"/>',
}


def _defs(prefix: str) -> str:
    """The fill of each level (colour and pattern), as ``url(#{prefix}-{LEVEL})``."""
    patterns = "".join(
        f'<pattern id="{prefix}-{key}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{COLOURS[key]}"/>{PATTERNS[key]}</pattern>'
        for key in COLOURS
    )
    return f"<defs>{patterns}</defs>"


def _fill(prefix: str, key: str) -> str:
    return f'fill="url(#{prefix}-{key})" stroke="{OUTLINE}" stroke-width="0.75"'


def _count_text(x: float, y: float, key: str, count: int, size: int) -> str:
    """A count on its segment, on a plain box of the level's colour so the pattern never
    crowds it (a box, not a text halo: the PDF renderer ignores ``paint-order``)."""
    width = 0.62 * size * len(str(count)) + 6
    return (
        f'<rect x="{x - width / 2:.1f}" y="{y - size + 1:.1f}" width="{width:.1f}" '
        f'height="{size + 3}" rx="2" fill="{COLOURS[key]}"/>'
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="600" '
        f'text-anchor="middle" fill="{TEXT_ON[key]}">{count}</text>'
    )


def _parts(counts: LevelCounts) -> list[tuple[str, int]]:
    return [
        ("GREEN", counts.green),
        ("YELLOW", counts.yellow),
        ("RED", counts.red),
        ("NONE", counts.none),
    ]


def _legend(x: float, y: float, none_label: str, prefix: str) -> str:
    items = []
    for key in ("GREEN", "YELLOW", "RED", "NONE"):
        label = none_label if key == "NONE" else LEGEND[key]
        items.append(
            f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="12" height="12" rx="2" '
            f"{_fill(prefix, key)}/>"
            f'<text x="{x + 17:.0f}" y="{y:.0f}" font-size="12" fill="#333">{escape(label)}</text>'
        )
        x += 30 + 7 * len(label)
    return "".join(items)


def _open(width: int, height: int, title: str, prefix: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" {FONT}>',
        f"<title>{escape(title)}</title>",
        _defs(prefix),
    ]


def segment_bars(rows: Sequence[LevelCounts], *, title: str, none_label: str, prefix: str) -> str:
    """Horizontal stacked bars, one per row (segment), coloured and patterned by level.

    ``prefix`` names the chart's patterns; it must be unique in the page.
    """
    width, label_width, bar_height, gap, top = 520, 110, 26, 12, 8
    scale_max = max((row.total for row in rows), default=0) or 1
    bar_width = width - label_width - 40
    height = top + len(rows) * (bar_height + gap) + 30
    parts = _open(width, height, title, prefix)
    y = top
    for row in rows:
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height / 2 + 4:.0f}" font-size="13" '
            f'text-anchor="end" fill="#1d1d1b">{escape(row.label)}</text>'
        )
        x = float(label_width)
        for key, count in _parts(row):
            if not count:
                continue
            segment = bar_width * count / scale_max
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{segment:.1f}" height="{bar_height}" '
                f"{_fill(prefix, key)}><title>{escape(row.label)}: {count} "
                f"{escape(LEGEND[key].lower())}</title></rect>"
            )
            if segment >= 18:
                parts.append(_count_text(x + segment / 2, y + bar_height / 2 + 4, key, count, 12))
            x += segment
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + bar_height / 2 + 4:.0f}" font-size="12" '
            f'fill="#555">{row.total}</text>'
        )
        y += bar_height + gap
    parts.append(_legend(label_width, y + 14, none_label, prefix))
    parts.append("</svg>")
    return "".join(parts)


def _round_labels(count: int) -> tuple[int, int]:
    """Font size and every how many rounds a label is drawn, so labels never overlap."""
    if count <= 8:
        return 12, 1
    if count <= 16:
        return 10, 1
    return 10, (count + 15) // 16


def trend_columns(points: Sequence[tuple[Period, LevelCounts]], *, title: str, prefix: str) -> str:
    """Stacked columns of the status counts, one per reporting round, oldest first."""
    width, height, left, bottom, top = 560, 260, 36, 46, 12
    plot_height = height - top - bottom
    scale_max = max((counts.total for _, counts in points), default=0) or 1
    step = (width - left - 10) / max(len(points), 1)
    column = min(56.0, step * 0.6)
    font, every = _round_labels(len(points))
    parts = _open(width, height, title, prefix)
    for tick in range(0, scale_max + 1, max(1, scale_max // 4)):
        y = top + plot_height - plot_height * tick / scale_max
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e3e6ea" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#666">{tick}</text>'
        )
    for index, (period, counts) in enumerate(points):
        x = left + step * index + (step - column) / 2
        y = float(top + plot_height)
        for key, count in _parts(counts):
            if not count:
                continue
            segment = plot_height * count / scale_max
            y -= segment
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{column:.1f}" height="{segment:.1f}" '
                f"{_fill(prefix, key)}><title>{escape(period.name)}: {count} "
                f"{escape(LEGEND[key].lower())}</title></rect>"
            )
            if segment >= 14 and column >= 16:
                parts.append(_count_text(x + column / 2, y + segment / 2 + 4, key, count, 11))
        if index % every == 0:
            parts.append(
                f'<text x="{x + column / 2:.1f}" y="{top + plot_height + 16}" '
                f'font-size="{font}" text-anchor="middle" fill="#1d1d1b">'
                f"{escape(period.code)}</text>"
            )
    parts.append(_legend(left, height - 8, LEGEND["NONE"], prefix))
    parts.append("</svg>")
    return "".join(parts)


def days_text(value: float) -> str:
    """Days as Norwegian text: ``12`` or ``12,5``."""
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")


def slip_columns(points: Sequence[SlipPoint], *, title: str) -> str:
    """Columns of how many delivery forecasts moved later in each round, oldest first.

    Each column is labelled with its count above it and the days in total and the median
    below the round, so the chart reads without colour.
    """
    width, height, left, bottom, top = 560, 250, 36, 58, 22
    plot_height = height - top - bottom
    scale_max = max((point.slipped for point in points), default=0) or 1
    step = (width - left - 10) / max(len(points), 1)
    column = min(56.0, step * 0.6)
    font, every = _round_labels(len(points))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" {FONT}>',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(0, scale_max + 1, max(1, scale_max // 4)):
        y = top + plot_height - plot_height * tick / scale_max
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e3e6ea" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#666">{tick}</text>'
        )
    base = top + plot_height
    for index, point in enumerate(points):
        x = left + step * index + (step - column) / 2
        bar = plot_height * point.slipped / scale_max
        median = "–" if point.median_days is None else days_text(point.median_days)
        parts.append(
            f'<rect x="{x:.1f}" y="{base - bar:.1f}" width="{column:.1f}" height="{bar:.1f}" '
            f'fill="{SLIP_COLOUR}"><title>{escape(point.period.name)}: {point.slipped} '
            f"leveranser med senere prognose, {point.total_days} dager i alt, "
            f"median {median} dager</title></rect>"
            f'<text x="{x + column / 2:.1f}" y="{base - bar - 5:.1f}" font-size="12" '
            f'font-weight="600" text-anchor="middle" fill="#1d1d1b">{point.slipped}</text>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x + column / 2:.1f}" y="{base + 16}" font-size="{font}" '
                f'text-anchor="middle" fill="#1d1d1b">{escape(point.period.code)}</text>'
            )
            if every == 1 and step >= 60:
                parts.append(
                    f'<text x="{x + column / 2:.1f}" y="{base + 31}" font-size="11" '
                    f'text-anchor="middle" fill="#555">+{point.total_days} d</text>'
                )
    parts.append(
        f'<text x="{left}" y="{height - 8}" font-size="12" fill="#333">Søyle: antall '
        "leveranser med senere prognose enn runden før; under: dager i alt</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
