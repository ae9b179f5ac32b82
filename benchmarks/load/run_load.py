"""Load, concurrency and faults against uvicorn workers on a fresh seeded database.

    python benchmarks/load/run_load.py --backend postgresql --workers 4 --writers 16 \
        --readers 32 --seconds 60 [--kill-connections-at 20] [--restart-postgres-at 20]

Loopback only; stops by itself after ``--seconds`` (every request has a timeout). The
database is a new copy of the demo portfolio (PostgreSQL: a new database, dropped at
the end; SQLite: a temporary file). Prints the figures as JSON and exits non-zero when a
check fails: an acknowledged write missing or doubled, a half-written report, a 5xx other
than 503 DATABASE_UNAVAILABLE, a masked error, a stale update not refused, a worker whose
analysis misses the last write, or (SQLite) a client that saw "database is locked".

``--restart-postgres-at`` restarts the machine's PostgreSQL cluster with ``pg_ctlcluster``:
never point it at a server others are using.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402  (after the path is set, so the script runs from anywhere)
from sqlalchemy.engine import make_url  # noqa: E402

from app.cli import seed_database  # noqa: E402
from app.database import sync_url  # noqa: E402
from app.migrate import migrate  # noqa: E402
from app.settings import Settings  # noqa: E402
from tests.conftest import make_token  # noqa: E402
from tests.load.harness import (  # noqa: E402
    LoadRun,
    every_worker_sees,
    initiative_versions,
    read_targets,
    run_load,
    running_service,
    verify,
)
from tests.load.test_faults import terminate_connections  # noqa: E402

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
REPORTING_ORGANISATIONS = ("HDIR", "NHN", "FHI", "DSA", "KS")


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--readers", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    # Above the service's 30 s execution timeout, so its 504 reaches the client.
    parser.add_argument("--request-timeout", type=float, default=45)
    parser.add_argument("--kill-connections-at", type=float, action="append", default=[])
    parser.add_argument("--restart-postgres-at", type=float, default=None)
    parser.add_argument("--output", type=Path, default=None, help="also write the JSON here")
    return parser.parse_args()


def restart_postgres() -> None:
    version = sorted(path.name for path in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        timeout=120,
    )


def fresh_database(backend: str, server: str, scratch: Path) -> tuple[str, str | None]:
    """A migrated, seeded database; returns its URL and (PostgreSQL) the name to drop."""
    if backend == "sqlite":
        url = f"sqlite:///{scratch / 'load.db'}"
        name = None
    else:
        name = f"portfolio_load_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(sync_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(sync_url(server)).set(database=name).render_as_string(hide_password=False)
    settings = Settings(database_url=url)
    migrate(settings)
    seed_database(settings)
    return url, name


def drop_database(server: str, name: str) -> None:
    admin = sa.create_engine(sync_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> int:
    args = options()
    with tempfile.TemporaryDirectory() as scratch:
        url, name = fresh_database(args.backend, args.server, Path(scratch))
        try:
            return run(args, url)
        finally:
            if name is not None:
                drop_database(args.server, name)


def run(args: argparse.Namespace, url: str) -> int:
    admin_token = make_token(url, "ADMIN")
    reporters = {}
    for organisation in REPORTING_ORGANISATIONS:
        try:
            reporters[organisation] = make_token(url, "REPORTER", organisation)
        except ValueError:
            continue
    events = [(at, lambda: terminate_connections(url)) for at in args.kill_connections_at]
    if args.restart_postgres_at is not None:
        events.append((args.restart_postgres_at, restart_postgres))
    started = time.monotonic()
    with running_service(url, workers=args.workers) as service:
        targets = read_targets(service.base_url, admin_token)
        initial = initiative_versions(url, targets.shared)
        load = LoadRun(
            base_url=service.base_url,
            admin_token=admin_token,
            reporter_tokens=reporters,
            writers=args.writers,
            readers=args.readers,
            seconds=args.seconds,
            request_timeout=args.request_timeout,
            events=events,
        )
        tally = asyncio.run(run_load(load, targets))
        verdict = verify(url, tally, initial)
        seen = every_worker_sees(
            service.base_url,
            admin_token,
            dependant="DIGPAT",
            supplier="LMR",
            attempts=10 * args.workers,
        )
    problems = list(verdict.problems)
    if not all(seen):
        problems.append(f"{seen.count(False)} of {len(seen)} answers missed the last write")
    if args.backend == "sqlite" and tally.locked_messages:
        problems.append(f"{tally.locked_messages} answers said 'database is locked'")
    report = {
        "backend": args.backend,
        "workers": args.workers,
        "writers": args.writers,
        "readers": args.readers,
        "seconds": args.seconds,
        "wall_seconds": round(time.monotonic() - started, 1),
        "faults": {
            "kill_connections_at": args.kill_connections_at,
            "restart_postgres_at": args.restart_postgres_at,
        },
        **tally.summary(),
        **verdict.figures,
        "last_write_seen": f"{seen.count(True)}/{len(seen)}",
        "problems": problems,
    }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.output is not None:
        args.output.write_text(text + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
