"""Full-text search benchmark: one page of ``repository.search`` against a substring scan.

In-process, on the synthetic portfolio: the read behind ``search(text, first: 20)``
(match, one hit per initiative and field, rank, snippets of the page) for a word every
initiative holds, a word of the status reports, two words that narrow to one
initiative, and a word nothing holds. The anchor, in the same run, is what search
would cost without an index: ``lower(text) LIKE '%word%'`` over the same six texts,
one hit per initiative and field, the first 20 by code (no ranking, no stemming, no
snippet). SQLite runs on the cached file (the full-text search migration indexes it when brought
forward); PostgreSQL databases are created per run and vacuumed before measuring, as
autovacuum would soon after a bulk load: until then new entries wait in the GIN
indexes' pending lists, which every search reads through (a search that finds nothing
took 88 ms at 10,000 before the vacuum, under 1 ms after it in a psql check).

    python benchmarks/bench_search.py
    python benchmarks/bench_search.py --quick --backend sqlite
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import sqlalchemy as sa

SEARCHES = {
    "every initiative": ("syntetisk", ["syntetisk"]),
    "status reports": ("forsinkelser", ["forsinkelser"]),
    "one initiative": ("syntetisk tiltak 77", ["syntetisk tiltak 77"]),
    "nothing": ("kvantesikker", ["kvantesikker"]),
}

SUBSTRING = """
SELECT initiative_id, field FROM (
  SELECT id AS initiative_id, 0 AS field FROM initiative WHERE lower(name) LIKE :pattern
  UNION SELECT id, 1 FROM initiative WHERE lower(purpose) LIKE :pattern
  UNION SELECT initiative_id, 2 FROM status_report WHERE lower(status_reason) LIKE :pattern
  UNION SELECT initiative_id, 3 FROM status_report WHERE lower(main_risk_areas) LIKE :pattern
  UNION SELECT initiative_id, 4 FROM risk
    WHERE lower(title || ' ' || coalesce(description, '')) LIKE :pattern
  UNION SELECT initiative_id, 5 FROM delivery
    WHERE lower(name || ' ' || coalesce(description, '')) LIKE :pattern
) AS hits ORDER BY initiative_id, field LIMIT 21
"""


async def measure(database_url: str, repeats: int) -> list[dict[str, Any]]:
    from app import repository
    from app.auth import ADMITTED_ONLY
    from app.database import create_engine
    from app.settings import Settings

    engine = create_engine(Settings(database_url=database_url))
    rows = []
    try:
        async with engine.connect() as connection:
            for label, (text, words) in SEARCHES.items():
                indexed: list[float] = []
                scanned: list[float] = []
                hits = 0
                for _ in range(repeats):
                    started = time.perf_counter()
                    found = await repository.search(
                        connection, text, visibility=ADMITTED_ONLY, offset=0, limit=21
                    )
                    indexed.append(time.perf_counter() - started)
                    hits = len(found)
                    started = time.perf_counter()
                    await connection.execute(
                        sa.text(SUBSTRING), {"pattern": f"%{words[0].lower()}%"}
                    )
                    scanned.append(time.perf_counter() - started)
                search_ms = common.summary_ms(indexed)
                scan_ms = common.summary_ms(scanned)
                rows.append(
                    {
                        "search": f"{label} («{text}»)",
                        "hits on the page": hits,
                        "search median ms": search_ms["median_ms"],
                        "search p95 ms": search_ms["p95_ms"],
                        "substring scan median ms": scan_ms["median_ms"],
                        "ratio": common.ratio(search_ms["median_ms"], scan_ms["median_ms"]),
                    }
                )
    finally:
        await engine.dispose()
    return rows


def vacuum(database_url: str) -> None:
    """Move the GIN indexes' pending entries into the indexes, as autovacuum would."""
    from app.database import create_sync_engine
    from app.settings import Settings

    engine = create_sync_engine(Settings(database_url=database_url))
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def main() -> None:
    options = common.parser(__doc__ or "").parse_args()
    sizes = [1_000] if options.quick else options.sizes
    repeats = 5 if options.quick else 20
    report = common.Report(
        "search",
        [
            "backend", "size", "search", "hits on the page", "search median ms",
            "search p95 ms", "substring scan median ms", "ratio",
        ],
    )  # fmt: skip
    report.notes.append(
        "ratio = search / substring scan (medians); the scan neither ranks, stems nor marks."
    )
    try:
        for backend in common.backends(options.backend):
            for size in sizes:
                url = common.database(backend, size)
                if backend == "postgresql":
                    vacuum(url)
                for row in asyncio.run(measure(url, repeats)):
                    report.add(backend=backend, size=size, **row)
    finally:
        common.drop_postgres_databases()
    report.finish(options.output)


if __name__ == "__main__":
    main()
