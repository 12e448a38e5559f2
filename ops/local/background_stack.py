"""Start, stop and find the background stack process (pid file + state file in the state dir).

Used by `ops local up|down|status`, the pytest fixtures and the benchmarks, so all of them
exercise the same path.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from ops.errors import OpsError
from ops.local import control
from ops.local.config import StackConfig
from ops.local.ports import taken
from ops.paths import REPO_ROOT

PROCESS_MODULE = "ops.local.stack_process"


class AlreadyRunning(OpsError):
    def __init__(self, pid: int) -> None:
        super().__init__(f"the local stack is already running (pid {pid}); `ops local status` shows it", 0)
        self.pid = pid


def running_pid(config: StackConfig) -> int | None:
    """The pid of a live stack process for this state dir; a stale pid file is removed (and reported)."""
    pid = _read_pid(config.pid_file)
    if pid is None:
        return None
    if _is_stack_process(pid, config.state_dir):
        return pid
    return None


def stale_pid(config: StackConfig) -> int | None:
    """A pid recorded in the pid file whose process is gone (or is something else now)."""
    pid = _read_pid(config.pid_file)
    if pid is not None and not _is_stack_process(pid, config.state_dir):
        return pid
    return None


def start(config: StackConfig, timeout: float = 60.0) -> tuple[dict, list[str]]:
    """Start the stack in the background; (state document, notes for the operator)."""
    notes: list[str] = []
    config.log_dir.mkdir(parents=True, exist_ok=True)
    pid = running_pid(config)
    if pid is not None:
        raise AlreadyRunning(pid)
    old = stale_pid(config)
    if old is not None:
        notes.append(f"removed a stale pid file (pid {old} is not running)")
    _cleanup(config)
    busy = taken(config.ports.labelled())
    if busy:
        raise OpsError(f"cannot start the local stack: port {', '.join(busy)} already in use")
    command = [
        sys.executable,
        "-m",
        PROCESS_MODULE,
        "--state-dir",
        str(config.state_dir),
        "--env",
        config.env,
        "--functions-dir",
        str(config.functions_dir),
    ]
    for name, port in config.ports.model_dump().items():
        command += [f"--{name}-port", str(port)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT), str(config.functions_dir), *filter(None, [env.get("PYTHONPATH")])]
    )
    env["PYTHONUNBUFFERED"] = "1"
    with config.log_file.open("ab") as log:
        log.write(f"\n=== ops local up at {time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n".encode())
        log.flush()
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=REPO_ROOT,
            env=env,
            start_new_session=True,  # detached: survives the CLI exiting
        )
    config.pid_file.write_text(f"{process.pid}\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        document = _read_state(config.state_file)
        if document is not None and document.get("pid") == process.pid:
            return document, notes
        code = process.poll()
        if code is not None:
            config.pid_file.unlink(missing_ok=True)
            raise OpsError(f"the stack process exited during startup (exit {code}): {_startup_error(config)}")
        time.sleep(0.05)
    _terminate(process.pid, grace=5)
    _cleanup(config)
    raise OpsError(f"the local stack was not ready after {timeout:.0f} s (stopped it); see {config.log_file}")


def stop(config: StackConfig, grace: float = 15.0) -> str:
    """Stop the stack by its pid; a message saying what happened."""
    pid = running_pid(config)
    if pid is None:
        old = stale_pid(config)
        _cleanup(config)
        if old is not None:
            return f"the local stack was not running (removed a stale pid file for pid {old})"
        return "the local stack is not running"
    _terminate(pid, grace)
    _cleanup(config)
    return f"stopped the local stack (pid {pid})"


def state(config: StackConfig) -> dict:
    """The running stack's state document; OpsError when it is not running."""
    pid = running_pid(config)
    document = _read_state(config.state_file) if pid else None
    if pid is None or document is None:
        hint = " (a stale pid file was found; `ops local down` clears it)" if stale_pid(config) else ""
        raise OpsError(f"the local stack is not running{hint}; start it with `make up`")
    return document


def call(config: StackConfig, method: str, path: str, body: dict | None = None) -> dict:
    """Call the running stack's control endpoint (OpsError with one line on failure)."""
    document = state(config)
    try:
        return control.call(document["control_url"], method, path, body)
    except control.ControlError as exc:
        raise OpsError(str(exc)) from exc


# ---- helpers ----------------------------------------------------------------------------
def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _is_stack_process(pid: int, state_dir: Path) -> bool:
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        cmdline = process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False
    return PROCESS_MODULE in cmdline and str(state_dir) in cmdline


def _read_state(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _startup_error(config: StackConfig) -> str:
    error_file = config.state_dir / "startup-error.txt"
    if error_file.exists():
        message = error_file.read_text().strip()
    else:
        lines = [ln for ln in config.log_file.read_text(errors="replace").splitlines() if ln.strip()]
        message = lines[-1] if lines else "no output"
    return f"{message} (log: {config.log_file})"


def _terminate(pid: int, grace: float) -> None:
    try:
        process = psutil.Process(pid)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=grace)
    except psutil.NoSuchProcess:
        return
    except psutil.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _cleanup(config: StackConfig) -> None:
    config.pid_file.unlink(missing_ok=True)
    config.state_file.unlink(missing_ok=True)
