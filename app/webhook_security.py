"""What keeps webhooks safe: public addresses only (SSRF), secrets encrypted, bodies signed.

* A webhook's URL must be ``https`` and every address its host resolves to must be
  public (:func:`refused_address`): no loopback, private, link-local, multicast, reserved,
  shared or unspecified address, IPv4 inside IPv6 included. The check runs when the
  webhook is made and again before every delivery, which then connects to the very
  address it checked (:func:`pinned`), so a name that resolves elsewhere the second
  time (DNS rebinding) reaches nothing it should not. ``PORTFOLIO_WEBHOOK_ALLOW_PRIVATE``
  lifts both rules, for tests and closed networks.
* Secrets are encrypted with Fernet (AES-128-CBC with HMAC-SHA256) under a key derived
  from ``PORTFOLIO_WEBHOOK_KEY``; they are decrypted only to sign a delivery.
* A delivery's body is signed like GitHub's ``X-Hub-Signature-256``:
  ``sha256=`` and the hex HMAC-SHA256 of the raw body under the secret.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from cryptography.fernet import Fernet, InvalidToken

SIGNATURE_HEADER = "X-Portfolio-Signature-256"
EVENT_HEADER = "X-Portfolio-Event"
DELIVERY_HEADER = "X-Portfolio-Delivery"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

RESOLVE_SECONDS = 5.0
"""How long a host name may take to resolve before the URL counts as unresolved."""


@dataclass(frozen=True, slots=True)
class UrlProblem:
    """Why a URL is refused: a catalogue message code and its parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Target:
    """A URL that passed the checks, and the address to connect to."""

    url: SplitResult
    address: IPAddress


def refused_address(address: IPAddress) -> bool:
    """Whether a webhook may not be sent to ``address`` (anything but a public unicast).

    Examples
    --------
    >>> [refused_address(ipaddress.ip_address(text)) for text in
    ...  ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "::ffff:10.0.0.1", "1.1.1.1"]]
    [True, True, True, True, True, False]
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def _url_problem(url: str, *, allow_private: bool) -> UrlProblem | SplitResult:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        return UrlProblem("webhook.url_invalid")
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        return UrlProblem("webhook.url_scheme")
    if not parts.hostname:
        return UrlProblem("webhook.url_invalid")
    if parts.username is not None or parts.password is not None:
        return UrlProblem("webhook.url_credentials")
    return parts


async def _addresses(host: str, port: int) -> list[IPAddress]:
    try:
        infos = await asyncio.wait_for(
            asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            ),
            RESOLVE_SECONDS,
        )
    except (OSError, UnicodeError, TimeoutError):
        return []
    found: list[IPAddress] = []
    for info in infos:
        text = str(info[4][0]).partition("%")[0]  # drop an IPv6 zone
        address = ipaddress.ip_address(text)
        if address not in found:
            found.append(address)
    return found


async def check_url(url: str, *, allow_private: bool) -> Target | UrlProblem:
    """The URL with the address to send to, or why a webhook may not be sent there."""
    parts = _url_problem(url, allow_private=allow_private)
    if isinstance(parts, UrlProblem):
        return parts
    assert parts.hostname is not None  # checked above
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = await _addresses(parts.hostname, port)
    if not addresses:
        return UrlProblem("webhook.url_unresolved", {"host": repr(parts.hostname)})
    if not allow_private:
        for address in addresses:
            if refused_address(address):
                return UrlProblem("webhook.url_private", {"address": str(address)})
    return Target(url=parts, address=addresses[0])


def pinned(target: Target) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL naming the checked address, the ``Host`` header and the TLS server name.

    Connecting to the address that was checked, not to whatever the name resolves to a
    moment later, is what defeats DNS rebinding; TLS still verifies the certificate
    against the host name.
    """
    parts, address = target.url, target.address
    host = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{host}:{parts.port}" if parts.port else host
    url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = parts.netloc.rpartition("@")[2]
    extensions: dict[str, Any] = {}
    if parts.scheme == "https":
        assert parts.hostname is not None
        extensions["sni_hostname"] = parts.hostname
    return url, {"Host": host_header}, extensions


# --- secrets --------------------------------------------------------------------------------


def _fernet(key: str) -> Fernet:
    # Any long random text serves as the setting; Fernet wants 32 bytes, base64-encoded.
    digest = hashlib.sha256(b"portfolio-webhook-secrets\x00" + key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_secret(key: str, secret: str) -> str:
    """The secret encrypted under ``key`` (text, for the ``webhook`` table)."""
    return _fernet(key).encrypt(secret.encode()).decode()


def decrypt_secret(key: str, token: str) -> str | None:
    """The secret, or None when ``key`` is not the key it was encrypted with."""
    try:
        return _fernet(key).decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def signature(secret: str, body: bytes) -> str:
    """The value of ``X-Portfolio-Signature-256`` for ``body``.

    Examples
    --------
    >>> signature("It's a Secret to Everybody", b"Hello, World!")
    'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
    """
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
