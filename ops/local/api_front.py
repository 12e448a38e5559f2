"""Stand-in for API Gateway's HTTP API in front of the Lambda handler, one per region.

For each request: 503 when the region is marked down (drill knob); `/health` passes without a
token; every other route needs a valid Cognito JWT (401 from the front otherwise, the handler
never runs); the payload-2.0 event is built with `requestContext.authorizer.jwt.claims`; the
handler runs in-process in one of the function's execution environments and its response is mapped back to
HTTP. The stage's throttle (429) and the function's reserved concurrency are the env's (ops/local/throttle.py).
"""

from __future__ import annotations

import base64
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from backend_core.api_routes import API_ROUTES
from mobile_api.errors import CODES  # the API's error codes: the front answers in the same shape
from ops.env.api_limits import ApiLimits
from ops.local import cors
from ops.local.config import ACCOUNT_ID, HOST
from ops.local.jwt_auth import AuthError, JwtVerifier, api_gateway_claims
from ops.local.parts import ServedPart
from ops.local.request_log import log_request
from ops.local.throttle import (
    LAMBDA_THROTTLED_BODY,
    THROTTLED_BODY,
    ExecutionEnvironments,
    FunctionThrottled,
    TokenBucket,
)

log = logging.getLogger("ops.local.api_front")

Handler = Callable[[dict, Any], Any]
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's request payload limit
_TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded", "application/xml")


@dataclass
class LocalLambdaContext:
    """The attributes of Lambda's context object that handlers (and Powertools) read."""

    function_name: str
    region: str
    timeout_seconds: float = 29.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.invoked_function_arn = f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = f"local/{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class RegionApp:
    """One region's API: its stage throttle, and its function with the execution environments it may have.

    `build` makes one more execution environment (a handler, a cold start); without it the function has
    only `handler`, one request at a time. `limits` are the env's (ops/env/api_limits.py): the stage's token
    bucket and the function's reserved concurrency; None = neither (no throttle, unreserved).
    """

    def __init__(
        self,
        label: str,
        region: str,
        handler: Handler,
        function_name: str,
        build: Callable[[], Handler] | None = None,
        limits: ApiLimits | None = None,
    ) -> None:
        self.label = label  # "primary" or "dr"
        self.region = region
        self.handler = handler
        self.function_name = function_name
        self.up = True  # the region-down drill knob
        self._build = build
        self.limits: ApiLimits | None = None
        self.bucket: TokenBucket | None = None
        self.environments = ExecutionEnvironments(self._build_environment, 1, first=handler)
        self.set_limits(limits)

    def _build_environment(self) -> Handler:
        if self._build is None:
            raise FunctionThrottled("this function has one execution environment")
        return self._build()

    def set_limits(self, limits: ApiLimits | None) -> None:
        """Apply an env's limits now (a fresh, full bucket; environments beyond a lowered reservation retire as
        they finish)."""
        self.limits = limits
        self.bucket = TokenBucket(limits.rate_limit, limits.burst_limit) if limits else None
        reserved = limits.reserved_concurrency if limits else None
        self.environments.limit = 1 if self._build is None else reserved

    def admit(self) -> bool:
        """The stage's throttle: False when the token bucket is empty (429)."""
        return self.bucket is None or self.bucket.take()

    def invoke(self, event: dict) -> Any:
        """Run the event in a free execution environment; FunctionThrottled when none may be had."""
        handler = self.environments.acquire()
        try:
            return handler(event, LocalLambdaContext(self.function_name, self.region))
        finally:
            self.environments.release(handler)

    def status(self) -> dict[str, Any]:
        return {
            "limits": self.limits.describe() if self.limits else "none",
            "throttled_by_stage": self.bucket.throttled if self.bucket else 0,
            **self.environments.status(),
        }


class _FrontServer(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: under load, connections beyond it are reset before the front
    # can answer (an API Gateway endpoint never drops them; it answers 429 or 5xx). The kernel caps it anyway.
    request_queue_size = 1024


class ApiFront(ServedPart):
    """An HTTP server on 127.0.0.1 that routes each request to the RegionApp `route()` picks."""

    def __init__(
        self, name: str, port: int, verifier: JwtVerifier | None, route: Callable[[], RegionApp | None]
    ) -> None:
        self.name = f"front.{name}"  # its part name (ops.local.parts); `label` is the front's own
        self.label = name
        self.verifier = verifier
        self.route = route
        self.requests = 0
        self.cors_origins: tuple[str, ...] = ()  # the env's cors_allowed_origins (ops/local/cors.py)
        self.server = _FrontServer((HOST, port), _make_request_handler(self))
        self.server.daemon_threads = True
        self._serve_on_thread(self.server)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def status(self) -> dict[str, Any]:
        """Healthy only while it serves: its thread runs and the region it routes to is up."""
        target = self.route()
        serving = self.alive and target is not None and target.up
        return {
            "healthy": serving,
            "url": self.url,
            "requests": self.requests,
            "serves": target.label if serving and target is not None else None,
            **({"function": target.status()} if serving and target is not None else {}),
            **({} if serving else {"reason": "thread stopped" if not self.alive else "region down"}),
        }


def build_event(
    method: str,
    raw_path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    claims: dict | None,
    app: RegionApp,
) -> dict:
    """An HTTP API payload-2.0 event, as API Gateway sends it to the function."""
    now = datetime.now(UTC)
    params: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        params[key] = f"{params[key]},{value}" if key in params else value  # repeated keys are comma-joined
    content_type = headers.get("content-type", "")
    is_text = not body or content_type.startswith(_TEXT_TYPES)
    if is_text:
        try:
            body_text, encoded = body.decode("utf-8"), False
        except UnicodeDecodeError:
            body_text, encoded = base64.b64encode(body).decode(), True
    else:
        body_text, encoded = base64.b64encode(body).decode(), True
    request_context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": f"local-{app.label}",
        "domainName": headers.get("host", HOST),
        "domainPrefix": f"local-{app.label}",
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": "$default",
        "stage": "$default",
        "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now.timestamp() * 1000),
    }
    if claims is not None:
        request_context["authorizer"] = {"jwt": {"claims": api_gateway_claims(claims), "scopes": None}}
    cookies = [c.strip() for c in headers.get("cookie", "").split(";") if c.strip()]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": {k: v for k, v in headers.items() if k != "cookie"},
        "requestContext": request_context,
        "isBase64Encoded": encoded,
    }
    if cookies:
        event["cookies"] = cookies
    if params:
        event["queryStringParameters"] = params
    if body:
        event["body"] = body_text
    return event


def map_response(result: Any) -> tuple[int, dict[str, str], list[str], bytes]:
    """Payload-2.0 response -> (status, headers, cookies, body), with API Gateway's defaults."""
    if not (isinstance(result, dict) and "statusCode" in result):
        # A bare value means 200 with that value as JSON, as API Gateway infers it.
        body = result if isinstance(result, str) else json.dumps(result)
        return 200, {"content-type": "application/json"}, [], body.encode()
    status = result["statusCode"]
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError(f"handler returned an invalid statusCode: {status!r}")
    headers = {str(k).lower(): str(v) for k, v in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[str(name).lower()] = ",".join(str(v) for v in values)
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    headers.setdefault("content-type", "application/json")
    return status, headers, list(result.get("cookies") or []), body


def _make_request_handler(front: ApiFront) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        server_version = "local-api-front"
        sys_version = ""

        def do_GET(self) -> None:
            self._serve()

        do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s %s", front.label, format % args)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """Protocol errors (a malformed request line, an unknown method, a URI or headers too long)
            in the API's JSON error shape, not http.server's HTML page: the app parses every answer as JSON."""
            reason = (message or self.responses.get(code, ("error",))[0]).strip()
            body = json.dumps({"error": CODES.get(code, "bad_request"), "message": reason}).encode()
            self.close_connection = True
            try:
                self.send_response(code, reason)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.send_header("connection", "close")
                self.end_headers()
                if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                    self.wfile.write(body)
            except OSError:
                pass  # the client went away: nothing to answer

        def _send(
            self,
            status: int,
            document: dict | bytes,
            headers: dict[str, str] | None = None,
            cookies: list[str] | None = None,
        ) -> None:
            body = document if isinstance(document, bytes) else json.dumps(document).encode()
            self.send_response(status)
            self._status = status
            extra = cors.response_headers(self._lower_headers(), front.cors_origins)
            for name, value in {**(headers or {"content-type": "application/json"}), **extra}.items():
                self.send_header(name, value)
            for cookie in cookies or []:
                self.send_header("set-cookie", cookie)
            self.send_header("content-length", str(len(body)))
            self.send_header("apigw-requestid", self._request_id)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _lower_headers(self) -> dict[str, str]:
            return {name.lower(): value for name, value in self.headers.items()}

        def _serve(self) -> None:
            started = time.perf_counter()
            self._request_id, self._status = str(uuid.uuid4()), 0
            try:
                self._answer()
            finally:
                path = urlsplit(self.path).path
                log_request(
                    front.label,
                    self.command,
                    path,
                    self._status,
                    time.perf_counter() - started,
                    self._request_id,
                )

        def _answer(self) -> None:
            front.requests += 1
            app = front.route()
            if app is None or not app.up:
                self._send(
                    503, {"error": "region_unavailable", "message": "this region is down (drill knob)"}
                )
                return
            if not app.admit():  # the stage's throttle comes before the authorizer and the function
                self._send(429, THROTTLED_BODY)
                return
            if cors.is_preflight(
                self.command, self._lower_headers()
            ):  # API Gateway answers it, no authorizer
                self.send_response(204)
                self._status = 204
                for name, value in cors.preflight_headers(self._lower_headers(), front.cors_origins).items():
                    self.send_header(name, value)
                self.send_header("content-length", "0")
                self.send_header("apigw-requestid", self._request_id)
                self.end_headers()
                return
            length = self.headers.get("content-length")
            if self.headers.get("transfer-encoding", "").lower() == "chunked":
                self._send(411, {"error": "length_required", "message": "send a Content-Length, not chunked"})
                return
            try:
                size = int(length or 0)
            except ValueError:
                self._send(400, {"error": "bad_request", "message": "invalid Content-Length"})
                return
            if size > MAX_PAYLOAD_BYTES:
                self._send(413, {"error": CODES[413], "message": "request body over 10 MB"})
                return
            body = self.rfile.read(size) if size > 0 else b""
            parts = urlsplit(self.path)
            headers: dict[str, str] = {}
            for name, value in self.headers.items():
                key = name.lower()
                headers[key] = f"{headers[key]},{value}" if key in headers else value
            claims = None
            if not API_ROUTES.is_public_path(parts.path):  # routes without an authorizer
                if front.verifier is None:
                    self._send(503, {"error": "starting", "message": "the front is still starting"})
                    return
                try:
                    claims = front.verifier.verify(headers.get("authorization"))
                except Exception as exc:  # any token, however odd, is a 401: never a dropped connection
                    if not isinstance(exc, AuthError):
                        log.exception("%s: token check failed unexpectedly", front.label)
                    message = str(exc) if isinstance(exc, AuthError) else "invalid token"
                    self._send(
                        401,
                        {"error": "unauthorized", "message": message},
                        {"content-type": "application/json", "www-authenticate": "Bearer"},
                    )
                    return
            event = build_event(self.command, parts.path, parts.query, headers, body, claims, app)
            try:
                status, out_headers, cookies, out_body = map_response(app.invoke(event))
            except (
                FunctionThrottled
            ):  # Lambda refused the invoke: API Gateway answers 500 (ops/local/throttle.py)
                log.warning("%s: function throttled (reserved concurrency reached)", front.label)
                self._send(500, LAMBDA_THROTTLED_BODY)
                return
            except Exception:
                log.exception("%s: handler failed on %s %s", front.label, self.command, parts.path)
                self._send(500, {"message": "Internal Server Error"})
                return
            self._send(status, out_body, out_headers, cookies)

    return RequestHandler
