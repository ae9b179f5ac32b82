"""E-mail through SMTP (``PORTFOLIO_SMTP_URL``): where to send from, and sending one message.

``smtp://host:port`` speaks plain SMTP (upgraded with STARTTLS when the server offers
it), ``smtps://host:port`` implicit TLS; ``user:password@`` in the URL signs in.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

SCHEMES = {"smtp": 25, "smtps": 465}


class MailSetupError(ValueError):
    """``PORTFOLIO_SMTP_URL`` cannot name a server; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class SmtpServer:
    """Where mail goes, read from ``PORTFOLIO_SMTP_URL``."""

    host: str
    port: int
    implicit_tls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """The server ``url`` names.

        >>> SmtpServer.from_url("smtp://127.0.0.1:2525")
        SmtpServer(host='127.0.0.1', port=2525, implicit_tls=False, username=None, password=None)
        >>> SmtpServer.from_url("smtps://mail.example.org").port
        465
        """
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise MailSetupError(f"PORTFOLIO_SMTP_URL {url!r} is not a URL: {error}") from None
        if parts.scheme not in SCHEMES:
            raise MailSetupError(
                f"PORTFOLIO_SMTP_URL must start with smtp:// or smtps://, not {parts.scheme!r}"
            )
        if not parts.hostname:
            raise MailSetupError(
                f"PORTFOLIO_SMTP_URL {url!r} names no host; write e.g. smtp://mail.example.org:25"
            )
        return cls(
            host=parts.hostname,
            port=port or SCHEMES[parts.scheme],
            implicit_tls=parts.scheme == "smtps",
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def compose(*, sender: str, recipient: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = subject
    mail.set_content(body)
    return mail


async def send(server: SmtpServer, mail: EmailMessage, *, timeout: float = 30.0) -> None:
    """Hand ``mail`` to ``server``; raises ``aiosmtplib.SMTPException`` or ``OSError``."""
    await aiosmtplib.send(
        mail,
        hostname=server.host,
        port=server.port,
        use_tls=server.implicit_tls,
        username=server.username,
        password=server.password,
        timeout=timeout,
    )
