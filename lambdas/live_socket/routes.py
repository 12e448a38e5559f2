"""The live channel's routes, as API Gateway's WebSocket API invokes them (terraform/modules/live).

- The `$connect` REQUEST authorizer (`authorize`): the Cognito token from the `Authorization: Bearer` header
  (native apps) or the `token` query parameter (browsers cannot set headers on a WebSocket); a bad or missing
  token raises "Unauthorized" (API Gateway answers 401, no upgrade); a `channel` query parameter other than the
  caller's own (`users/<sub>`) is a Deny policy (403). The context (`sub`, `channel`) rides on every later
  event of the connection as `requestContext.authorizer`.
- `$connect`: the connection is recorded under the user (backend_core/live_connections.py), in this region.
- `$disconnect`: it is forgotten.
- `$default`: the client's frames, JSON `{"action": "ping"}` (answers `{"type": "pong"}`) or `{"action":
  "subscribe", "channel": "users/<sub>"}` (answers `{"type": "subscribed", "channel"}` for the caller's own
  channel, `{"type": "error", "error": "forbidden", ...}` for any other: a connection only ever receives its
  own user's events). Anything else answers `{"type": "error", "error": "bad_request", "message"}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from backend_core.live_connections import LiveConnection, LiveConnectionStore
from live_socket.tokens import TokenRefused, TokenVerifier

CHANNEL_PREFIX = "users/"
MAX_FRAME_BYTES = 32 * 1024  # API Gateway's WebSocket frame size quota


class Unauthorized(Exception):
    """Raised with the exact message "Unauthorized": API Gateway answers 401 to the handshake."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


def own_channel(sub: str) -> str:
    return f"{CHANNEL_PREFIX}{sub}"


def token_of(event: dict[str, Any]) -> str | None:
    """The token of a $connect request: `Authorization: Bearer <jwt>` first, else `?token=<jwt>`."""
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    scheme, _, value = str(headers.get("authorization") or "").strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return (event.get("queryStringParameters") or {}).get("token") or None


def policy(principal: str, effect: str, resource: str, context: dict[str, str]) -> dict[str, Any]:
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
        "context": context,
    }


@dataclass
class LiveRoutes:
    verifier: Callable[[], TokenVerifier]  # built on first use (it reads the SSM parameter)
    connections: LiveConnectionStore
    region: str
    log: Callable[[str, dict[str, Any]], None] = lambda message, extra: None

    # ---- $connect authorizer ------------------------------------------------------------------------------
    def authorize(self, event: dict[str, Any]) -> dict[str, Any]:
        try:
            claims = self.verifier().verify(token_of(event))
        except TokenRefused as exc:
            self.log("connection refused", {"reason": str(exc)})
            raise Unauthorized() from exc
        sub = str(claims["sub"])
        asked = (event.get("queryStringParameters") or {}).get("channel")
        effect = "Allow" if asked in (None, own_channel(sub)) else "Deny"
        if effect == "Deny":
            self.log("connection to another user's channel denied", {})
        return policy(
            sub, effect, str(event.get("methodArn", "*")), {"sub": sub, "channel": own_channel(sub)}
        )

    # ---- routes -------------------------------------------------------------------------------------------
    def route(self, event: dict[str, Any]) -> dict[str, Any]:
        context = event.get("requestContext") or {}
        kind = context.get("eventType")
        sub = str((context.get("authorizer") or {}).get("sub") or "")
        connection_id = str(context.get("connectionId") or "")
        if not sub or not connection_id:  # only the authorizer lets a connection in: a wiring error
            return {"statusCode": 403, "body": "Forbidden"}
        if kind == "CONNECT":
            self.connections.add(
                LiveConnection(
                    sub, self.region, connection_id, datetime.now(UTC).isoformat(timespec="seconds")
                )
            )
            return {"statusCode": 200}
        if kind == "DISCONNECT":
            self.connections.remove(sub, self.region, connection_id)
            return {"statusCode": 200}
        return {"statusCode": 200, "body": json.dumps(self.message(sub, event.get("body")))}

    def message(self, sub: str, body: Any) -> dict[str, Any]:
        """The answer to one client frame (sent back on the same connection by the route response)."""
        if not isinstance(body, str) or len(body.encode()) > MAX_FRAME_BYTES:
            return _error("bad_request", "frames are JSON text of at most 32 KB")
        try:
            frame = json.loads(body)
        except ValueError:
            return _error("bad_request", "a frame must be a JSON object")
        if not isinstance(frame, dict):
            return _error("bad_request", "a frame must be a JSON object")
        action = frame.get("action")
        if action == "ping":
            return {"type": "pong"}
        if action == "subscribe":
            channel = frame.get("channel")
            if channel == own_channel(sub):
                return {"type": "subscribed", "channel": channel}
            return _error("forbidden", f"a connection receives only its own channel, {own_channel(sub)}")
        return _error("bad_request", "action must be 'ping' or 'subscribe'")


def _error(code: str, message: str) -> dict[str, str]:
    return {"type": "error", "error": code, "message": message}
