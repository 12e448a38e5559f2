"""CORS of the local API fronts, as API Gateway's HTTP API answers it with a `cors_configuration`
(terraform/modules/api/http_api.tf; tests/local/test_cors_and_request_log.py checks both agree).

API Gateway answers a browser's preflight (OPTIONS with Origin and Access-Control-Request-Method) itself,
before any authorizer: for an allowed origin with the configured methods, headers and max age; for any
other origin without CORS headers, so the browser refuses the call. On every other answer to an allowed
origin it adds Access-Control-Allow-Origin. The allowed origins are env data: `cors_allowed_origins` in
terraform/envs/<env>.tfvars, and for the local env `StackConfig.cors_allowed_origins`.
"""

from __future__ import annotations

ALLOW_METHODS = ("DELETE", "GET", "OPTIONS", "POST", "PUT")
ALLOW_HEADERS = ("authorization", "content-type")
MAX_AGE_SECONDS = 3600


def is_preflight(method: str, headers: dict[str, str]) -> bool:
    """`headers` with lower-case names."""
    return method == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers


def preflight_headers(headers: dict[str, str], allowed: tuple[str, ...]) -> dict[str, str]:
    """The preflight answer's headers (204, no body): CORS headers only for an allowed origin."""
    origin = headers.get("origin", "")
    if origin not in allowed:
        return {}
    return {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": ",".join(ALLOW_METHODS),
        "access-control-allow-headers": ",".join(ALLOW_HEADERS),
        "access-control-max-age": str(MAX_AGE_SECONDS),
        "vary": "origin",
    }


def response_headers(headers: dict[str, str], allowed: tuple[str, ...]) -> dict[str, str]:
    """Headers added to an ordinary answer for a request from an allowed origin."""
    origin = headers.get("origin", "")
    return {"access-control-allow-origin": origin, "vary": "origin"} if origin in allowed else {}
