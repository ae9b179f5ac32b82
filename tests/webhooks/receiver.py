"""A real webhook receiver for tests: an HTTP server on a free loopback port, in a thread.

It records every request (headers and raw body), checks the signature the way a
receiver should, and answers with the status codes it is given, in turn (then 200).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    """One request as the receiver got it."""

    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def document(self) -> Any:
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        """The check a receiver makes: HMAC-SHA256 of the raw body, compared in constant time."""
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers.get("x-portfolio-signature-256", ""))


@dataclass
class Receiver:
    """The server's address and what it received."""

    url: str
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, *, timeout: float = 30.0) -> list[Received]:
        """The first ``count`` requests, once they have arrived (fails after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received[:count])
            time.sleep(0.05)
        raise AssertionError(f"{count} requests expected, {len(self.received)} arrived")


@contextmanager
def running_receiver(*, answers: list[int] | None = None, port: int = 0) -> Iterator[Receiver]:
    """A receiver on ``port`` (0: a free one) answering ``answers`` in turn, then 200."""
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                status = receiver.answers.pop(0) if receiver.answers else 200
                receiver.received.append(
                    Received(
                        path=self.path,
                        headers={key.lower(): value for key, value in self.headers.items()},
                        body=body,
                        answered=status,
                    )
                )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # dispatchers send in bursts; the default backlog is 5

    server = Server(("127.0.0.1", port), Handler)
    receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks/portfolio")
    receiver.answers.extend(answers or [])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
