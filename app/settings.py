"""Settings read from ``PORTFOLIO_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = f"sqlite:///{Path.cwd() / 'portfolio.db'}"


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else int(raw)


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else float(raw)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service can be told from outside; defaults suit a laptop."""

    database_url: str = DEFAULT_DATABASE_URL
    debug: bool = False
    graphiql: bool = True
    introspection: bool = True
    seed_on_start: bool = True
    max_page_size: int = 500
    default_page_size: int = 100
    max_query_depth: int = 15
    max_aliases: int = 50
    max_tokens: int = 5000
    max_query_cost: int = 100_000
    max_query_nodes: int = 500_000
    rate_limit_points: int = 1_000_000
    rate_limit_window_seconds: int = 600
    max_body_bytes: int = 1_000_000
    database_timeout_seconds: float = 5.0
    execution_timeout_seconds: float = 30.0
    response_cache_megabytes: int = 64
    sqlite_busy_timeout_ms: int = 5000
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    webhook_key: str | None = field(default=None, repr=False)
    """Encrypts webhook secrets at rest (any long random text); no webhooks without it."""
    webhook_allow_private: bool = False
    """Allow webhook URLs on private, loopback or link-local addresses, and plain http."""
    webhook_dispatch: bool = True
    """Run the webhook dispatcher in this process."""
    webhook_poll_seconds: float = 1.0
    webhook_timeout_seconds: float = 10.0
    webhook_retry_seconds: float = 30.0
    """The wait before the first retry; it doubles with every failure (with jitter)."""
    webhook_retry_max_seconds: float = 3600.0
    webhook_retry_window_seconds: float = 86_400.0
    """How long a delivery is retried before it is FAILED."""
    smtp_url: str | None = None
    """Where reminders are mailed (smtp://host:port or smtps://…); none: no mail."""
    mail_from: str = "Porteføljekontoret <portefolje@localhost>"
    public_url: str | None = None
    """The service's address as users reach it (links in mail), e.g. https://portefolje.example."""
    remind_daily_at: str | None = None
    """HH:MM (Norwegian time) to remind of missing reports every day; none: off."""
    remind_days_before: int = 7
    """Remind only once the round's deadline is at most this many days away."""
    oidc_issuer: str | None = None
    """The OpenID Provider whose tokens are accepted (https, or http on loopback); none: off."""
    oidc_audience: str | None = None
    """The ``aud`` a bearer JWT must carry: this service's identifier at the provider."""
    oidc_org_claim: str = "helseid://claims/client/claims/orgnr_parent"
    """The claim holding the caller's organisation number (HelseID's by default)."""
    oidc_role_claim: str | None = None
    """A claim naming the caller's role (ADMIN, REPORTER, READER); none: grants only."""
    oidc_clock_skew_seconds: int = 60
    """How far the provider's clock and ours may disagree on ``exp``, ``nbf`` and ``iat``."""
    oidc_client_id: str | None = None
    """This service's client id at the provider, for browser sign-in; none: no sign-in."""
    oidc_client_secret: str | None = field(default=None, repr=False)
    """The client's secret (confidential client); none for a public client (PKCE only)."""
    oidc_scopes: str = "openid profile"
    """The scopes a browser sign-in asks for (HelseID, ID-porten and Entra ID differ)."""
    session_hours: float = 8.0
    """How long a browser stays signed in."""

    @classmethod
    def from_env(cls) -> Settings:
        """Read settings from the environment, falling back to the defaults."""
        env = os.environ
        defaults = cls()
        return cls(
            database_url=env.get("PORTFOLIO_DATABASE_URL", DEFAULT_DATABASE_URL),
            debug=_flag("PORTFOLIO_DEBUG", defaults.debug),
            graphiql=_flag("PORTFOLIO_GRAPHIQL", defaults.graphiql),
            introspection=_flag("PORTFOLIO_INTROSPECTION", defaults.introspection),
            seed_on_start=_flag("PORTFOLIO_SEED_ON_START", defaults.seed_on_start),
            max_page_size=_int("PORTFOLIO_MAX_PAGE_SIZE", defaults.max_page_size),
            default_page_size=_int("PORTFOLIO_DEFAULT_PAGE_SIZE", defaults.default_page_size),
            max_query_depth=_int("PORTFOLIO_MAX_QUERY_DEPTH", defaults.max_query_depth),
            max_aliases=_int("PORTFOLIO_MAX_ALIASES", defaults.max_aliases),
            max_tokens=_int("PORTFOLIO_MAX_TOKENS", defaults.max_tokens),
            max_query_cost=_int("PORTFOLIO_MAX_QUERY_COST", defaults.max_query_cost),
            max_query_nodes=_int("PORTFOLIO_MAX_QUERY_NODES", defaults.max_query_nodes),
            rate_limit_points=_int("PORTFOLIO_RATE_LIMIT_POINTS", defaults.rate_limit_points),
            rate_limit_window_seconds=_int(
                "PORTFOLIO_RATE_LIMIT_WINDOW", defaults.rate_limit_window_seconds
            ),
            max_body_bytes=_int("PORTFOLIO_MAX_BODY_BYTES", defaults.max_body_bytes),
            database_timeout_seconds=float(
                env.get("PORTFOLIO_DATABASE_TIMEOUT", defaults.database_timeout_seconds)
            ),
            execution_timeout_seconds=float(
                env.get("PORTFOLIO_EXECUTION_TIMEOUT", defaults.execution_timeout_seconds)
            ),
            response_cache_megabytes=_int(
                "PORTFOLIO_RESPONSE_CACHE_MB", defaults.response_cache_megabytes
            ),
            sqlite_busy_timeout_ms=_int(
                "PORTFOLIO_SQLITE_BUSY_TIMEOUT_MS", defaults.sqlite_busy_timeout_ms
            ),
            smtp_url=env.get("PORTFOLIO_SMTP_URL") or None,
            mail_from=env.get("PORTFOLIO_MAIL_FROM") or defaults.mail_from,
            public_url=env.get("PORTFOLIO_PUBLIC_URL") or None,
            remind_daily_at=env.get("PORTFOLIO_REMIND_DAILY_AT") or None,
            remind_days_before=_int("PORTFOLIO_REMIND_DAYS_BEFORE", defaults.remind_days_before),
            cors_origins=tuple(
                origin.strip()
                for origin in env.get("PORTFOLIO_CORS_ORIGINS", "").split(",")
                if origin.strip()
            ),
            oidc_issuer=env.get("PORTFOLIO_OIDC_ISSUER") or None,
            oidc_audience=env.get("PORTFOLIO_OIDC_AUDIENCE") or None,
            oidc_org_claim=env.get("PORTFOLIO_OIDC_ORG_CLAIM") or defaults.oidc_org_claim,
            oidc_role_claim=env.get("PORTFOLIO_OIDC_ROLE_CLAIM") or None,
            oidc_clock_skew_seconds=_int(
                "PORTFOLIO_OIDC_CLOCK_SKEW", defaults.oidc_clock_skew_seconds
            ),
            oidc_client_id=env.get("PORTFOLIO_OIDC_CLIENT_ID") or None,
            oidc_client_secret=env.get("PORTFOLIO_OIDC_CLIENT_SECRET") or None,
            oidc_scopes=env.get("PORTFOLIO_OIDC_SCOPES") or defaults.oidc_scopes,
            session_hours=_float("PORTFOLIO_SESSION_HOURS", defaults.session_hours),
            webhook_key=env.get("PORTFOLIO_WEBHOOK_KEY") or None,
            webhook_allow_private=_flag(
                "PORTFOLIO_WEBHOOK_ALLOW_PRIVATE", defaults.webhook_allow_private
            ),
            webhook_dispatch=_flag("PORTFOLIO_WEBHOOK_DISPATCH", defaults.webhook_dispatch),
            webhook_poll_seconds=_float("PORTFOLIO_WEBHOOK_POLL", defaults.webhook_poll_seconds),
            webhook_timeout_seconds=_float(
                "PORTFOLIO_WEBHOOK_TIMEOUT", defaults.webhook_timeout_seconds
            ),
            webhook_retry_seconds=_float("PORTFOLIO_WEBHOOK_RETRY", defaults.webhook_retry_seconds),
            webhook_retry_max_seconds=_float(
                "PORTFOLIO_WEBHOOK_RETRY_MAX", defaults.webhook_retry_max_seconds
            ),
            webhook_retry_window_seconds=_float(
                "PORTFOLIO_WEBHOOK_RETRY_WINDOW", defaults.webhook_retry_window_seconds
            ),
        )
