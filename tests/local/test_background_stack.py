"""`ops local up|down|status` as an operator runs them: each failure is one clear line, nothing is left running."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from ops.local.ports import free_port
from ops.stack_outputs import StackOutputs

pytestmark = [pytest.mark.integration, pytest.mark.slow]
OPS = str(Path(sys.executable).parent / "ops")
LAMBDAS = Path(__file__).resolve().parents[2] / "lambdas"


def ops(state_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MBT_LOCAL_STATE_DIR": str(state_dir), "COLUMNS": "200"}
    return subprocess.run([OPS, *args], capture_output=True, text=True, env=env, timeout=120)


def port_args() -> list[str]:
    return [
        arg
        for name in ("moto", "primary", "dr", "public", "control", "live-primary", "live-dr")
        for arg in (f"--{name}-port", str(free_port()))
    ]


def pid_of(state_dir: Path) -> int:
    return int((state_dir / "stack.pid").read_text())


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    message = " ".join(result.stderr.split())  # rich may wrap a long line
    for fragment in fragments:
        assert fragment in message, result.stderr


def test_up_twice_then_a_crash_is_reported_and_cleared_then_down_twice(tmp_path):
    """One flow, two startups (each costs seconds): up, up again, status, outputs; the process
    is killed (stale pid reported by status, cleared by the next up); down, down again."""
    started = ops(tmp_path, "local", "up", *port_args())
    assert started.returncode == 0, started.stderr
    assert "local stack ready" in started.stdout
    pid = pid_of(tmp_path)

    again = ops(tmp_path, "local", "up", *port_args())
    assert again.returncode == 0
    assert f"already running (pid {pid})" in again.stdout

    status = ops(tmp_path, "local", "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["healthy"] is True

    outputs = ops(tmp_path, "stack", "outputs", "--env", "local")
    assert outputs.returncode == 0, outputs.stderr
    document = StackOutputs.model_validate_json(outputs.stdout)
    assert document.env == "local" and document.endpoint_url.startswith("http://127.0.0.1:")

    os.kill(pid, signal.SIGKILL)  # the stack process crashes
    if psutil.pid_exists(pid):
        psutil.Process(pid).wait(timeout=10)
    crashed = ops(tmp_path, "local", "status")
    assert crashed.returncode == 3
    assert f"stale pid file for pid {pid}" in " ".join(crashed.stdout.split())

    restarted = ops(tmp_path, "local", "up", *port_args())
    assert restarted.returncode == 0, restarted.stderr
    assert f"removed a stale pid file (pid {pid} is not running)" in " ".join(restarted.stdout.split())
    new_pid = pid_of(tmp_path)

    stopped = ops(tmp_path, "local", "down")
    assert stopped.returncode == 0
    assert f"stopped the local stack (pid {new_pid})" in stopped.stdout
    assert not psutil.pid_exists(new_pid) or psutil.Process(new_pid).status() == psutil.STATUS_ZOMBIE
    assert not (tmp_path / "stack.pid").exists()

    second = ops(tmp_path, "local", "down")
    assert second.returncode == 0
    assert "not running" in second.stdout


def test_down_and_status_with_nothing_running(tmp_path):
    down = ops(tmp_path, "local", "down")
    assert down.returncode == 0
    assert "the local stack is not running" in down.stdout
    status = ops(tmp_path, "local", "status")
    assert status.returncode == 3
    assert "not running" in status.stdout
    outputs = ops(tmp_path, "stack", "outputs", "--env", "local")
    assert_one_line_error(outputs, "the local stack is not running", "make up")


def test_port_already_taken_is_one_clear_line(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        args = port_args()
        args[args.index("--primary-port") + 1] = str(taken)
        result = ops(tmp_path, "local", "up", *args)
    assert_one_line_error(result, f"port {taken} (primary API front) already in use")
    assert not (tmp_path / "stack.pid").exists()


def broken_functions_dir(root: Path) -> Path:
    """lambdas/ as it is, except that mobile_api's app module raises on import."""
    functions = root / "functions"
    functions.mkdir()
    for package in LAMBDAS.iterdir():
        if package.name != "mobile_api":
            (functions / package.name).symlink_to(package)
    shutil.copytree(LAMBDAS / "mobile_api", functions / "mobile_api")
    (functions / "mobile_api" / "app.py").write_text(
        'raise RuntimeError("mobile_api is broken on purpose")\n'
    )
    return functions


def test_a_function_that_fails_to_import_fails_the_start_with_one_line_and_its_traceback_logged(tmp_path):
    state_dir = tmp_path / "state"
    functions = broken_functions_dir(tmp_path)
    result = ops(state_dir, "local", "up", *port_args(), "--functions-dir", str(functions))
    assert_one_line_error(
        result, "exited during startup", "RuntimeError: mobile_api is broken on purpose", "stack.log"
    )
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    log = (state_dir / "logs" / "stack.log").read_text()
    assert "Traceback (most recent call last)" in log
    assert 'mobile_api/app.py", line 1' in log  # the traceback names the module that broke
    assert "placeholder" not in log  # nothing stands in for the broken function
    assert not (state_dir / "stack.pid").exists() and not (state_dir / "state.json").exists()


def test_cloud_env_outputs_come_from_terraform_and_need_credentials(tmp_path):
    # Without credentials the command stops before Terraform, so nothing here reaches for the registry.
    no_credentials = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "MBT_LOCAL_STATE_DIR": str(tmp_path),
        "COLUMNS": "200",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        "AWS_CONFIG_FILE": "/nonexistent/config",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    result = subprocess.run(
        [OPS, "stack", "outputs", "--env", "dev"],
        capture_output=True,
        text=True,
        env=no_credentials,
        timeout=120,
    )
    assert_one_line_error(result, "no AWS credentials for env 'dev'")


def test_unknown_env_outputs_is_one_clear_line(tmp_path):
    result = ops(tmp_path, "stack", "outputs", "--env", "qa")
    assert_one_line_error(result, "unknown env 'qa'")
