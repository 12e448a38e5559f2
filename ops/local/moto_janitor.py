"""Keeps the in-process moto from growing without bound over a long session.

moto appends every model object it ever creates (each item, stream record, queue message, object
version, shard iterator...) to a per-class `instances_tracked` list, for its web dashboard, and
never lets go. Worse, every TransactWriteItems deep-copies the whole table first, so each
transaction added a full table copy to those lists: the API benchmark grew a stack to 9 GB.
The backends hold their own references to live state, so dropping the dashboard's lists (what
moto's own reset does) frees only garbage. The local stack does not use the dashboard.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import logging
import sys
from typing import Any

from moto.core.model_instances import reset_model_data

from ops.local.idle import WaitForChange
from ops.local.parts import LoopPart

log = logging.getLogger("ops.local.moto_janitor")
IDLE_CHECK_SECONDS = 60.0  # idle, how often the janitor looks at its stop flag


def return_freed_memory() -> None:
    """Collect cycles (table copies reference themselves through their stream shard), then ask glibc
    to give freed heap back to the OS (startup parses large service models and frees them)."""
    gc.collect()
    libc_name = ctypes.util.find_library("c")
    if libc_name and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(libc_name).malloc_trim(0)


class MotoJanitor(LoopPart):
    """Drops moto's references to every model object it made, after writes (a part of the stack: `ops.local.parts.Part`)."""

    name = "moto_janitor"
    stop_timeout = 5.0

    def __init__(self, interval_seconds: float = 10.0, wait_for_change: WaitForChange | None = None) -> None:
        super().__init__()
        self.interval = interval_seconds
        self.sweeps = 0
        self._wait_for_change = wait_for_change

    def status(self) -> dict[str, Any]:
        return {"healthy": self.alive, "sweeps": self.sweeps}

    def sweep(self) -> None:
        reset_model_data()
        return_freed_memory()
        self.sweeps += 1

    def _run(self) -> None:
        seen = -1
        while not self._stop.wait(self.interval):  # at most one sweep per interval
            if self._wait_for_change is not None:
                # Only writes make garbage: idle, block until one comes (a collection costs ~0.4 s of CPU).
                while not self._stop.is_set():
                    now = self._wait_for_change(seen, IDLE_CHECK_SECONDS)
                    if now != seen:
                        seen = now
                        break
                if self._stop.is_set():
                    return
            try:
                self.sweep()
            except Exception:  # never take the stack down for housekeeping
                log.exception("moto janitor sweep failed")
