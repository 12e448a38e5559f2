"""The one error shape of the API: `{"error": CODE, "message": TEXT}` with the right 4xx."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from mobile_api.services import errors as refusals
from mobile_api.strict_json import dumps

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "not_allowed",
    409: "conflict",
    410: "account_deleted",
    413: "too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "invalid",
    431: "headers_too_large",
    500: "internal",
    501: "not_implemented",
    503: "unavailable",
}


# Each refusal of the rules (mobile_api.services.errors) and its status; the most specific class wins.
STATUS_OF: dict[type[refusals.Refused], int] = {
    refusals.Refused: 400,
    refusals.NotFound: 404,
    refusals.Forbidden: 403,
    refusals.StaleVersion: 409,
    refusals.Conflict: 409,
    refusals.TooLarge: 413,
    refusals.Invalid: 422,
    refusals.AccountDeleted: 410,
    refusals.Unavailable: 503,
}


def status_of(refusal: refusals.Refused) -> int:
    return next(STATUS_OF[cls] for cls in type(refusal).__mro__ if cls in STATUS_OF)


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.extra = extra


def error_response(status: int, message: str, code: str | None = None, **extra: Any) -> Response:
    body = {"error": code or CODES.get(status, "error"), "message": message, **extra}
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=dumps(body))


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=dumps(body),
        headers=headers,
    )


def describe_validation_errors(errors: list[dict[str, Any]]) -> tuple[int, str]:
    """400 for a body that is not JSON, 422 for JSON that breaks the schema; one readable line."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "request body is not valid JSON"
    parts = []
    for e in errors[:3]:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
        parts.append(f"{loc}: {e.get('msg', 'invalid')}")
    return 422, "; ".join(parts)
