"""The API function: a Powertools HTTP API resolver with validation, built per settings by `create_handler`.

The routes (`mobile_api.routes`) only translate HTTP into calls on the rules (`mobile_api.services`), which
take the data-access stores (`backend_core.*_store`) as arguments; every answer that is not a 2xx is the
JSON error shape (a refusal of the rules is mapped here, by `errors.STATUS_OF`), and every request emits
one usage event.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from backend_core.ddb import BatchIncomplete
from mobile_api import views
from mobile_api.deps import Deps
from mobile_api.errors import CODES, ApiError, describe_validation_errors, error_response, status_of
from mobile_api.identity import caller_of, group_of_route, require_caller
from mobile_api.resolver import EnvironmentResolver, registered_routes, route_key
from mobile_api.routes import (
    account,
    conversations,
    devices,
    media,
    notifications,
    profile,
    provider_application,
    sync,
)
from mobile_api.services import errors as refusals
from mobile_api.services.notifications import require_group
from mobile_api.services.profile import apply_token_claims
from mobile_api.settings import Settings
from mobile_api.strict_json import StrictJsonError
from mobile_api.strict_json import parse as parse_strict_json
from mobile_api.usage import UsageEmitter

logger = Logger(service="mobile-api")
Handler = Callable[[dict, object], dict]
OPENAPI_TITLE = "Mobile backend API"
OPENAPI_VERSION = "1.0.0"
SERVED_REGION_HEADER = "x-served-region"


def build_app(settings: Settings, deps: Deps | None = None) -> APIGatewayHttpResolver:
    app = EnvironmentResolver(enable_validation=True)
    deps = deps or Deps.from_settings(settings)
    for group in (profile, sync, media, devices, notifications, provider_application, account, conversations):
        group.register(app, deps)

    def remember_route(app: APIGatewayHttpResolver, next_middleware: Any) -> Any:
        _remember_route(app)
        _authorize_route(app)
        caller = caller_of(app.current_event.raw_event)
        if caller is not None and caller.has_id_token:  # the profile follows the newest token's claims
            apply_token_claims(deps.profiles, deps.claims_synced, caller, deps.clock)
        return next_middleware(app)

    app.use(middlewares=[remember_route])

    # Validation runs before the middlewares, so the handlers below record the matched route too.
    @app.exception_handler(ApiError)
    def api_error(exc: ApiError) -> Response:
        _remember_route(app)
        return error_response(exc.status, exc.message, exc.code, **exc.extra)

    @app.exception_handler(BatchIncomplete)
    def throttled(exc: BatchIncomplete) -> Response:  # DynamoDB kept throttling a batch: the client retries
        _remember_route(app)
        logger.warning("batch left unprocessed after every retry", extra={"error": str(exc)})
        return error_response(503, "the table is busy; retry with backoff")

    @app.exception_handler(refusals.Refused)
    def refused(exc: refusals.Refused) -> Response:
        _remember_route(app)
        if isinstance(exc, refusals.StaleVersion):  # the server's item, to merge with
            current = views.sync_item(exc.current) if exc.current else None
            return error_response(status_of(exc), exc.message, exc.code, current=current)
        return error_response(status_of(exc), exc.message, exc.code)

    @app.exception_handler(RequestValidationError)
    def invalid(exc: RequestValidationError) -> Response:
        _remember_route(app)
        try:  # who may call comes before what they sent (validation runs before the middlewares)
            _authorize_route(app)
        except ApiError as refused:
            return error_response(refused.status, refused.message, refused.code)
        except refusals.Refused as refused:
            return error_response(status_of(refused), refused.message, refused.code)
        status, message = describe_validation_errors(list(exc.errors()))
        return error_response(status, message)

    @app.exception_handler(RequestUnsupportedContentType)
    def unsupported_type(exc: Exception) -> Response:
        _remember_route(app)
        return error_response(415, "send the body as Content-Type: application/json")

    @app.not_found
    def not_found(exc: Exception) -> Response:
        event = app.current_event
        app.lambda_context_route = f"{event.http_method} (unmatched)"  # type: ignore[attr-defined]  # never raw paths
        return error_response(404, f"no route {event.http_method} {event.path}")

    @app.exception_handler(Exception)
    def unexpected(exc: Exception) -> Response:
        _remember_route(app)
        logger.exception("unhandled error")
        return error_response(500, "internal error; it has been logged")

    return app


def _remember_route(app: APIGatewayHttpResolver) -> None:
    """The matched route's template (never the raw path) for the usage event; the context is cleared
    after resolve, so it is copied to an attribute of the resolver."""
    route = app.context.get("_route")
    if route is not None and getattr(route, "path", None):
        app.lambda_context_route = route_key(route)  # type: ignore[attr-defined]


def _authorize_route(app: APIGatewayHttpResolver) -> None:
    """401/403 (ApiError) when the matched route is marked `for_group` and the caller is not in it."""
    route = app.context.get("_route")
    group = group_of_route(getattr(route, "func", None))
    if group is not None:
        require_group(require_caller(app.current_event.raw_event), group)


def _route_template(app: APIGatewayHttpResolver, event: dict) -> str | None:
    """The route a request matches ("PUT /sync/{collection}/{id}"), found as the resolver finds it, for a
    request refused before routing; None when no route matches. API Gateway passes the same template as
    `routeKey` (the blueprint declares every route); the local front sends `$default`, so it is matched here.
    """
    given = event.get("routeKey") or "$default"
    if given != "$default":
        return given
    http = (event.get("requestContext") or {}).get("http") or {}
    method, path = str(http.get("method") or "").upper(), str(event.get("rawPath") or http.get("path") or "")
    for route in registered_routes(app):
        if route.method == method and route.rule.match(path):
            return route_key(route)
    return None


def create_handler(settings: Settings) -> Handler:
    """One handler per settings: its own resolver, boto3 clients and usage emitter."""
    deps = Deps.from_settings(settings)
    app = build_app(settings, deps)
    usage = UsageEmitter(settings)

    def handler(event: dict, context: object) -> dict:
        started = time.perf_counter()
        request_id = (event.get("requestContext") or {}).get("requestId")
        logger.append_keys(request_id=request_id, region=settings.region)  # every log line of this request
        app.lambda_context_route = None  # type: ignore[attr-defined]
        refused = _refuse(event, settings)
        if refused is not None:  # counted under its route, as API Gateway's routeKey would name it
            app.lambda_context_route = _route_template(app, event)  # type: ignore[attr-defined]
        response = refused or app.resolve(_as_json(event), context)
        # Which region answered: clients and the failover drill's probe see a failover as it happens.
        response.setdefault("headers", {})[SERVED_REGION_HEADER] = settings.region
        if usage.enabled:  # one line to stdout: the usage event (no AWS call)
            latency_ms = (time.perf_counter() - started) * 1000
            usage.emit(event, app.lambda_context_route, int(response.get("statusCode", 500)), latency_ms)  # type: ignore[attr-defined]
        return response

    handler.deps = deps  # type: ignore[attr-defined]  # for benchmarks that count AWS calls per route
    handler.usage = usage  # type: ignore[attr-defined]
    return handler


def _refuse(event: dict, settings: Settings) -> dict | None:
    """The error answered before routing, when the body is not one the API can take; None when it is."""
    body = event.get("body") or ""
    if len(body) > settings.max_body_bytes:
        return _plain_error(413, f"request body exceeds {settings.max_body_bytes} bytes")
    if not body:
        return None
    if not _is_json(event):  # the API speaks JSON only; form parsers never see a body
        return _plain_error(415, "send the body as Content-Type: application/json")
    text = _text(event)
    if text is None:
        return _plain_error(400, "request body is not UTF-8 JSON")
    try:
        parse_strict_json(text)
    except StrictJsonError as exc:
        return _plain_error(exc.status, exc.message)
    return None


def _media_type(event: dict) -> str:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    return (headers.get("content-type") or "application/json").split(";")[0].strip().lower()


def _is_json(event: dict) -> bool:
    """Media types are case-insensitive (RFC 9110 s.8.3.1) and `+json` types are JSON (RFC 6839)."""
    media_type = _media_type(event)
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _text(event: dict) -> str | None:
    body = event.get("body") or ""
    if not event.get("isBase64Encoded"):
        return body
    try:
        return base64.b64decode(body, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _as_json(event: dict) -> dict:
    """The event as the resolver takes it: a JSON body declared `application/json` (any JSON media type or
    casing arrives here), decoded from base64 if API Gateway encoded it."""
    if not event.get("body"):
        return event
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    headers["content-type"] = "application/json"
    return {**event, "headers": headers, "body": _text(event), "isBase64Encoded": False}


def _plain_error(status: int, message: str) -> dict:
    """An error answered before routing (the resolver never sees the request)."""
    body = {"error": CODES[status], "message": message}
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def openapi_json(settings: Settings | None = None) -> str:
    """The OpenAPI document generated from the routes (committed as openapi.json; a test checks drift)."""
    # Powertools' OpenAPI models (~0.3 s of pydantic model building), our response bodies and the route table
    # are needed to describe the API, never to serve it: imported here, not at module level, so the function
    # never loads them.
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    from backend_core.api_routes import API_ROUTES
    from mobile_api.openapi_doc import describe_responses

    settings = settings or Settings(
        region="us-east-1", table_name="openapi", endpoint_url="http://127.0.0.1:1"
    )
    app = build_app(settings)
    describe_responses(app)
    document = json.loads(
        app.get_openapi_json_schema(
            title=OPENAPI_TITLE,
            version=OPENAPI_VERSION,
            description="Mobile backend HTTP API (API Gateway HTTP API, payload v2). Every route but GET /health "
            "needs a Cognito ID token; roles come from the cognito:groups claim (consumers, providers).",
            security_schemes={
                "cognito": HTTPBearer(bearerFormat="JWT", description="Cognito user pool ID token")
            },
            security=[{"cognito": []}],
        )
    )
    # The public routes of the route table (backend_core.api_routes) carry no security requirement.
    for route in API_ROUTES.routes:
        if route.public:
            document["paths"][route.path][route.method.lower()]["security"] = []
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


_handler: Handler | None = None


def lambda_handler(event: dict, context: object) -> dict:
    global _handler
    if _handler is None:  # settings from the environment, once per execution environment
        # The Tracer is built here, not at import: constructing it loads the X-Ray SDK (~150 ms).
        handler = notifications.metrics.log_metrics(create_handler(Settings.from_env()))  # type: ignore[arg-type]
        _handler = Tracer(service="mobile-api").capture_lambda_handler(handler)
    return _handler(event, context)
