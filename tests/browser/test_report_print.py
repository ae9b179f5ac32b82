"""The portfolio report on paper: paginated by WeasyPrint, the engine of the PDF report,
from the page the service serves (the same stylesheet a browser prints with)."""

from __future__ import annotations

import httpx

# A4 in CSS pixels is 1122.5 high; the report's @page bottom margin is 18 mm (68 px).
BOTTOM_MARGIN = 18 / 25.4 * 96
# A heading must start this far above the foot of the text, so that what it heads
# (a lead-in and the start of a table, a chart or a list) shares its page.
ROOM_BELOW_A_HEADING = 150


def test_no_heading_is_left_at_the_foot_of_a_printed_page(dashboard_base_url: str) -> None:
    import weasyprint

    html = httpx.get(f"{dashboard_base_url}/reports/2026-2").text
    document = weasyprint.HTML(string=html, base_url=f"{dashboard_base_url}/").render()

    stranded = [
        (number, title, round(y))
        for number, page in enumerate(document.pages, start=1)
        for _level, title, (_x, y), _state in page.bookmarks
        if y > page.height - BOTTOM_MARGIN - ROOM_BELOW_A_HEADING
    ]
    assert len(document.pages) > 1
    assert stranded == []


def test_short_tables_are_kept_whole_and_long_ones_may_break(dashboard_base_url: str) -> None:
    html = httpx.get(f"{dashboard_base_url}/reports/2026-2").text

    # Goals, development goals, key initiatives and the sources' reach are short by nature
    assert html.count('class="table-scroll keep"') >= 4
    css = html[html.index("<style>") : html.index("</style>")]
    assert ".table-scroll.keep { break-inside: avoid;" in css
    assert "break-after: avoid" in css.split("h2 {", 1)[1].split("}", 1)[0]
