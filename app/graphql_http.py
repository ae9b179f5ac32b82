"""GraphQL over HTTP as the specification asks, on top of strawberry's ASGI view.

- ``application/graphql-response+json`` when the client accepts it (``application/json``
  otherwise, and for clients that send no ``Accept``); 406 when it accepts neither.
- Under the new media type, a request error (the document does not parse or validate,
  or the variables do not fit) answers 400; under ``application/json`` it answers 200,
  as older clients expect. Execution errors answer 200 under both.
- A mutation over GET answers 405 with ``Allow: POST``; malformed JSON, a missing query
  or ill-typed variables answer 400 with a GraphQL-shaped JSON body, never plain text.
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

logger = logging.getLogger("portfolio.http")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"
ACCEPTABLE = (GRAPHQL_RESPONSE_JSON, APPLICATION_JSON, "application/*", "*/*", "text/html")
REQUEST_ERROR_STATE = "graphql_request_error"


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


async def graphql_operation(request: Request) -> GraphQLOperation | None:
    """The operation a GET or JSON POST request carries, or None when there is none."""
    try:
        if request.method == "GET":
            params = request.query_params
            raw_variables = params.get("variables")
            variables = json.loads(raw_variables) if raw_variables else None
            query, operation_name = params.get("query"), params.get("operationName")
        elif request.method == "POST" and request.headers.get("content-type", "").startswith(
            APPLICATION_JSON
        ):
            body = json.loads(await request.body())
            if not isinstance(body, dict):
                return None
            query, variables = body.get("query"), body.get("variables")
            operation_name = body.get("operationName")
        else:
            return None
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(query, str) or not (variables is None or isinstance(variables, dict)):
        return None
    if operation_name is not None and not isinstance(operation_name, str):
        return None
    return GraphQLOperation(query=query, variables=variables, operation_name=operation_name)


def error_response(
    message: str,
    status_code: int,
    *,
    media_type: str = APPLICATION_JSON,
    headers: dict[str, str] | None = None,
    code: str = "BAD_REQUEST",
) -> Response:
    """A GraphQL-shaped error body with the given status."""
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status_code,
        media_type=media_type,
        headers=headers,
    )


class GraphQLOverHTTP:
    """Mixin for strawberry's ASGI ``GraphQL`` view adding the spec's status codes."""

    execution_timeout_seconds: float = 30.0

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
                f"Not acceptable: this endpoint answers {GRAPHQL_RESPONSE_JSON} or "
                f"{APPLICATION_JSON}.",
                406,
                code="NOT_ACCEPTABLE",
            )
        try:
            async with asyncio.timeout(self.execution_timeout_seconds):
                response = await super().run(request, *args, **kwargs)  # type: ignore[misc]
        except HTTPException as error:
            return _http_error(error, media_type)
        except StrawberryGraphQLError as error:
            return error_response(error.message, 400, media_type=media_type)
        except TimeoutError:
            logger.warning(
                "request exceeded the execution timeout of %ss", self.execution_timeout_seconds
            )
            return error_response(
                f"The request took longer than {self.execution_timeout_seconds:g} seconds.",
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


def _http_error(error: HTTPException, media_type: str) -> Response:
    if error.status_code == 400 and "mutations are not allowed" in error.reason:
        return error_response(
            "Mutations are only accepted over POST.",
            405,
            media_type=media_type,
            headers={"Allow": "POST"},
            code="METHOD_NOT_ALLOWED",
        )
    if error.status_code == 405:
        return error_response(
            "GraphQL is served over GET and POST only.",
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
        return error_response("Not found.", 404, media_type=media_type, code="NOT_FOUND")
    return error_response(error.reason, error.status_code, media_type=media_type)


__all__ = [
    "GRAPHQL_RESPONSE_JSON",
    "GraphQLOperation",
    "GraphQLOverHTTP",
    "error_response",
    "graphql_operation",
    "is_request_error",
    "preferred_media_type",
]
