"""GraphQL over HTTP as the specification asks, on top of strawberry's ASGI view.

- ``application/graphql-response+json`` when the client accepts it (``application/json``
  otherwise, and for clients that send no ``Accept``); 406 when it accepts neither.
- Under the new media type, a request error (the document does not parse or validate,
  or the variables do not fit) answers 400; under ``application/json`` it answers 200,
  as older clients expect. Execution errors answer 200 under both.
- A mutation over GET answers 405 with ``Allow: POST``; malformed JSON, a missing query
  or ill-typed variables answer 400 with a GraphQL-shaped JSON body, never plain text.
- A JSON body must be UTF-8 (the only charset accepted), decode, parse without nesting
  past what the parser can hold, and be an object (or a list, refused as a batch): any
  other body answers 400 under both media types.
- A request that runs longer than the execution timeout answers 504 with a JSON error.
- A request the caller's budget of query points cannot carry answers 429 with
  ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from app.messages import BOKMAL, Message, current_language, message

logger = logging.getLogger("portfolio.http")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"
ACCEPTABLE = (GRAPHQL_RESPONSE_JSON, APPLICATION_JSON, "application/*", "*/*", "text/html")
REQUEST_ERROR_STATE = "graphql_request_error"
JSON_BODY_STATE = "graphql_json_body"
ACCEPTED_CHARSETS = frozenset({"utf-8", "utf8"})
NESTED_TOO_DEEPLY = "The JSON is nested too deeply."
STRAWBERRY_REASONS = {
    "Unable to parse request body as JSON": "http.not_json",
    NESTED_TOO_DEEPLY: "http.nested_too_deeply",
    "No GraphQL query found in the request": "http.no_query",
    "Unsupported content type": "http.unsupported_content_type",
    "Batching is not enabled": "http.batching",
    "The GraphQL operation's `query` must be a string or null, if provided.": (
        "http.query_not_string"
    ),
    "The GraphQL operation's `variables` must be an object or null, if provided.": (
        "http.variables_not_object"
    ),
    "The GraphQL operation's `extensions` must be an object or null, if provided.": (
        "http.extensions_not_object"
    ),
}
"""The catalogue message of each reason strawberry's view refuses a request with."""


class MalformedBody(ValueError):
    """A JSON request body that cannot hold a GraphQL request; ``text`` says why."""

    def __init__(self, text: Message) -> None:
        super().__init__(text.code)
        self.text = text


class JSONNestedTooDeeply(json.JSONDecodeError):
    """JSON nested deeper than the parser can follow: malformed, as far as strawberry sees.

    A ``JSONDecodeError``, so every strawberry path that reads JSON (GET parameters,
    WebSocket messages) treats it as the client error it is instead of letting
    ``RecursionError`` escape.
    """

    def __init__(self, document: str | bytes) -> None:
        text = document if isinstance(document, str) else document.decode("utf-8", "replace")
        super().__init__(NESTED_TOO_DEEPLY, text, 0)


def preferred_media_type(accept: str | None) -> str | None:
    """The response media type for an ``Accept`` header, or None when none fits."""
    if not accept or not accept.strip():
        return APPLICATION_JSON
    offered = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    if GRAPHQL_RESPONSE_JSON in offered:
        return GRAPHQL_RESPONSE_JSON
    if any(media_type in ACCEPTABLE for media_type in offered):
        return APPLICATION_JSON
    return None


def is_request_error(result: ExecutionResult) -> bool:
    """True when the operation never ran: parse, validation or variable errors."""
    if result.data is not None or not result.errors:
        return False
    return all(error.path is None for error in result.errors)


@dataclass(frozen=True, slots=True)
class GraphQLOperation:
    """The parts of a GraphQL request a cache key needs."""

    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


def has_json_body(request: Request) -> bool:
    """True for a POST whose body strawberry reads as JSON."""
    content_type = request.headers.get("content-type", "").lower()
    return request.method == "POST" and APPLICATION_JSON in content_type


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


async def json_body(request: Request) -> Any:
    """The JSON value of a POST body, parsed once per request.

    Raises ``MalformedBody`` for a charset other than UTF-8, bytes that are not UTF-8,
    text that is not JSON or nests deeper than the parser can follow, and a value that
    is neither an object nor a list.
    """
    if hasattr(request.state, JSON_BODY_STATE):
        return getattr(request.state, JSON_BODY_STATE)
    charset = _charset(request.headers.get("content-type", ""))
    if charset is not None and charset not in ACCEPTED_CHARSETS:
        raise MalformedBody(message("http.charset", charset=repr(charset)))
    try:
        text = (await request.body()).decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedBody(message("http.not_utf8", position=error.start)) from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise MalformedBody(message("http.nested_too_deeply")) from None
    except ValueError:
        raise MalformedBody(message("http.not_json")) from None
    if not isinstance(value, dict | list):
        raise MalformedBody(message("http.not_an_object", kind=message(_json_kind(value))))
    setattr(request.state, JSON_BODY_STATE, value)
    return value


def _json_kind(value: Any) -> str:
    if value is None:
        return "json.null"
    if isinstance(value, bool):
        return "json.boolean"
    return "json.string" if isinstance(value, str) else "json.number"


async def graphql_operation(request: Request) -> GraphQLOperation | None:
    """The operation a GET or JSON POST request carries, or None when there is none."""
    try:
        if request.method == "GET":
            params = request.query_params
            raw_variables = params.get("variables")
            variables = json.loads(raw_variables) if raw_variables else None
            query, operation_name = params.get("query"), params.get("operationName")
        elif has_json_body(request):
            body = await json_body(request)
            if not isinstance(body, dict):
                return None
            query, variables = body.get("query"), body.get("variables")
            operation_name = body.get("operationName")
        else:
            return None
    except (ValueError, RecursionError):
        return None
    if not isinstance(query, str) or not (variables is None or isinstance(variables, dict)):
        return None
    if operation_name is not None and not isinstance(operation_name, str):
        return None
    return GraphQLOperation(query=query, variables=variables, operation_name=operation_name)


def error_response(
    text: Message | str,
    status_code: int,
    *,
    media_type: str = APPLICATION_JSON,
    headers: dict[str, str] | None = None,
    code: str = "BAD_REQUEST",
) -> Response:
    """A GraphQL-shaped error body with the given status, said in the request's language."""
    said = text.render() if isinstance(text, Message) else text
    # A message may quote the client's text, which can hold lone surrogates that no UTF-8
    # body can carry: write those as their escapes instead of failing.
    printable = said.encode("utf-8", "backslashreplace").decode("utf-8")
    return JSONResponse(
        {"errors": [{"message": printable, "extensions": {"code": code}}]},
        status_code=status_code,
        media_type=media_type,
        headers=headers,
    )


class GraphQLOverHTTP:
    """Mixin for strawberry's ASGI ``GraphQL`` view adding the spec's status codes."""

    execution_timeout_seconds: float = 30.0

    def decode_json(self, data: str | bytes) -> object:
        """JSON as strawberry decodes it, with too deep a nesting as a decoding error."""
        try:
            return super().decode_json(data)  # type: ignore[misc]
        except RecursionError:
            raise JSONNestedTooDeeply(data) from None

    def parse_json(self, data: str | bytes) -> Any:
        """Strawberry's JSON parsing for HTTP, naming too deep a nesting as the problem."""
        try:
            return self.decode_json(data)
        except JSONNestedTooDeeply:
            raise HTTPException(400, NESTED_TOO_DEEPLY) from None
        except json.JSONDecodeError as error:
            raise HTTPException(400, "Unable to parse request body as JSON") from error

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        processed: GraphQLHTTPResponse = await super().process_result(  # type: ignore[misc]
            request, result
        )
        request.state.graphql_had_errors = bool(result.errors)
        retry_after = _retry_after_seconds(result)
        if retry_after is not None:
            request.state.graphql_retry_after = retry_after
        if is_request_error(result):
            # The operation never started, so there is no data entry at all.
            request.state.graphql_request_error = True
            processed.pop("data", None)
        return processed

    async def run(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(request, Request) or request.scope["type"] != "http":
            return await super().run(request, *args, **kwargs)  # type: ignore[misc]
        media_type = preferred_media_type(request.headers.get("accept"))
        if media_type is None:
            return error_response(
                message(
                    "http.not_acceptable", graphql=GRAPHQL_RESPONSE_JSON, json=APPLICATION_JSON
                ),
                406,
                code="NOT_ACCEPTABLE",
            )
        if has_json_body(request):
            try:
                await json_body(request)
            except MalformedBody as error:
                return error_response(error.text, 400, media_type=media_type)
        try:
            async with asyncio.timeout(self.execution_timeout_seconds):
                response = await super().run(request, *args, **kwargs)  # type: ignore[misc]
        except HTTPException as error:
            return _http_error(error, media_type)
        except StrawberryGraphQLError as error:
            return error_response(_said(error.message), 400, media_type=media_type)
        except TimeoutError:
            logger.warning(
                "request exceeded the execution timeout of %ss", self.execution_timeout_seconds
            )
            return error_response(
                message("http.timeout", seconds=_seconds(self.execution_timeout_seconds)),
                504,
                media_type=media_type,
                code="TIMEOUT",
            )
        if response.headers.get("content-type", "").startswith(APPLICATION_JSON):
            response.headers["content-type"] = media_type
            retry_after = getattr(request.state, "graphql_retry_after", None)
            if retry_after is not None:
                response.status_code = 429
                response.headers["Retry-After"] = str(retry_after)
                return response
            if media_type == GRAPHQL_RESPONSE_JSON and getattr(
                request.state, REQUEST_ERROR_STATE, False
            ):
                response.status_code = 400
        return response


def _retry_after_seconds(result: ExecutionResult) -> int | None:
    """The wait a refusal over the caller's budget names, if the result is one."""
    for error in result.errors or ():
        extensions = error.extensions or {}
        if extensions.get("code") == "RATE_LIMITED":
            return int(extensions["retryAfterSeconds"])
    return None


class CredentialsRefused(HTTPException):
    """The caller's credentials cannot be accepted now: a 401 with the challenge to send,
    or a 503 when the identity provider that would check them cannot be reached."""

    def __init__(
        self, status_code: int, reason: str, *, code: str, challenge: str | None = None
    ) -> None:
        super().__init__(status_code, reason)
        self.code = code
        self.challenge = challenge


def _http_error(error: HTTPException, media_type: str) -> Response:
    if isinstance(error, CredentialsRefused):
        return error_response(
            error.reason,
            error.status_code,
            media_type=media_type,
            headers={"WWW-Authenticate": error.challenge} if error.challenge else None,
            code=error.code,
        )
    if error.status_code == 400 and "mutations are not allowed" in error.reason:
        return error_response(
            message("http.mutation_over_get"),
            405,
            media_type=media_type,
            headers={"Allow": "POST"},
            code="METHOD_NOT_ALLOWED",
        )
    if error.status_code == 405:
        return error_response(
            message("http.get_and_post_only"),
            405,
            media_type=media_type,
            headers={"Allow": "GET, POST"},
            code="METHOD_NOT_ALLOWED",
        )
    if error.status_code == 401:
        return error_response(
            error.reason,
            401,
            media_type=media_type,
            headers={"WWW-Authenticate": 'Bearer realm="portfolio"'},
            code="UNAUTHENTICATED",
        )
    if error.status_code == 503:
        return error_response(error.reason, 503, media_type=media_type, code="DATABASE_UNAVAILABLE")
    if error.status_code == 404:
        return error_response(
            message("http.not_found"), 404, media_type=media_type, code="NOT_FOUND"
        )
    return error_response(_said(error.reason), error.status_code, media_type=media_type)


def _said(reason: str) -> Message:
    """A refusal's reason from strawberry as a catalogue message, quoted when it has none."""
    code = STRAWBERRY_REASONS.get(reason)
    return message(code) if code is not None else message("http.bad_request", detail=reason)


def _seconds(seconds: float) -> str:
    """A number of seconds as the request's language writes it (a decimal comma in bokmål)."""
    written = f"{seconds:g}"
    return written.replace(".", ",") if current_language() == BOKMAL else written


__all__ = [
    "GRAPHQL_RESPONSE_JSON",
    "CredentialsRefused",
    "GraphQLOperation",
    "GraphQLOverHTTP",
    "JSONNestedTooDeeply",
    "MalformedBody",
    "error_response",
    "graphql_operation",
    "has_json_body",
    "is_request_error",
    "json_body",
    "preferred_media_type",
]
