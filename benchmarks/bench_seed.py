"""`portfolio seed --synthetic N` on an empty database, this checkout beside an earlier commit.

Each round runs the command of each build in a fresh process (A, B, A, B, …) on a new,
empty database (a new SQLite file, or a new PostgreSQL database): migrations, then the
synthetic portfolio of N initiatives. The time is the whole command, as a user waits for
it; the seconds the generator alone takes are reported beside it (the same in both
builds when the generator did not change), and the anchor ``pg_restore`` of the same data
(a custom-format dump of the first PostgreSQL database, restored with one job into a new
database) where PostgreSQL runs. Medians over the rounds with [min–max], after one
warm-up run of each build at 1,000.

    python benchmarks/bench_seed.py --sizes 10000 100000 --backend both --rounds 5
    python benchmarks/bench_seed.py --quick   # 1,000, two rounds, SQLite
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import sqlalchemy as sa
from bench_abuse import baseline_source

DEFAULT_BASELINE = "d1bda06"

SEED = r"""
import sys, time
from app.cli import main
from app.settings import Settings
from seeds.synthetic import generate_portfolio

started = time.perf_counter()
generate_portfolio(int(sys.argv[2]), seed=1)
generated = time.perf_counter() - started
started = time.perf_counter()
code = main(["seed", "--synthetic", sys.argv[2], "--seed", "1"])
print(f"{time.perf_counter() - started} {generated}")
sys.exit(code)
"""


def empty_database(backend: str, folder: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / f'seed-{uuid.uuid4().hex[:8]}.db'}"
    name = f"portfolio_bench_seed_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(common.sync_url(common.PG_SERVER), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    common._created_pg.append(name)
    url = sa.make_url(common.sync_url(common.PG_SERVER)).set(database=name)
    return url.render_as_string(hide_password=False).replace("postgresql+psycopg", "postgresql")


def seed_once(source: Path, database_url: str, size: int) -> tuple[float, float]:
    """(seconds of the whole command, seconds of the generator alone)."""
    environment = os.environ | {
        "PYTHONPATH": os.pathsep.join(dict.fromkeys([str(source), str(common.ROOT)])),
        "PORTFOLIO_DATABASE_URL": database_url,
    }
    finished = subprocess.run(
        [sys.executable, "-c", SEED, "seed", str(size)],
        cwd=source,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, generated = finished.stdout.split()[-2:]
    return float(seconds), float(generated)


def restore_once(dump: Path) -> float:
    """Seconds ``pg_restore`` takes to load ``dump`` into a new database."""
    target = empty_database("postgresql", Path())
    started = time.perf_counter()
    subprocess.run(
        ["pg_restore", "--no-owner", "--dbname", common.libpq_url(target), str(dump)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def _median_range(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} [{min(values):.1f}–{max(values):.1f}]"


def main() -> None:
    options = common.parser("portfolio seed --synthetic N, two builds interleaved.")
    options.add_argument("--rounds", type=int, default=5, help="rounds per build (A, B, …)")
    options.add_argument("--baseline", default=DEFAULT_BASELINE, help="commit to compare")
    arguments = options.parse_args()
    sizes = [1_000] if arguments.quick else arguments.sizes
    rounds = 2 if arguments.quick else arguments.rounds
    builds = {"new": common.SOURCE, arguments.baseline: baseline_source(arguments.baseline)}
    report = common.Report("seed", ["backend", "N", "measure", *builds, "pg_restore"])
    report.notes.append(
        f"`portfolio seed --synthetic N` on a new empty database (migrations included), a "
        f"fresh process per build and round, {rounds} rounds interleaved "
        f"({', '.join(builds)}, …), after a warm-up at 1,000; seconds, median [min–max]. "
        "pg_restore: the first new-build database dumped (custom format) and restored "
        "into a new database, once per round after the builds."
    )
    with tempfile.TemporaryDirectory() as folder:
        for backend in common.backends(arguments.backend):
            for source in builds.values():
                seed_once(source, empty_database(backend, Path(folder)), 1_000)
            for size in sizes:
                seconds: dict[str, list[float]] = {name: [] for name in builds}
                generated: dict[str, list[float]] = {name: [] for name in builds}
                restored: list[float] = []
                dump: Path | None = None
                for number in range(rounds):
                    for name, source in builds.items():
                        print(
                            f"[seed] {backend} N={size} round {number + 1}: {name}", file=sys.stderr
                        )
                        url = empty_database(backend, Path(folder))
                        whole, generator = seed_once(source, url, size)
                        seconds[name].append(whole)
                        generated[name].append(generator)
                        if backend == "postgresql" and dump is None and name == "new":
                            dump = Path(folder) / f"seed-{size}.dump"
                            subprocess.run(
                                [
                                    "pg_dump",
                                    "--format=custom",
                                    "--file",
                                    str(dump),
                                    common.libpq_url(url),
                                ],
                                check=True,
                            )
                        if backend == "sqlite":
                            for leftover in Path(folder).glob("seed-*.db*"):
                                leftover.unlink()
                    if dump is not None:
                        restored.append(restore_once(dump))
                report.add(
                    backend=backend,
                    N=size,
                    measure="seed command",
                    **{name: _median_range(values) for name, values in seconds.items()},
                    pg_restore=_median_range(restored) if restored else None,
                )
                report.add(
                    backend=backend,
                    N=size,
                    measure="generator alone",
                    **{name: _median_range(values) for name, values in generated.items()},
                )
                common.drop_postgres_databases()
    report.finish(arguments.output)


if __name__ == "__main__":
    main()
