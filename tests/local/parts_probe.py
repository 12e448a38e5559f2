"""Run by test_parts.py in its own process (the stack patches moto and sets fake credentials process-wide):
start a LocalStack on free ports, note the threads it started and the parts its status reports, stop it, and
print what is still running, as one JSON document on stdout."""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from pathlib import Path

from ops.local.config import Ports, StackConfig
from ops.local.stack import LocalStack

SETTLE_SECONDS = 5.0  # a stopped part's threads end within this (the parts' own stop timeouts are longer)


def _request_thread(thread: threading.Thread) -> bool:
    """Per-request threads of the HTTP servers: they belong to a request, not to a part, and end with it."""
    return "process_request_thread" in thread.name


def main() -> int:
    before = set(threading.enumerate())
    with tempfile.TemporaryDirectory(prefix="parts-probe-") as state_dir:
        ports = Ports(moto=0, primary=0, dr=0, public=0, control=0, live_primary=0, live_dr=0)
        stack = LocalStack(StackConfig(ports=ports, state_dir=Path(state_dir))).start()
        started = [t for t in threading.enumerate() if t not in before and not _request_thread(t)]
        status = stack.status()
        stack.stop()
        deadline = time.monotonic() + SETTLE_SECONDS
        for thread in started:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
    document = {
        "parts": stack.parts.names(),
        "components": sorted(status["components"]),
        "healthy": status["healthy"],
        "problems": status["problems"],
        "threads_started": sorted(t.name for t in started),
        "threads_left": sorted(t.name for t in started if t.is_alive()),
    }
    json.dump(document, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
