"""Shared helpers of the benchmarks: databases, servers, timing and reporting.

Databases hold ``seeds.synthetic.generate_portfolio(N, seed=SEED)`` written with
``seeds.portfolio.write_portfolio`` after ``app.migrate.migrate``. SQLite files are cached
under ``benchmarks/.data/`` (rebuilt when missing); PostgreSQL databases get a unique name
per run and are dropped when the run ends (also on Ctrl-C).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
DATA = BENCH / ".data"
RESULTS = BENCH / "results"
# The code measured: this checkout by default, or a snapshot of app/, graph/, schema/ and
# seeds/ (e.g. `git archive HEAD app graph schema seeds | tar -x -C DIR`) when others'
# unfinished edits leave the working tree unimportable.
SOURCE = Path(os.environ.get("BENCH_SOURCE", str(ROOT))).resolve()
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(SOURCE))

import sqlalchemy as sa  # noqa: E402  (after the path is set, so scripts run from anywhere)
from sqlalchemy.engine import make_url  # noqa: E402

from app.database import create_sync_engine, sync_url  # noqa: E402
from app.migrate import migrate  # noqa: E402
from app.settings import Settings  # noqa: E402

SEED = 1
DEFAULT_SIZES = (1_000, 10_000)
DEFAULT_PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
PG_SERVER = os.environ.get("BENCH_POSTGRES", DEFAULT_PG_SERVER)


# --- command line ----------------------------------------------------------------------


def parser(description: str) -> argparse.ArgumentParser:
    """The options every benchmark shares: sizes, backend, quick mode, output."""
    options = argparse.ArgumentParser(description=description)
    options.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    options.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both"), default="both", help="database"
    )
    options.add_argument("--quick", action="store_true", help="fewer repetitions, 1,000 only")
    options.add_argument("--output", type=Path, default=None, help="JSON file to write")
    return options


def backends(choice: str) -> list[str]:
    return ["sqlite", "postgresql"] if choice == "both" else [choice]


# --- databases ---------------------------------------------------------------------------


def _write(database_url: str, size: int) -> float:
    """Migrate and load the synthetic portfolio; returns the seconds it took."""
    from seeds.portfolio import write_portfolio
    from seeds.synthetic import generate_portfolio

    started = time.perf_counter()
    settings = Settings(database_url=database_url)
    migrate(settings)
    data = generate_portfolio(size, seed=SEED)
    engine = create_sync_engine(settings)
    try:
        with engine.begin() as connection:
            write_portfolio(connection, data)
        if database_url.startswith("postgresql"):
            # Fresh tables have no statistics yet; autovacuum would add them within a
            # minute, ANALYZE makes the plans the same from the first request on.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("ANALYZE"))
    finally:
        engine.dispose()
    return time.perf_counter() - started


def _migration_head() -> str:
    """The newest migration of the measured code (cached files are keyed by it)."""
    from alembic.script import ScriptDirectory

    from app.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return str(head or "empty")


def sqlite_database(size: int) -> str:
    """A cached SQLite file holding the synthetic portfolio of ``size`` initiatives."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"portfolio-{size}-seed{SEED}-{_migration_head()}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        partial = path.with_suffix(".partial.db")
        for leftover in DATA.glob(partial.name + "*"):
            leftover.unlink()
        earlier = _earlier_file(size)
        if earlier is not None:
            # Migrations added since: the same portfolio, brought forward (the columns
            # they add hold their defaults), in seconds instead of a rebuild's minutes.
            _checkpoint(f"sqlite:///{earlier}")
            shutil.copyfile(earlier, partial)
            migrate(Settings(database_url=f"sqlite:///{partial}"))
            print(f"  migrated {earlier.name} forward", file=sys.stderr)
        else:
            seconds = _write(f"sqlite:///{partial}", size)
            print(f"  built {path.name} in {seconds:.1f} s", file=sys.stderr)
        _checkpoint(f"sqlite:///{partial}")
        partial.rename(path)
    else:
        migrate(Settings(database_url=url))  # a no-op unless migrations were added since
    return url


def _earlier_file(size: int) -> Path | None:
    """The newest cached file of ``size`` made under an earlier migration head, if any."""
    made = [
        candidate
        for candidate in DATA.glob(f"portfolio-{size}-seed{SEED}-*.db")
        if not candidate.name.endswith(".partial.db")
    ]
    return max(made, key=lambda candidate: candidate.stat().st_mtime, default=None)


def _checkpoint(url: str) -> None:
    engine = sa.create_engine(sync_url(url))
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
    engine.dispose()


_created_pg: list[str] = []


def _admin() -> sa.Engine:
    return sa.create_engine(sync_url(PG_SERVER), isolation_level="AUTOCOMMIT")


def drop_postgres_databases() -> None:
    """Drop every PostgreSQL database this process created."""
    if not _created_pg:
        return
    admin = _admin()
    with admin.connect() as connection:
        while _created_pg:
            name = _created_pg.pop()
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


atexit.register(drop_postgres_databases)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def postgres_database(size: int) -> str:
    """A new PostgreSQL database holding the synthetic portfolio; dropped at exit."""
    name = f"portfolio_bench_{size}_{uuid.uuid4().hex[:8]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    _created_pg.append(name)
    url = make_url(sync_url(PG_SERVER)).set(database=name).render_as_string(hide_password=False)
    url = url.replace("postgresql+psycopg://", "postgresql://")
    seconds = _write(url, size)
    print(f"  built PostgreSQL database {name} in {seconds:.1f} s", file=sys.stderr)
    return url


def database(backend: str, size: int) -> str:
    return sqlite_database(size) if backend == "sqlite" else postgres_database(size)


def bump_version(database_url: str) -> None:
    """Simulate a write: move the data version on in its own transaction."""
    from app.data_version import move_data_version

    engine = create_sync_engine(Settings(database_url=database_url))
    with engine.begin() as connection:
        move_data_version(connection)
    engine.dispose()


def libpq_url(database_url: str) -> str:
    """A plain ``postgres://`` URL for tools outside Python (PostGraphile)."""
    url = make_url(database_url)
    return f"postgres://{url.username}@{url.host}:{url.port or 5432}/{url.database}"


# --- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A server process on loopback; ``url`` is its base URL."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        """SIGINT, then SIGKILL to the whole process group (workers included)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def worker_pids(self) -> list[int]:
        """The processes serving requests: the children when uvicorn runs workers.

        With several workers, multiprocessing's resource tracker is a child too; it serves
        nothing and is left out.
        """
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            pids = [int(pid) for pid in children.read_text().split()]
        except OSError:
            pids = []
        return [pid for pid in pids if not _is_resource_tracker(pid)] or [self.process.pid]


def _is_resource_tracker(pid: int) -> bool:
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False  # gone meanwhile: whatever it was, it serves nothing now


def _wait_ready(server: Server, probe: str, timeout: float, body: bytes | None = None) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited: see {server.log}\n{server.log.read_text()[-3000:]}")
        try:
            if body is None:
                response = httpx.get(server.url + probe, timeout=2)
            else:
                response = httpx.post(
                    server.url + probe,
                    content=body,
                    headers={"content-type": "application/json"},
                    timeout=5,
                )
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server not ready after {timeout} s: see {server.log}")


def start_uvicorn(
    database_url: str,
    *,
    app: str = "app.main:create_app",
    workers: int = 1,
    extra_env: dict[str, str] | None = None,
    label: str = "service",
    source: Path | None = None,
    ready_within: float = 60,
) -> Server:
    """``uvicorn <app> --factory`` on a free loopback port, access log off.

    ``source`` is the checkout (or snapshot) whose code is served: ``SOURCE`` by default;
    ``ready_within`` is how many seconds it may take to answer its readiness probe.
    """
    source = source or SOURCE
    port = free_port()
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = RESULTS / f"{label}-{port}.log"
    env = os.environ | {
        "PORTFOLIO_DATABASE_URL": database_url,
        "PORTFOLIO_SEED_ON_START": "false",
        "PORTFOLIO_MAX_PAGE_SIZE": "500",
        "PYTHONPATH": os.pathsep.join(dict.fromkeys([str(source), str(ROOT)])),
    }
    env |= extra_env or {}
    command = [
        sys.executable, "-m", "uvicorn", app, "--factory",
        "--host", "127.0.0.1", "--port", str(port),
        "--no-access-log", "--log-level", "warning", "--app-dir", str(source),
    ]  # fmt: skip
    if workers > 1:
        command += ["--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    _wait_ready(server, "/readyz" if app.startswith("app.") else "/healthz", ready_within)
    return server


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        server.stop()


def start_postgraphile(database_url: str) -> Server:
    """PostGraphile 4 from benchmarks/postgraphile over the same PostgreSQL tables."""
    binary = BENCH / "postgraphile" / "node_modules" / ".bin" / "postgraphile"
    if not binary.exists():
        raise FileNotFoundError(
            "PostGraphile is not installed: run `npm ci --prefix benchmarks/postgraphile`"
        )
    port = free_port()
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = RESULTS / f"postgraphile-{port}.log"
    command = [
        str(binary),
        "--connection", libpq_url(database_url),
        "--schema", "public",
        "--host", "127.0.0.1", "--port", str(port),
        "--simple-collections", "both",
        "--disable-default-mutations",
        "--disable-query-log",
        "--no-setof-functions-contain-nulls",
        "--max-pool-size", "10",
    ]  # fmt: skip
    env = os.environ | {"NODE_ENV": "production"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=BENCH, env=env, stdout=out, stderr=out, start_new_session=True
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    _wait_ready(server, "/graphql", 90, body=b'{"query":"{ __typename }"}')
    return server


# --- timing and output -------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """Median, p95, min and count of a sample of durations, in milliseconds."""
    if not seconds:
        return {"median_ms": float("nan"), "p95_ms": float("nan"), "min_ms": float("nan"), "n": 0}
    return {
        "median_ms": statistics.median(seconds) * 1000,
        "p95_ms": percentile(seconds, 0.95) * 1000,
        "min_ms": min(seconds) * 1000,
        "n": len(seconds),
    }


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    postgres = None
    with contextlib.suppress(Exception):
        admin = _admin()
        with admin.connect() as connection:
            postgres = connection.scalar(sa.text("SHOW server_version"))
        admin.dispose()
    load = os.getloadavg()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "postgresql": postgres,
        "node": shutil.which("node")
        and subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(),
        "loadavg_at_start": [round(value, 2) for value in load],
        "source": str(SOURCE),
        "git_head": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),
    }


@dataclass
class Report:
    """Rows of one benchmark: printed as a markdown table and written as JSON."""

    name: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, **row: Any) -> None:
        self.rows.append(row)
        print("  " + json.dumps(row, default=str), file=sys.stderr, flush=True)

    def markdown(self) -> str:
        def cell(value: Any) -> str:
            if isinstance(value, float):
                if value != value:  # NaN
                    return "–"
                return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
            if isinstance(value, int):
                return f"{value:,}"
            return "–" if value is None else str(value)

        lines = [
            "| " + " | ".join(self.columns) + " |",
            "|" + "---|" * len(self.columns),
        ]
        for row in self.rows:
            lines.append("| " + " | ".join(cell(row.get(column)) for column in self.columns) + " |")
        return "\n".join(lines + [f"\n{note}" for note in self.notes])

    def finish(self, output: Path | None) -> Path:
        print(f"\n### {self.name}\n")
        print(self.markdown())
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = output or RESULTS / f"{self.name}-{stamp}.json"
        payload = {
            "benchmark": self.name,
            "measured_at": stamp,
            "machine": machine(),
            "rows": self.rows,
            "notes": self.notes,
            **self.extra,
        }
        path.write_text(json.dumps(payload, indent=2, default=str))
        print(
            f"\n(JSON written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path})"
        )
        return path
