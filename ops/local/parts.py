"""The running parts of the local stack (moto, the API fronts, the stand-ins' loops, the control server) share
one shape, and the stack lists them in one place, `Parts`: what it starts there it stops and reports, so
`stop()` and `status()` cannot disagree about what runs.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol, Self, TypeVar

log = logging.getLogger("ops.local.parts")
STOP_TIMEOUT_SECONDS = 15.0
# A server's select() wakes this often to look at its shutdown flag; stop() wakes it at once by connecting, so
# this only bounds a stop whose wake-up connection failed. (At socketserver's default, 0.5 s, or the 0.1 s
# the fronts had, the five idle servers woke 40 times a second: ~0.25 % of a core, `make bench`.)
SERVER_POLL_SECONDS = 30.0


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
    `server_close`, `server_address`) on its own thread, named after the part: the API fronts, moto, the
    control server. Idle, its thread sleeps in select() for SERVER_POLL_SECONDS at a time."""

    name: str
    _thread: threading.Thread

    def _serve_on_thread(self, server: Any) -> None:
        self._served = server
        self._thread = threading.Thread(
            target=server.serve_forever, args=(SERVER_POLL_SECONDS,), name=self.name, daemon=True
        )

    def start(self) -> Any:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for serve_forever, so only when it runs
            # shutdown() sets the flag serve_forever reads after each select(): a connection ends the
            # select at once (the server closes it unanswered), instead of up to SERVER_POLL_SECONDS later.
            stopping = threading.Thread(
                target=self._served.shutdown, name=f"shutdown-{self.name}", daemon=True
            )
            stopping.start()
            deadline = time.monotonic() + SERVER_POLL_SECONDS
            while stopping.is_alive() and time.monotonic() < deadline:
                self._wake_select()
                stopping.join(timeout=0.05)
        self._served.server_close()

    def _wake_select(self) -> None:
        host, port = self._served.server_address[:2]
        try:
            with socket.create_connection((host, port), timeout=1.0):
                pass
        except OSError:  # not accepting any more: serve_forever is ending anyway
            pass

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()


class LoopPart:
    """start/stop/alive of a part that is one loop, `_run`, on its own thread named after the part and ended
    by the `_stop` event: the stand-ins' loops and the moto janitor.

    A subclass calls `super().__init__()` before anything that needs `_stop` (its `IdleWait`), does its own
    work before the loop by overriding `start()` and calling `super().start()` last, and waits at most
    `stop_timeout` seconds for the loop to end on `stop()`.
    """

    name: str
    stop_timeout: float = 10.0

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    def _run(self) -> None:
        raise NotImplementedError

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.stop_timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()
