"""`ops drill` against the local stack: a healthy failover passes and loses nothing; each fault fails the
drill for its own reason; a killed drill leaves a state file that blocks the next run until `recover`;
prod without --yes changes nothing; an env already failed over is refused."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from ops.drill.cli import execute
from ops.drill.model import EXIT_FAILED, EXIT_PASSED, EXIT_REFUSED

from .conftest import REPO_ROOT, local_env, ops, options, prepare

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def steps(report: dict) -> dict[str, dict]:
    return {s["name"]: s for s in report["steps"]}


def run_drill(stack, tmp_path: Path, **changes) -> tuple[int, dict]:
    code = execute(local_env(stack), options(tmp_path, **changes))
    (run_dir,) = [p for p in (tmp_path / "reports" / "local").iterdir() if p.is_dir()]
    return code, json.loads((run_dir / "report.json").read_text())


def drill_users(stack) -> list[str]:
    idp = stack.client("cognito-idp", "primary")
    users = idp.list_users(UserPoolId=stack.outputs.auth.user_pool_id)["Users"]
    emails = [next(a["Value"] for a in u["Attributes"] if a["Name"] == "email") for u in users]
    return [e for e in emails if e.startswith("drill-")]


def assert_put_back(stack) -> None:
    status = stack.status()
    assert status["regions"] == {"primary": "up", "dr": "up"}
    assert status["components"]["replicator"]["paused"] is False
    assert status["components"]["user_pool_replica"]["status"] == "ACTIVE"
    assert not (stack.state_dir / "drill-state.json").exists()
    assert drill_users(stack) == []


@pytest.fixture(scope="module")
def healthy(local_stack, tmp_path_factory):
    """One healthy failover drill, asserted on by the tests below (a drill takes tens of seconds)."""
    local_stack.reset()
    tmp_path = tmp_path_factory.mktemp("healthy-drill")
    with pytest.MonkeyPatch.context() as env:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.setenv(name, "testing")  # the emulator's fake credentials
        stack = prepare(local_stack)
        code, report = run_drill(stack, tmp_path)
        yield stack, tmp_path, code, report


def test_healthy_failover_passes_and_fails_back_with_nothing_lost(healthy):
    stack, tmp_path, code, report = healthy

    by_name = steps(report)
    failed = {name for name, s in by_name.items() if not s["ok"] and s["critical"]}
    assert not failed, report["failed"]
    assert code == EXIT_PASSED
    assert 0 < report["rto_seconds"] <= report["targets"]["rto_seconds"]
    split = report["rto"]
    assert None not in split.values()
    assert report["rpo_seconds"] <= report["targets"]["rpo_seconds"]
    assert all(0 < lag <= 5 for lag in report["canary_lag_seconds"].values())
    for name in ("dr_sign_in", "dr_write", "dr_media_download", "failback_dr_writes", "switch_back"):
        assert by_name[name]["ok"], by_name[name]
    failback = report["failback"]
    assert failback["dr_writes"] > 0 and failback["missing"] == []
    assert failback["lost_after_failback"] == {"primary": 0, "dr": 0}
    regions = {s["region"] for s in report["probe"]["samples"] if 200 <= s["status"] < 300}
    assert regions == {stack.outputs.primary_region, stack.outputs.dr_region}  # served by both, in turn
    run_dir = tmp_path / "reports" / "local" / report["run_id"]
    assert (run_dir / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "RTO" in (run_dir / "report.md").read_text()
    history = (tmp_path / "reports" / "local" / "history.jsonl").read_text().splitlines()
    assert json.loads(history[-1])["run_id"] == report["run_id"]
    assert (tmp_path / "reports" / "local" / "trend.png").is_file()
    assert_put_back(stack)
    for side in ("primary", "dr"):  # nothing of the drill's users is left, their change logs included
        ddb, table = stack.client("dynamodb", side), stack.outputs.table.name
        left = [i["PK"]["S"] for i in ddb.scan(TableName=table)["Items"] if report["run_id"] in json.dumps(i)]
        assert left == [], f"{side}: {left[:5]}"


def test_a_push_is_delivered_from_dr(healthy):
    report = healthy[3]
    assert steps(report)["dr_push"]["ok"], steps(report)["dr_push"]["detail"]


@pytest.mark.parametrize(
    ("fault", "changes", "failing", "reason"),
    [
        ("replication-pause", {"rpo_target": 2.0}, "rpo", "missing in us-west-2"),
        ("dr-api-down", {"rto_target": 3.0}, "rto", "no authenticated write+read succeeded"),
        ("user-pool-replica-missing", {}, "dr_sign_in", "ResourceNotFoundException"),
    ],
)
def test_each_fault_fails_the_drill_for_its_reason(stack, tmp_path, fault, changes, failing, reason):
    code, report = run_drill(stack, tmp_path, inject=fault, **changes)

    assert code == EXIT_FAILED
    by_name = steps(report)
    assert by_name[f"inject_{fault}"]["ok"]
    assert not by_name[failing]["ok"] and reason in by_name[failing]["detail"], by_name[failing]
    if fault == "replication-pause":
        assert report["lost_writes"] > 0 and report["rpo_seconds"] > 2.0
        assert not by_name["rpo_table"]["ok"] and not by_name["rpo_s3"]["ok"]
    if fault == "dr-api-down":
        assert report["rto_seconds"] is None
    assert by_name[f"undo_{fault}"]["ok"]  # failback still completes: the env is put back
    assert report["failback"].get("lost_after_failback") == {"primary": 0, "dr": 0}
    assert_put_back(stack)


def test_killed_mid_failover_leaves_state_that_blocks_the_next_run_until_recover(stack, tmp_path):
    env = {"MBT_LOCAL_STATE_DIR": str(stack.state_dir)}
    state_file = stack.state_dir / "drill-state.json"
    command = [
        str(Path(REPO_ROOT / ".venv" / "bin" / "ops")),
        "drill", "run", "--env", "local", "--report-dir", str(tmp_path / "reports"),
        "--warmup", "0.5", "--hold", "120",
    ]  # fmt: skip
    import os

    process = subprocess.Popen(command, cwd=REPO_ROOT, env={**os.environ, **env}, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if state_file.exists() and '"cut-primary"' in state_file.read_text():
                break
            assert process.poll() is None, "the drill ended before the cut"
            time.sleep(0.2)
        else:
            pytest.fail("the drill never cut the primary")
        stack.wait_for(lambda: stack.status()["regions"]["primary"] == "down", what="the cut")
        process.send_signal(signal.SIGKILL)  # no finally, no failback: as a crash or a lost laptop
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()

    assert stack.status()["regions"]["primary"] == "down"  # left failed over
    refused = ops("drill", "run", "--env", "local", "--report-dir", str(tmp_path / "r2"), env=env)
    assert refused.returncode == EXIT_REFUSED
    assert "left state behind" in refused.stderr and "ops drill recover" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r2").exists()

    recovered = ops("drill", "recover", "--env", "local", env=env)
    assert recovered.returncode == 0, recovered.stderr
    assert "state file removed" in recovered.stderr
    assert_put_back(stack)
    assert ops("drill", "recover", "--env", "local", env=env).stderr.startswith("nothing to recover")


def test_prod_without_yes_changes_nothing(stack, tmp_path):
    before = stack.status()
    users_before = stack.client("cognito-idp").list_users(UserPoolId=stack.outputs.auth.user_pool_id)["Users"]
    state_dir = tmp_path / "drill-state"
    env = {"MBT_DRILL_STATE_DIR": str(state_dir), "AWS_PROFILE": "drill-test-no-such-profile"}

    done = ops("drill", "run", "--env", "prod", "--report-dir", str(tmp_path / "reports"), env=env)

    assert done.returncode == 0, done.stderr
    assert "dry run (prod runs only with --yes): nothing will be changed" in done.stderr
    plan = done.stdout.splitlines()
    assert any("invert the primary's Route 53 health check" in line for line in plan)
    assert any("RTO (target 900 s)" in line for line in plan)  # prod's own target, from its tfvars
    assert not (tmp_path / "reports").exists() and not state_dir.exists()
    after = stack.status()
    assert after["regions"] == before["regions"] and after["healthy"] == before["healthy"]
    users_after = stack.client("cognito-idp").list_users(UserPoolId=stack.outputs.auth.user_pool_id)["Users"]
    assert users_after == users_before
    assert stack.client("dynamodb").scan(TableName=stack.outputs.table.name)["Count"] == 0


def test_an_env_already_failed_over_is_refused_and_left_as_it_is(stack, tmp_path):
    stack.region_down("primary")
    try:
        done = ops("drill", "run", "--env", "local", "--report-dir", str(tmp_path / "reports"))
        assert done.returncode == EXIT_REFUSED
        assert done.stderr.count("\n") == 1 and "already failed over" in done.stderr
        assert stack.status()["regions"]["primary"] == "down"
        assert not (tmp_path / "reports").exists()
        assert not (stack.state_dir / "drill-state.json").exists()
    finally:
        stack.region_up("primary")
    assert drill_users(stack) == []  # the user pool lives in the primary: read once it answers again
