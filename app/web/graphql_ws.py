"""GraphQL over WebSocket: refusals end a connection with a close frame, never a crash.

Strawberry accepts the socket before it asks for the context, and indexes every message as
the protocol describes it; so a refused caller and a malformed message are answered here
with the protocol's close codes.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Mapping

from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected

logger = logging.getLogger("portfolio.websocket")

# graphql-transport-ws closes a connection whose caller is refused with 4403, as strawberry
# does for a refused connection_init; 1013 (try again later) when the database is down.
WEBSOCKET_FORBIDDEN = (4403, "Forbidden")
WEBSOCKET_TRY_AGAIN_LATER = (1013, "Try again later")


class HandshakeRefused(Exception):
    """The WebSocket handshake named a caller the service refuses; the socket is closed."""


# What each field of a GraphQL WebSocket message may hold, in both subprotocols.
_OPTIONAL_OBJECT = (dict, type(None))
_OPTIONAL_TEXT = (str, type(None))
_OPERATION_FIELDS = {
    "variables": _OPTIONAL_OBJECT,
    "operationName": _OPTIONAL_TEXT,
    "extensions": _OPTIONAL_OBJECT,
}


def websocket_message_problem(message: object) -> str | None:
    """What makes a graphql-transport-ws (or graphql-ws) message malformed, or None.

    Strawberry indexes messages as the protocol describes them and fails on anything else
    (a list, an id that is not a string, a payload that is not an object, a query that is
    not text); the protocol asks for close code 4400 on such a message instead.
    """
    if not isinstance(message, dict):
        return "WebSocket message must be a JSON object"
    if not isinstance(message.get("type"), str):
        return "WebSocket message type must be a string"
    if not isinstance(message.get("id", ""), str):
        return "WebSocket message id must be a string"
    if message["type"] not in ("subscribe", "start"):
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return "A subscribe message needs a payload with the query as a string"
    for field, allowed in _OPERATION_FIELDS.items():
        if not isinstance(payload.get(field), allowed):
            return f"The payload's {field} has the wrong type"
    return None


class PortfolioWebSocketAdapter(ASGIWebSocketAdapter):
    """Strawberry's WebSocket adapter, closing with 4400 on a malformed message, as it does
    on one that is not JSON (JSON nested too deeply included, see ``decode_json``)."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        async for message in super().iter_json(ignore_parsing_errors=ignore_parsing_errors):
            problem = websocket_message_problem(message)
            if problem is not None:
                logger.debug("websocket message refused: %s", problem)
                await self.close(4400, problem)
                return
            yield message

    async def send_json(self, message: Mapping[str, object]) -> None:
        """Send ``message`` in a text frame, as graphql-transport-ws requires (the view
        encodes JSON as UTF-8 bytes, which strawberry would send as a binary frame)."""
        encoded = self.view.encode_json(message)
        try:
            await self.ws.send_text(encoded.decode() if isinstance(encoded, bytes) else encoded)
        except WebSocketDisconnect as disconnect:
            raise WebSocketDisconnected from disconnect


__all__ = [
    "WEBSOCKET_FORBIDDEN",
    "WEBSOCKET_TRY_AGAIN_LATER",
    "HandshakeRefused",
    "PortfolioWebSocketAdapter",
    "websocket_message_problem",
]
