"""The ``portfolio`` command: serve, migrate, seed and export the schema."""

from __future__ import annotations

import argparse
import errno
import logging
import socket
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from app import models
from app.database import DatabaseSetupError, connection_problem, create_sync_engine
from app.migrate import migrate
from app.settings import Settings

logger = logging.getLogger("portfolio")


class CommandError(Exception):
    """A mistake in how the command was run; the message is one line saying what to do."""


def check_address_free(host: str, port: int) -> None:
    """Raise ``CommandError`` when the service could not listen on ``host:port``.

    Checked before migrating, so a busy port fails at once and says what to do instead of
    uvicorn's bind error after "Application startup complete". Another process may still
    take the port in between: uvicorn then reports it as before.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise CommandError(
            f"cannot listen on host {host!r}: {error.strerror}; check --host"
        ) from error
    family, kind, protocol, _name, address = infos[0]
    with socket.socket(family, kind, protocol) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"port {port} on {host} is already in use (another `portfolio serve`?); "
                    f"choose another with --port, e.g. portfolio serve --port {port + 1}"
                ) from error
            if error.errno == errno.EACCES:
                raise CommandError(
                    f"not allowed to listen on port {port}; choose a port above 1023 with --port"
                ) from error
            raise CommandError(
                f"cannot listen on {host}:{port}: {error.strerror}; check --host and --port"
            ) from error


def seed_database(
    settings: Settings,
    *,
    synthetic: int | None = None,
    seed: int = 0,
    reference_only: bool = False,
) -> int:
    """Insert the seed (or a synthetic, or only the reference) data where missing; returns
    rows inserted."""
    from seeds.loader import load_reference_data, load_seed_portfolio
    from seeds.portfolio import write_portfolio
    from seeds.synthetic import generate_portfolio

    if reference_only:
        data = load_reference_data()
    elif synthetic:
        data = generate_portfolio(synthetic, seed=seed)
    else:
        data = load_seed_portfolio()
    engine = create_sync_engine(settings)
    try:
        with engine.begin() as connection:
            result = write_portfolio(connection, data)
    finally:
        engine.dispose()
    return result.total


def database_is_empty(settings: Settings) -> bool:
    """True when no initiative has been stored yet."""
    engine = create_sync_engine(settings)
    try:
        with engine.connect() as connection:
            count = connection.scalar(sa.select(sa.func.count()).select_from(models.Initiative))
    finally:
        engine.dispose()
    return not count


def _serve(arguments: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    check_address_free(arguments.host, arguments.port)
    migrate(settings)
    if settings.seed_on_start and database_is_empty(settings):
        inserted = seed_database(settings)
        logger.info("seeded an empty database with the demo portfolio (%d rows)", inserted)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=arguments.host,
        port=arguments.port,
        workers=arguments.workers,
        log_level="debug" if arguments.verbose else "info",
    )
    return 0


def _migrate(_arguments: argparse.Namespace, settings: Settings) -> int:
    migrate(settings)
    print("database schema is up to date")  # noqa: T201
    return 0


def _seed(arguments: argparse.Namespace, settings: Settings) -> int:
    migrate(settings)
    inserted = seed_database(
        settings,
        synthetic=arguments.synthetic,
        seed=arguments.seed,
        reference_only=arguments.reference_only,
    )
    print(f"inserted {inserted} rows" if inserted else "already seeded: nothing to insert")  # noqa: T201
    return 0


def _token_create(arguments: argparse.Namespace, settings: Settings) -> int:
    from app.auth import TokenError, create_token, parse_lifetime
    from app.domain import Role

    try:
        lifetime = parse_lifetime(arguments.expires_in)
    except TokenError as error:
        print(f"error: {error}", file=sys.stderr)  # noqa: T201
        return 2
    migrate(settings)
    engine = create_sync_engine(settings)
    try:
        with engine.begin() as connection:
            token_id, token = create_token(
                connection,
                role=Role(arguments.role),
                organisation_code=arguments.org,
                name=arguments.name,
                lifetime=lifetime,
            )
    except TokenError as error:
        print(f"error: {error}", file=sys.stderr)  # noqa: T201
        return 2
    finally:
        engine.dispose()
    expires = (datetime.now(UTC) + lifetime).strftime("%Y-%m-%d %H:%M UTC")
    print(  # noqa: T201
        f"token {token_id} ({arguments.role}, expires {expires}); shown once, store it now:",
        file=sys.stderr,
    )
    print(token)  # noqa: T201
    return 0


def _token_list(_arguments: argparse.Namespace, settings: Settings) -> int:
    from app.auth import list_tokens

    migrate(settings)
    engine = create_sync_engine(settings)
    try:
        with engine.connect() as connection:
            tokens = list_tokens(connection)
    finally:
        engine.dispose()
    now = datetime.now(UTC)

    def moment(value: datetime | None) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"

    print("id\tstate\trole\torg\tname\tcreated\texpires\tlast used")  # noqa: T201
    for token in tokens:
        print(  # noqa: T201
            f"{token.id}\t{token.state(now)}\t{token.role.value}\t{token.organisation_code or '-'}"
            f"\t{token.name}\t{moment(token.created_at)}\t{moment(token.expires_at)}"
            f"\t{moment(token.last_used_at)}"
        )
    return 0


def _token_revoke(arguments: argparse.Namespace, settings: Settings) -> int:
    from app.auth import TokenError, revoke_token

    engine = create_sync_engine(settings)
    try:
        with engine.begin() as connection:
            revoke_token(connection, token_id=arguments.id)
    except TokenError as error:
        print(f"error: {error}", file=sys.stderr)  # noqa: T201
        return 2
    finally:
        engine.dispose()
    print(f"token {arguments.id} revoked")  # noqa: T201
    return 0


def _report(arguments: argparse.Namespace, settings: Settings) -> int:
    from app.portfolio_report.command import run_report

    return run_report(arguments, settings)


def _export(arguments: argparse.Namespace, settings: Settings) -> int:
    from app.exchange.command import run_export

    return run_export(arguments, settings)


def _import(arguments: argparse.Namespace, settings: Settings) -> int:
    from app.exchange.command import run_import

    return run_import(arguments, settings)


def _remind(arguments: argparse.Namespace, settings: Settings) -> int:
    from app.remind_command import run_remind

    if arguments.days_before < 0:
        raise CommandError("--days-before must be 0 or more (days before the deadline)")
    migrate(settings)
    refused = run_remind(arguments, settings)
    if refused is not None:
        raise CommandError(refused)
    return 0


def _export_schema(arguments: argparse.Namespace, _settings: Settings) -> int:
    from schema.build import export_sdl

    sdl = export_sdl()
    if arguments.output == "-":
        sys.stdout.write(sdl)
    else:
        Path(arguments.output).write_text(sdl, encoding="utf-8")
    return 0


def _export_graph(arguments: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    import graph
    from app.analysis import export_portfolio_graph
    from app.database import create_engine

    async def export() -> str:
        engine = create_engine(settings)
        try:
            return await export_portfolio_graph(
                engine,
                format=graph.ExportFormat(arguments.format),
                root=arguments.root,
                direction=graph.Direction(arguments.direction),
                max_depth=arguments.max_depth,
            )
        finally:
            await engine.dispose()

    try:
        text = asyncio.run(export())
    except graph.NodeNotFound as missing:
        print(f"portfolio: no initiative or solution {missing.code!r}", file=sys.stderr)  # noqa: T201
        return 2
    if arguments.output == "-":
        sys.stdout.write(text)
    else:
        Path(arguments.output).write_text(text, encoding="utf-8")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``portfolio`` command."""
    # --verbose is taken before or after the command: `portfolio -v serve`, `serve -v`.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show Alembic's progress and the full traceback of an error "
        "(also with PORTFOLIO_DEBUG=true)",
    )
    parser = argparse.ArgumentParser(
        prog="portfolio",
        description="Norway's national e-health portfolio, as a GraphQL service. "
        "The database is PORTFOLIO_DATABASE_URL (default: sqlite:///portfolio.db in the "
        "current folder; or postgresql://USER@HOST:PORT/DATABASE).",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def add_command(name: str, *, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=help, description=help)

    serve = add_command("serve", help="migrate, seed an empty database and serve")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on; 0.0.0.0 for every interface (default: %(default)s)",
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="TCP port to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (default: %(default)s)",
    )
    serve.set_defaults(handler=_serve)

    add_command("migrate", help="bring the database schema up to date").set_defaults(
        handler=_migrate
    )

    seed = add_command("seed", help="insert the demo portfolio (idempotent)")
    what = seed.add_mutually_exclusive_group()
    what.add_argument(
        "--synthetic",
        type=int,
        metavar="N",
        help="a synthetic portfolio of N initiatives instead (default: the demo portfolio)",
    )
    what.add_argument(
        "--reference-only",
        action="store_true",
        help="only organisations, solutions, goals, SDGs and reporting periods: no initiatives "
        "(default: off)",
    )
    seed.add_argument(
        "--seed",
        type=int,
        default=0,
        help="random seed of the synthetic portfolio (default: %(default)s)",
    )
    seed.set_defaults(handler=_seed)

    export_graph = add_command(
        "export-graph", help="write the dependency graph as GraphML, GEXF, DOT or Mermaid"
    )
    export_graph.add_argument(
        "--format",
        choices=["GRAPHML", "GEXF", "DOT", "MERMAID"],
        default="GRAPHML",
        help="file format (default: %(default)s)",
    )
    export_graph.add_argument(
        "--root", help="only the part around this initiative or solution code (default: all)"
    )
    export_graph.add_argument(
        "--direction",
        choices=["UPSTREAM", "DOWNSTREAM", "BOTH"],
        default="BOTH",
        help="with --root: suppliers, dependants or both (default: %(default)s)",
    )
    export_graph.add_argument(
        "--max-depth", type=int, help="with --root: at most this many steps (default: no limit)"
    )
    export_graph.add_argument(
        "--output", default="-", help="file, or - for stdout (default: %(default)s)"
    )
    export_graph.set_defaults(handler=_export_graph)

    export = add_command("export-schema", help="write the GraphQL SDL")
    export.add_argument(
        "--output", default="schema.graphql", help="file, or - for stdout (default: %(default)s)"
    )
    export.set_defaults(handler=_export_schema)

    token = add_command("token", help="create, list or revoke API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser(
        "create", parents=[common], help="create a token and print it once"
    )
    create.add_argument(
        "--role",
        required=True,
        choices=["ADMIN", "REPORTER", "READER"],
        help="what the token may do (required)",
    )
    create.add_argument("--org", help="organisation code (required for REPORTER; default: none)")
    create.add_argument("--name", help="who or what holds the token (default: none)")
    create.add_argument(
        "--expires-in",
        default="365d",
        metavar="DURATION",
        help="how long the token lives: days, hours or weeks, e.g. 90d, 12h, 2w "
        "(default: %(default)s)",
    )
    create.set_defaults(handler=_token_create)
    listing = token_commands.add_parser(
        "list", parents=[common], help="list tokens: state, expiry, last use (never secrets)"
    )
    listing.set_defaults(handler=_token_list)
    revoke = token_commands.add_parser("revoke", parents=[common], help="revoke a token at once")
    revoke.add_argument("id", type=int, help="the token's id, as printed by create")
    revoke.set_defaults(handler=_token_revoke)

    report = add_command("report", help="write the portfolio report of a period")
    report.add_argument("--period", help="reporting period code (default: the current one)")
    report.add_argument(
        "--format",
        choices=["html", "pdf"],
        default="html",
        help="html, or pdf with the pdf extra (default: %(default)s)",
    )
    report.add_argument("--output", help="file (default: portefoljerapport-PERIOD.FORMAT)")
    report.set_defaults(handler=_report)

    export_data = add_command(
        "export", help="write initiatives, dependencies, deliveries and reports as xlsx or csv"
    )
    export_data.add_argument(
        "--format",
        choices=["xlsx", "csv"],
        default="xlsx",
        help="one workbook, or a zip of CSV files (default: %(default)s)",
    )
    export_data.add_argument("--output", help="file (default: portfolio.xlsx or portfolio.zip)")
    export_data.set_defaults(handler=_export)

    import_data = add_command(
        "import", help="check a file from `export` and write all of it, or nothing"
    )
    import_data.add_argument("file", help="an xlsx workbook or a zip of CSV files")
    import_data.add_argument(
        "--actor", default="import", help="who to name in the audit log (default: %(default)s)"
    )
    import_data.set_defaults(handler=_import)

    remind = add_command(
        "remind",
        help="remind owners of missing reports in the open round, once per initiative: "
        "a reportMissing event, and mail with PORTFOLIO_SMTP_URL",
    )
    remind.add_argument("--period", help="reporting period code (default: the current one)")
    remind.add_argument(
        "--days-before",
        type=int,
        default=Settings().remind_days_before,
        metavar="N",
        help="remind only once the deadline is at most N days away (default: %(default)s)",
    )
    remind.set_defaults(handler=_remind)
    return parser


def _configure_logging(*, verbose: bool) -> None:
    """Our own INFO lines always; everyone else's (Alembic's) only when asked for."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logger.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``portfolio`` command: a mistake gives one line and exit code 1."""
    arguments = build_parser().parse_args(argv)
    settings = Settings.from_env()
    arguments.verbose = getattr(arguments, "verbose", False) or settings.debug
    _configure_logging(verbose=arguments.verbose)
    try:
        return int(arguments.handler(arguments, settings))
    except (CommandError, DatabaseSetupError, sa.exc.OperationalError) as error:
        message = (
            connection_problem(settings.database_url, error)
            if isinstance(error, sa.exc.OperationalError)
            else str(error)
        )
        if message is None:
            raise
        print(f"portfolio: {message}", file=sys.stderr)  # noqa: T201
        if arguments.verbose:
            raise
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
