"""A small client of the live channel (what an app does), for the demo, the benchmark and the tests:
connect with a Cognito token (query parameter, as browsers must), send frames, wait for events.

    with live_connect(url, token) as live:
        live.subscribe(sub)            # {"type": "subscribed", ...} or {"type": "error", ...}
        event = live.next_event(timeout=30)

`Refused.status` is the handshake's HTTP status (401 bad token, 403 another user's channel, 503 region down).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect


class Refused(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"handshake refused: {status} {body}")
        self.status, self.body = status, body


class LiveClient:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    def send(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Send one frame; answer the route's reply (the next frame that is not an event)."""
        self.connection.send(json.dumps(frame))
        while True:
            reply = json.loads(self.connection.recv(timeout=30))
            if reply.get("type") not in ("notification", "message", "read"):
                return reply
            self.pending.append(reply)

    def subscribe(self, sub: str) -> dict[str, Any]:
        return self.send({"action": "subscribe", "channel": f"users/{sub}"})

    def next_event(self, timeout: float = 30.0) -> dict[str, Any]:
        """The next event (TimeoutError when none comes within `timeout` seconds)."""
        if self.pending:
            return self.pending.pop(0)
        return json.loads(self.connection.recv(timeout=timeout))

    @property
    def pending(self) -> list[dict[str, Any]]:
        if not hasattr(self, "_pending"):
            self._pending: list[dict[str, Any]] = []
        return self._pending


def connect_url(url: str, token: str | None, channel: str | None = None) -> str:
    query = {k: v for k, v in (("token", token), ("channel", channel)) if v}
    return f"{url}/?{urlencode(query)}" if query else f"{url}/"


@contextmanager
def live_connect(url: str, token: str | None, channel: str | None = None) -> Iterator[LiveClient]:
    try:
        opened = connect(connect_url(url, token, channel), open_timeout=30, compression=None)
    except InvalidStatus as exc:
        raise Refused(exc.response.status_code, (exc.response.body or b"").decode(errors="replace")) from exc
    with opened as connection:
        yield LiveClient(connection)
