"""The stack's running parts are listed once (ops/local/parts.py): what it starts it stops and reports, and the
control client can be imported without the server, the stack or moto."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ops.local.parts import Parts

REPO = Path(__file__).resolve().parents[2]


def _run_python(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "lambdas")])}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=timeout
    )


def _owner(thread_name: str, parts: list[str]) -> str | None:
    """The part a thread belongs to: its name is the part's, or starts with the part's and a `-`."""
    return next((p for p in parts if thread_name == p or thread_name.startswith(f"{p}-")), None)


@pytest.mark.integration
@pytest.mark.slow
def test_every_part_the_stack_starts_is_reported_by_status_and_stopped_by_stop():
    """A part started outside `self.parts` fails this: its thread is owned by no component, and it is still
    running after stop() (as the TTL sweeper, the janitor and the archive tiers were before the registry)."""
    probe = _run_python("-m", "tests.local.parts_probe")
    assert probe.returncode == 0, probe.stderr[-3000:]
    found = json.loads(probe.stdout)
    assert found["healthy"], found["problems"]
    assert found["components"] == sorted(found["parts"])
    unowned = [name for name in found["threads_started"] if _owner(name, found["parts"]) is None]
    assert unowned == [], f"threads the stack started that no reported part owns: {unowned}"
    assert found["threads_left"] == [], f"still running after stop(): {found['threads_left']}"
    for part in (
        "moto",
        "front.public",
        "replicator",
        "event_sources",
        "ttl_sweeper",
        "moto_janitor",
        "control",
    ):
        assert part in found["parts"]


def test_the_control_client_imports_neither_the_server_nor_the_stack():
    """The old cycle: background_stack -> control (client and server in one module) -> stack -> control.
    The client is its own module now; the CLI's side of the stack loads none of the stack process's code."""
    probe = _run_python(
        "-c",
        "import json, sys; import ops.local.control, ops.local.background_stack, ops.local.cli;"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('ops.local', 'moto')))))",
    )
    assert probe.returncode == 0, probe.stderr
    loaded = set(json.loads(probe.stdout))
    assert {"ops.local.control", "ops.local.background_stack"} <= loaded
    assert not loaded & {"ops.local.control_server", "ops.local.stack"}, sorted(loaded)
    assert not [m for m in loaded if m == "moto" or m.startswith(("moto.", "ops.local.stand_ins"))]


class _Part:
    def __init__(self, name: str, fail_stop: bool = False, fail_status: bool = False) -> None:
        self.name, self.fail_stop, self.fail_status = name, fail_stop, fail_status
        self.running = False

    @property
    def alive(self) -> bool:
        return self.running

    def start(self) -> _Part:
        self.running = True
        return self

    def stop(self) -> None:
        if self.fail_stop:
            raise RuntimeError("stop failed")
        self.running = False

    def status(self) -> dict[str, Any]:
        if self.fail_status:
            raise RuntimeError("status failed")
        return {"healthy": self.running}


def test_the_registry_stops_the_rest_when_one_stop_fails_and_reports_a_failing_status_as_unhealthy():
    parts = Parts()
    first, broken, last = (
        parts.start(_Part("first")),
        parts.start(_Part("broken", fail_stop=True, fail_status=True)),
        parts.start(_Part("last")),
    )
    assert parts.names() == ["first", "broken", "last"]
    status = parts.status()
    assert status["first"] == {"healthy": True} and status["last"] == {"healthy": True}
    assert status["broken"] == {"healthy": False, "reason": "status failed: RuntimeError"}
    woken = []
    parts.stop(wake=lambda: woken.append(True))
    assert woken == [True]
    assert not first.alive and not last.alive and broken.alive


def test_the_registry_refuses_two_parts_of_one_name():
    parts = Parts()
    parts.start(_Part("replicator"))
    with pytest.raises(ValueError, match="'replicator' is already running"):
        parts.start(_Part("replicator"))
