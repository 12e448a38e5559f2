"""The running parts of the local stack (moto, the API fronts, the stand-ins' loops, the control server) share
one shape, and the stack lists them in one place, `Parts`: what it starts there it stops and reports, so
`stop()` and `status()` cannot disagree about what runs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

log = logging.getLogger("ops.local.parts")
STOP_TIMEOUT_SECONDS = 15.0


class Part(Protocol):
    """A part of the stack with its own thread(s).

    `name` is its key in the status document's `components` and the name (or the prefix, before a `-`) of
    every thread it starts. `status()` is that component's document: `{"healthy": bool, ...details}`, with
    `reason` or `crashed` saying why when it is not healthy. `stop()` returns once its threads have ended
    (or its own timeout passed) and is safe to call on a part that never started.
    """

    name: str

    @property
    def alive(self) -> bool: ...

    def start(self) -> Any: ...

    def stop(self) -> None: ...

    def status(self) -> dict[str, Any]: ...


P = TypeVar("P", bound=Part)


class Parts:
    """The stack's one list of running parts, in start order."""

    def __init__(self) -> None:
        self._parts: dict[str, Part] = {}
        self._lock = threading.Lock()

    def start(self, part: P) -> P:
        """Register `part`, then start it (registered first: a part that fails half-way is still stopped)."""
        with self._lock:
            if part.name in self._parts:
                raise ValueError(f"a part named {part.name!r} is already running")
            self._parts[part.name] = part
        part.start()
        return part

    def __iter__(self) -> Iterator[Part]:
        with self._lock:
            return iter(list(self._parts.values()))

    def names(self) -> list[str]:
        with self._lock:
            return list(self._parts)

    def stop(self, wake: Callable[[], None] = lambda: None) -> None:
        """Stop every part at once (each stop waits for its loop); `wake` rouses loops blocked on a change."""
        threads = [
            threading.Thread(target=_stop_quietly, args=(part,), name=f"stop-{part.name}", daemon=True)
            for part in self
        ]
        for thread in threads:
            thread.start()
        wake()
        for thread in threads:
            thread.join(timeout=STOP_TIMEOUT_SECONDS)

    def status(self) -> dict[str, dict[str, Any]]:
        """name -> the part's component document; a part whose status fails is reported unhealthy, not lost."""
        components: dict[str, dict[str, Any]] = {}
        for part in self:
            try:
                components[part.name] = part.status()
            except Exception as exc:  # one broken status must not hide the others
                log.exception("status of %s failed", part.name)
                components[part.name] = {"healthy": False, "reason": f"status failed: {type(exc).__name__}"}
        return components


def _stop_quietly(part: Part) -> None:
    try:
        part.stop()
    except Exception:  # keep stopping the rest
        log.exception("stopping %s failed", part.name)


class ServedPart:
    """start/stop/alive of a part that is one socketserver-style server (`serve_forever`, `shutdown`,
    `server_close`) on its own thread, named after the part: the API fronts, moto, the control server."""

    name: str
    _thread: threading.Thread

    def _serve_on_thread(self, server: Any, poll_seconds: float) -> None:
        self._served = server
        self._thread = threading.Thread(
            target=server.serve_forever, args=(poll_seconds,), name=self.name, daemon=True
        )

    def start(self) -> Any:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for serve_forever, so only when it runs
            self._served.shutdown()
        self._served.server_close()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()
