"""Stand-in for API Gateway's WebSocket API (the live channel, terraform/modules/live), one per region.

The WebSocket side (`ws://127.0.0.1:<port>/`, the `websockets` library) does what API Gateway does with the
routes of modules/live:
- the handshake: 503 while the region is down; the `$connect` REQUEST authorizer runs first (the in-process
  `live_socket` function with API Gateway's authorizer event: headers, query string, `methodArn`); an
  exception "Unauthorized" answers 401, a Deny policy 403, any other failure 500, each *before* the upgrade,
  as API Gateway does; then the `$connect` route (a non-2xx status refuses the upgrade with it); the
  authorizer's context rides on every later event as `requestContext.authorizer`;
- each text frame is the `$default` route's event; the function's `body` is sent back (the route response);
- a closed connection is the `$disconnect` route's event.
The management side (`http://127.0.0.1:<port>/@connections/{id}`, another port: API Gateway serves both on
one host) is what `apigatewaymanagementapi` calls: POST sends the body as one frame (128 KB at most: 413
`PayloadTooLargeException`), DELETE closes, GET describes; an id it does not hold answers 410 `GoneException`.
A region down answers 503 there too. Differs from AWS (ops/local/README.md): no SigV4 check of management
calls, no 10-minute idle timeout or 2-hour connection limit, one function invocation at a time per region.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from ops.local.api_front import LocalLambdaContext
from ops.local.config import ACCOUNT_ID, HOST
from ops.local.parts import SERVER_POLL_SECONDS

log = logging.getLogger("ops.local.live_front")
Handler = Callable[[dict, Any], Any]
STAGE = "live"
MAX_MESSAGE_BYTES = 128 * 1024  # API Gateway: WebSocket message payload size
_CONNECTIONS_PATH = re.compile(r"/@connections/([^/]+)$")


@dataclass
class _Connection:
    socket: ServerConnection
    connection_id: str
    authorizer: dict[str, Any]
    source_ip: str
    user_agent: str
    connected_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    last_active_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def new_connection_id() -> str:
    """An id shaped like API Gateway's (base64 of 10 random bytes, e.g. "L0SM9cOFvHcCIhw=")."""
    return base64.b64encode(os.urandom(10)).decode()


class LiveFront:
    """One region's WebSocket API: a Part of the stack (ops/local/parts.py)."""

    def __init__(
        self,
        label: str,
        region: str,
        port: int,
        handler: Callable[[], Handler | None],
        function_name: str,
        is_up: Callable[[], bool],
    ) -> None:
        self.name = f"live-{label}"
        self.label, self.region, self.function_name = label, region, function_name
        self._handler, self._is_up = handler, is_up
        self.api_id = f"local{label}"
        self._lock = threading.Lock()  # one invocation at a time (the function's one execution environment)
        self._connections: dict[str, _Connection] = {}
        self._held = threading.Lock()
        self.connects = self.refused = self.messages = self.posts = 0
        self._ws: Server = serve(
            self._serve_connection,
            HOST,
            port,
            process_request=self._handshake,
            compression=None,
            ping_interval=None,
            max_size=MAX_MESSAGE_BYTES,
            server_header=None,
        )
        self._http = ThreadingHTTPServer((HOST, 0), _management_handler(self))
        self._http.daemon_threads = True
        self._threads = [
            threading.Thread(target=self._ws.serve_forever, name=self.name, daemon=True),
            threading.Thread(
                target=self._http.serve_forever,
                args=(SERVER_POLL_SECONDS,),
                name=f"{self.name}-manage",
                daemon=True,
            ),
        ]

    # ---- where ---------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"ws://{HOST}:{self._ws.socket.getsockname()[1]}"

    @property
    def connections_url(self) -> str:
        """The management endpoint (`https://<api id>.execute-api.<region>.amazonaws.com/<stage>` in AWS)."""
        return f"http://{HOST}:{self._http.server_address[1]}/{STAGE}"

    # ---- Part ----------------------------------------------------------------------------------------------
    def start(self) -> LiveFront:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        for connection in list(self._connections.values()):
            connection.socket.close()
        self._ws.shutdown()
        stopping = threading.Thread(target=self._http.shutdown, daemon=True)
        stopping.start()
        stopping.join(timeout=SERVER_POLL_SECONDS + 1)
        self._http.server_close()

    @property
    def alive(self) -> bool:
        return all(t.is_alive() for t in self._threads)

    def status(self) -> dict[str, Any]:
        return {
            "healthy": self.alive and self._is_up(),
            "reason": None if self._is_up() else f"region {self.label} is down",
            "url": self.url,
            "connections_url": self.connections_url,
            "open_connections": len(self._connections),
            "connects": self.connects,
            "refused": self.refused,
            "messages": self.messages,
            "posts": self.posts,
        }

    def reset(self) -> None:
        for connection in list(self._connections.values()):
            connection.socket.close()
        self.connects = self.refused = self.messages = self.posts = 0

    # ---- invoking the function -----------------------------------------------------------------------------
    def _invoke(self, event: dict) -> Any:
        handler = self._handler()
        if handler is None:
            raise RuntimeError("live_socket is not built yet")
        with self._lock:
            return handler(event, LocalLambdaContext(self.function_name, self.region))

    def _context(self, connection_id: str, route: str, event_type: str, **more: Any) -> dict[str, Any]:
        now = datetime.now(UTC)
        return {
            "routeKey": route,
            "eventType": event_type,
            "connectionId": connection_id,
            "apiId": self.api_id,
            "stage": STAGE,
            "domainName": f"{HOST}",
            "requestId": base64.b64encode(os.urandom(6)).decode(),
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "messageDirection": "IN",
            **more,
        }

    # ---- the handshake: authorizer, then $connect, before the upgrade --------------------------------------
    def _handshake(self, socket: ServerConnection, request: Request) -> Response | None:
        if not self._is_up():
            self.refused += 1
            return _json_response(socket, 503, {"message": "Service Unavailable"})
        parts = urlsplit(request.path)
        query = dict(parse_qsl(parts.query)) or None
        headers = {name: value for name, value in request.headers.raw_items()}
        connection_id = new_connection_id()
        source_ip = str(socket.remote_address[0]) if socket.remote_address else ""
        identity = {"sourceIp": source_ip, "userAgent": request.headers.get("User-Agent", "")}
        route_arn = f"arn:aws:execute-api:{self.region}:{ACCOUNT_ID}:{self.api_id}/{STAGE}/$connect"
        context = self._context(connection_id, "$connect", "CONNECT", identity=identity)
        try:
            decision = self._invoke(
                {
                    "type": "REQUEST",
                    "methodArn": route_arn,
                    "headers": headers,
                    "queryStringParameters": query,
                    "requestContext": context,
                }
            )
        except Exception as exc:
            self.refused += 1
            if str(exc) == "Unauthorized":
                return _json_response(socket, 401, {"message": "Unauthorized"})
            log.exception("%s: the $connect authorizer failed", self.name)
            return _json_response(socket, 500, {"message": "Internal Server Error"})
        if not _allows(decision, route_arn):
            self.refused += 1
            return _json_response(socket, 403, {"message": "Forbidden"})
        authorizer = {"principalId": decision.get("principalId"), **(decision.get("context") or {})}
        try:
            answer = self._invoke(
                {
                    "headers": headers,
                    "queryStringParameters": query,
                    "requestContext": {**context, "authorizer": authorizer},
                    "isBase64Encoded": False,
                }
            )
            status = int((answer or {}).get("statusCode", 200))
        except Exception:
            log.exception("%s: the $connect route failed", self.name)
            status = 500
        if not 200 <= status < 300:
            self.refused += 1
            return _json_response(socket, status, {"message": "Forbidden" if status == 403 else "Refused"})
        socket.live = _Connection(  # type: ignore[attr-defined]
            socket, connection_id, authorizer, source_ip, identity["userAgent"]
        )
        return None

    def _serve_connection(self, socket: ServerConnection) -> None:
        connection: _Connection = socket.live  # type: ignore[attr-defined]
        with self._held:
            self._connections[connection.connection_id] = connection
        self.connects += 1
        try:
            for frame in socket:
                connection.last_active_at = datetime.now(UTC)
                self.messages += 1
                body = frame if isinstance(frame, str) else base64.b64encode(frame).decode()
                event = {
                    "body": body,
                    "isBase64Encoded": not isinstance(frame, str),
                    "requestContext": {
                        **self._context(connection.connection_id, "$default", "MESSAGE"),
                        "authorizer": connection.authorizer,
                    },
                }
                try:
                    answer = self._invoke(event) or {}
                except Exception:
                    log.exception("%s: the $default route failed", self.name)
                    socket.send(json.dumps({"message": "Internal server error"}))
                    continue
                if answer.get("body") is not None:
                    socket.send(str(answer["body"]))
        except ConnectionClosed:
            pass
        finally:
            with self._held:
                self._connections.pop(connection.connection_id, None)
            self._disconnect(connection)

    def _disconnect(self, connection: _Connection) -> None:
        event = {
            "requestContext": {
                **self._context(connection.connection_id, "$disconnect", "DISCONNECT"),
                "authorizer": connection.authorizer,
                "disconnectStatusCode": 1000,
            }
        }
        try:
            self._invoke(event)
        except Exception as exc:  # API Gateway calls $disconnect best-effort, too
            log.warning("%s: the $disconnect route failed: %s", self.name, exc)

    # ---- the management API (what live_delivery calls) ----------------------------------------------------
    def manage(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if not self._is_up():
            return (
                503,
                {"x-amzn-ErrorType": "ServiceUnavailableException"},
                b'{"message":"Service Unavailable"}',
            )
        match = _CONNECTIONS_PATH.search(path)
        if not match:
            return 404, {"x-amzn-ErrorType": "NotFoundException"}, b'{"message":"Not Found"}'
        connection = self._connections.get(unquote(match.group(1)))
        if connection is None:
            return 410, {"x-amzn-ErrorType": "GoneException"}, b'{"message":null}'
        if method == "POST":
            if len(body) > MAX_MESSAGE_BYTES:
                return (
                    413,
                    {"x-amzn-ErrorType": "PayloadTooLargeException"},
                    b'{"message":"Payload too large"}',
                )
            try:
                text = body.decode()
            except UnicodeDecodeError:
                text = None
            try:
                connection.socket.send(text if text is not None else body)
            except ConnectionClosed:
                return 410, {"x-amzn-ErrorType": "GoneException"}, b'{"message":null}'
            self.posts += 1
            return 200, {}, b""
        if method == "DELETE":
            connection.socket.close()
            return 204, {}, b""
        if method == "GET":
            doc = {
                "ConnectedAt": connection.connected_at.isoformat(timespec="milliseconds").replace(
                    "+00:00", "Z"
                ),
                "LastActiveAt": connection.last_active_at.isoformat(timespec="milliseconds").replace(
                    "+00:00", "Z"
                ),
                "Identity": {"SourceIp": connection.source_ip, "UserAgent": connection.user_agent},
            }
            return 200, {}, json.dumps(doc).encode()
        return 405, {"x-amzn-ErrorType": "MethodNotAllowedException"}, b'{"message":"Method Not Allowed"}'


def _allows(decision: Any, route_arn: str) -> bool:
    """Does the authorizer's policy allow execute-api:Invoke on this route? (Explicit Deny wins.)"""
    if not isinstance(decision, dict):
        return False
    statements = (decision.get("policyDocument") or {}).get("Statement") or []
    allowed = False
    for statement in statements if isinstance(statements, list) else [statements]:
        resources = statement.get("Resource")
        resources = resources if isinstance(resources, list) else [resources]
        if not any(
            r in ("*", route_arn) or (isinstance(r, str) and _arn_match(r, route_arn)) for r in resources
        ):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def _arn_match(pattern: str, arn: str) -> bool:
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), arn) is not None


def _json_response(socket: ServerConnection, status: int, body: dict) -> Response:
    response = socket.respond(status, json.dumps(body))
    response.headers["Content-Type"] = "application/json"
    return response


def _management_handler(front: LiveFront) -> type[BaseHTTPRequestHandler]:
    class ManagementHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            started = time.perf_counter()
            size = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(size) if size > 0 else b""
            status, headers, out = front.manage(self.command, urlsplit(self.path).path, body)
            self.send_response(status)
            for name, value in {"content-type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
            log.debug(
                "%s: %s %s %d %.1fms",
                front.name,
                self.command,
                self.path,
                status,
                (time.perf_counter() - started) * 1000,
            )

        do_GET = do_POST = do_DELETE = _answer

    return ManagementHandler
