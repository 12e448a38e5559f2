"""The shared start/stop of the stack's parts (ops/local/parts.py): a loop part's thread ends on stop(), a
served part stops without waiting out its long select() timeout, and the event-source poller runs each mapping
on its own thread and skips a source whose work only a write brings when its wait saw no write."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ops.local import parts
from ops.local.parts import LoopPart, ServedPart
from ops.local.stand_ins.event_sources import EventSourcePoller


class Ticker(LoopPart):
    name = "ticker"

    def __init__(self) -> None:
        super().__init__()
        self.ticks = 0

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.ticks += 1


def test_a_loop_part_runs_until_stopped():
    ticker = Ticker()
    assert not ticker.alive
    assert ticker.start() is ticker and ticker.alive
    assert ticker._thread.name == "ticker"
    ticker.stop()
    assert not ticker.alive
    Ticker().stop()  # never started: nothing to wait for


class Server(ServedPart):
    name = "served"

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
        self._serve_on_thread(self.server)


def test_a_served_part_stops_without_waiting_out_its_select(monkeypatch):
    monkeypatch.setattr(parts, "SERVER_POLL_SECONDS", 3600.0)  # a stop that waited for select() would hang
    server = Server().start()
    assert server.alive
    stopping = threading.Thread(target=server.stop, daemon=True)
    stopping.start()
    stopping.join(timeout=20)
    assert not stopping.is_alive(), "stop() waited for the select() timeout"
    assert not server.alive


class Source:
    def __init__(self, name: str, announced: bool) -> None:
        self.name, self._announced, self.looks = name, announced, 0

    def poll_once(self) -> int:
        self.looks += 1
        return 0

    def due_in(self) -> float | None:
        return None

    def announced(self) -> bool:
        return self._announced

    def reset(self) -> None: ...

    def status(self) -> dict:
        return {}


@pytest.mark.parametrize(("changed", "stream_looks"), [(False, 1), (True, 3)])
def test_a_mapping_skips_an_announced_source_after_a_wait_without_a_write(changed, stream_looks):
    stream, queue = Source("stream", announced=True), Source("queue", announced=False)
    counter = iter(range(1, 1000))
    # Each wait ends by its timeout (no write) or by a change, as the gateway's change signal answers.
    poller = EventSourcePoller([stream, queue], lambda seen, timeout: next(counter) if changed else seen)
    for loop in poller.loops:  # each mapping's loop, run here in turn until it has waited three times
        loop.idle.base = loop.idle.cap = 0.01  # look again almost at once
        loop.idle.min_gap = 0.0
        original, waits = loop.idle.after, []

        def after(busy: bool, due_in: float | None = None, original=original, waits=waits) -> None:
            original(busy, due_in)
            waits.append(busy)
            if len(waits) >= 3:
                poller._stop.set()

        loop.idle.after = after  # type: ignore[method-assign]
        loop.run()
        poller._stop.clear()
    assert queue.looks == 3  # a queue's delayed message wakes nobody: looked at every time
    assert stream.looks == stream_looks  # the first look, then only after a wait that saw a write


class Blocking(Source):
    """A source whose look blocks until released (a slow function, a long batch)."""

    def __init__(self, name: str) -> None:
        super().__init__(name, announced=False)
        self.inside, self.release = threading.Event(), threading.Event()

    def poll_once(self) -> int:
        self.inside.set()
        self.release.wait(30)
        return super().poll_once()


def _eventually(condition, what: str) -> None:
    deadline = threading.Event()
    for _ in range(2000):
        if condition():
            return
        deadline.wait(0.01)
    raise AssertionError(f"never: {what}")


def test_each_mapping_runs_on_its_own_thread_and_the_lock_holds_them_all():
    """Lambda polls each mapping independently: one blocked in a slow batch holds up no other; the stack's
    reset (`poller.lock`) waits for every look in progress and holds every mapping while it runs."""
    slow, quick = Blocking("slow"), Source("quick", announced=False)
    poller = EventSourcePoller([slow, quick], None)
    for loop in poller.loops:
        loop.idle.base = loop.idle.cap = loop.idle.unwatched = 0.01
    poller.start()
    try:
        assert slow.inside.wait(10)
        before = quick.looks
        _eventually(lambda: quick.looks >= before + 3, "the quick mapping looked while the slow one was busy")
        assert poller.status()["threads"] == 2 and poller.status()["healthy"]
        assert {t.name for t in poller._threads} == {"event_sources-slow", "event_sources-quick"}
        taken = threading.Event()

        def reset() -> None:
            with poller.lock:
                taken.set()

        resetting = threading.Thread(target=reset, daemon=True)
        resetting.start()
        assert not taken.wait(0.2)  # the slow mapping's look is in progress: the reset waits for it
        slow.release.set()
        assert taken.wait(10)
        resetting.join(10)
        with poller.lock:  # held: no mapping looks
            held = (slow.looks, quick.looks)
            threading.Event().wait(0.1)
            assert (slow.looks, quick.looks) == held
    finally:
        slow.release.set()
        poller.stop()
    assert not poller.alive
