"""Charts of the portfolio report as inline SVG, drawn on the server (no script, no CDN).

Every text that reaches the SVG is escaped here, so the templates may insert the result
as it is. Each chart carries a ``<title>`` and ``role="img"`` for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from app.portfolio_report.data import LevelCounts, Period

COLOURS = {"GREEN": "#2e7d32", "YELLOW": "#f0b400", "RED": "#c62828", "NONE": "#b8c0c8"}
TEXT_ON = {"GREEN": "#ffffff", "YELLOW": "#1d1d1b", "RED": "#ffffff", "NONE": "#1d1d1b"}
LEGEND = {"GREEN": "Grønn", "YELLOW": "Gul", "RED": "Rød", "NONE": "Ikke rapportert"}
FONT = "font-family=\"'Source Sans 3','Segoe UI',Arial,sans-serif\""


def _parts(counts: LevelCounts) -> list[tuple[str, int]]:
    return [
        ("GREEN", counts.green),
        ("YELLOW", counts.yellow),
        ("RED", counts.red),
        ("NONE", counts.none),
    ]


def _legend(x: float, y: float, none_label: str) -> str:
    items = []
    for key in ("GREEN", "YELLOW", "RED", "NONE"):
        label = none_label if key == "NONE" else LEGEND[key]
        items.append(
            f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="12" height="12" rx="2" '
            f'fill="{COLOURS[key]}"/>'
            f'<text x="{x + 17:.0f}" y="{y:.0f}" font-size="12" fill="#333">{escape(label)}</text>'
        )
        x += 30 + 7 * len(label)
    return "".join(items)


def segment_bars(rows: Sequence[LevelCounts], *, title: str, none_label: str) -> str:
    """Horizontal stacked bars, one per row (segment), coloured by traffic light."""
    width, label_width, bar_height, gap, top = 520, 110, 26, 12, 8
    scale_max = max((row.total for row in rows), default=0) or 1
    bar_width = width - label_width - 40
    height = top + len(rows) * (bar_height + gap) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" {FONT}>',
        f"<title>{escape(title)}</title>",
    ]
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
                f'fill="{COLOURS[key]}"><title>{escape(row.label)}: {count} '
                f"{escape(LEGEND[key].lower())}</title></rect>"
            )
            if segment >= 18:
                parts.append(
                    f'<text x="{x + segment / 2:.1f}" y="{y + bar_height / 2 + 4:.0f}" '
                    f'font-size="12" font-weight="600" text-anchor="middle" '
                    f'fill="{TEXT_ON[key]}">{count}</text>'
                )
            x += segment
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + bar_height / 2 + 4:.0f}" font-size="12" '
            f'fill="#555">{row.total}</text>'
        )
        y += bar_height + gap
    parts.append(_legend(label_width, y + 14, none_label))
    parts.append("</svg>")
    return "".join(parts)


def trend_columns(points: Sequence[tuple[Period, LevelCounts]], *, title: str) -> str:
    """Stacked columns of the status counts, one per reporting period, oldest first."""
    width, height, left, bottom, top = 560, 260, 36, 46, 12
    plot_height = height - top - bottom
    scale_max = max((counts.total for _, counts in points), default=0) or 1
    step = (width - left - 10) / max(len(points), 1)
    column = min(56.0, step * 0.6)
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
                f'fill="{COLOURS[key]}"><title>{escape(period.name)}: {count} '
                f"{escape(LEGEND[key].lower())}</title></rect>"
            )
            if segment >= 14:
                parts.append(
                    f'<text x="{x + column / 2:.1f}" y="{y + segment / 2 + 4:.1f}" '
                    f'font-size="11" font-weight="600" text-anchor="middle" '
                    f'fill="{TEXT_ON[key]}">{count}</text>'
                )
        parts.append(
            f'<text x="{x + column / 2:.1f}" y="{top + plot_height + 16}" font-size="12" '
            f'text-anchor="middle" fill="#1d1d1b">{escape(period.name)}</text>'
        )
    parts.append(_legend(left, height - 8, LEGEND["NONE"]))
    parts.append("</svg>")
    return "".join(parts)
