"""A real OpenID Provider for the tests: the npm package ``oidc-provider`` (pinned in
``provider/package-lock.json``), installed with ``npm ci`` on first use and started on a
free loopback port. ``provider/server.js`` holds its clients, users and claims."""

from __future__ import annotations

import fcntl
import json
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from joserfc.jwk import RSAKey

PROVIDER_DIRECTORY = Path(__file__).parent / "provider"
AUDIENCE = "https://portfolio.test/api"
ORG_CLAIM = "helseid://claims/client/claims/orgnr_parent"


class ProviderNotStartedError(RuntimeError):
    """The provider process ended or said nothing before it listened."""


def install() -> None:
    """``npm ci`` once: the exact versions of package-lock.json, into provider/node_modules.

    Under a lock, so two test runs starting at once (CI's two backends) install once.
    """
    installed = PROVIDER_DIRECTORY / "node_modules" / "oidc-provider" / "package.json"
    with (PROVIDER_DIRECTORY / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if installed.exists():
            return
        npm = shutil.which("npm")
        if npm is None:
            raise ProviderNotStartedError("the sign-in tests need Node.js and npm on the PATH")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PROVIDER_DIRECTORY,
            check=True,
        )


def signing_key_set(*key_ids: str) -> dict[str, Any]:
    """A private JWK set (RS256) with the given key ids, for the provider to sign with."""
    keys = [
        RSAKey.generate_key(
            2048, parameters={"kid": key_id, "use": "sig", "alg": "RS256"}, private=True
        ).as_dict(private=True)
        for key_id in key_ids
    ]
    return {"keys": keys}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class RunningProvider:
    """One provider process: its issuer, and tokens from it."""

    issuer: str
    port: int
    process: subprocess.Popen[str]
    log: Path
    arguments: list[str] = field(default_factory=list)

    def client_token(self, client_id: str, *, resource: str = AUDIENCE) -> str:
        """An access token (a JWT) for a system client, by the client credentials grant."""
        response = httpx.post(
            f"{self.issuer}/token",
            auth=(client_id, f"{client_id}-secret"),
            data={"grant_type": "client_credentials", "scope": "portfolio", "resource": resource},
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_provider(
    directory: Path,
    keys: dict[str, Any],
    *,
    port: int | None = None,
    redirect_uris: tuple[str, ...] = (),
    post_logout_redirect_uris: tuple[str, ...] = (),
) -> RunningProvider:
    """Start a provider signing with ``keys`` on ``port`` (a free one when none is given)."""
    install()
    node = shutil.which("node")
    if node is None:
        raise ProviderNotStartedError("the sign-in tests need Node.js on the PATH")
    port = port or free_port()
    keys_file = directory / f"keys-{port}-{len(list(directory.iterdir()))}.json"
    keys_file.write_text(json.dumps(keys))
    arguments = [
        node,
        "server.js",
        "--port",
        str(port),
        "--keys",
        str(keys_file),
        "--audience",
        AUDIENCE,
    ]
    for uri in redirect_uris:
        arguments += ["--redirect-uri", uri]
    for uri in post_logout_redirect_uris:
        arguments += ["--post-logout-redirect-uri", uri]
    log = directory / f"provider-{port}.log"
    with log.open("a") as errors:
        process = subprocess.Popen(
            arguments, cwd=PROVIDER_DIRECTORY, stdout=subprocess.PIPE, stderr=errors, text=True
        )
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until it listens, or ends with the process
    if not line.startswith("ready "):
        process.kill()
        raise ProviderNotStartedError(f"the provider did not start: {log.read_text()}")
    return RunningProvider(
        issuer=line.split(" ", 1)[1].strip(),
        port=port,
        process=process,
        log=log,
        arguments=arguments,
    )
