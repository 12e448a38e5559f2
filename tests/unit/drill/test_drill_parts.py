"""`ops drill` parts that need no stack: targets from tfvars, the dry-run plan, the probe's arithmetic, the
state file, the report files, and the AWS env's cut and faults against moto (in-process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops.drill import report as report_files
from ops.drill import targets
from ops.drill.cli import plan_lines
from ops.drill.model import Clock, DrillOptions, Sample
from ops.drill.probe import Probe
from ops.drill.state import StateFile
from ops.errors import OpsError


@pytest.mark.parametrize(("env", "rto", "rpo"), [("dev", 120, 30), ("staging", 60, 15), ("prod", 15, 5)])
def test_targets_come_from_the_env_tfvars(env, rto, rpo):
    got = targets.cloud(env)
    assert (got.rto_seconds, got.rpo_seconds) == (rto * 60, rpo * 60)
    assert f"{env}.tfvars" in got.source


def test_a_tfvars_without_targets_is_one_line(tmp_path):
    (tmp_path / "x.tfvars").write_text('env = "x"\ndr = {\n  drill_schedule = "rate(7 days)"\n}\n')
    with pytest.raises(OpsError, match=r"x.tfvars has no dr.rto_minutes"):
        targets.cloud("x", tmp_path)


def test_overrides_say_so():
    got = targets.for_env("local", rto_override=3)
    assert got.rto_seconds == 3 and got.rpo_seconds == targets.LOCAL.rpo_seconds
    assert "overridden" in got.source


def test_the_dry_run_plan_names_every_step():
    lines = plan_lines(DrillOptions(env="prod", inject="replication-pause"), "invert the health check")
    text = "\n".join(lines)
    for expected in ("refuse", "preflight", "inject replication-pause", "cut the primary", "RTO (target 900 s)",
                     "RPO (target 300 s)", "fail back", "report.json"):  # fmt: skip
        assert expected in text
    quiet = "\n".join(plan_lines(DrillOptions(env="prod", mode="non-destructive"), "x"))
    assert "cut the primary" not in quiet and "no failover" in quiet


def sample(t, seq, op, status, region):
    return Sample(t=t, seq=seq, op=op, status=status, latency_ms=10.0, region=region)


def probe_with(samples):
    probe = Probe("http://127.0.0.1:1", lambda: "token", Clock(), "run", rate=1)
    probe.samples = samples
    for s in samples:
        if s.op == "write" and s.ok:
            probe.acked[s.seq] = s
    return probe


def test_first_success_needs_a_write_and_its_read_served_by_dr():
    probe = probe_with(
        [
            sample(1.0, 1, "write", 200, "p"),
            sample(1.1, 1, "read", 200, "p"),
            sample(2.0, 2, "write", 503, None),  # the cut at 1.5
            sample(2.1, 2, "read", 503, None),
            sample(3.0, 3, "write", 200, "dr"),
            sample(3.1, 3, "read", 500, "dr"),  # half a success is no success
            sample(4.0, 4, "write", 200, "dr"),
            sample(4.1, 4, "read", 200, "dr"),
        ]
    )
    assert probe.first_success_after(1.5, "dr") == 4.11
    assert probe.first_served_by("dr", 1.5) == 3.0
    assert probe.first_success_after(1.5, "p") is None
    assert set(probe.acked_between(1.5, 10, "dr")) == {3, 4}


def test_steady_state_restarts_at_each_failure():
    probe = probe_with(
        [
            sample(1.0, 1, "write", 200, "p"),
            sample(2.0, 2, "write", 503, "p"),
            sample(3.0, 3, "write", 200, "p"),
            sample(3.5, 3, "read", 200, "p"),
        ]
    )
    assert probe.steady_since("p", 0.0) == 3.0


def test_state_file_records_changes_and_refuses_garbage(tmp_path):
    state = StateFile(tmp_path / "s.json")
    document = {"env": "local", "changes": []}
    state.write(document)
    state.record(document, {"kind": "cut-primary"})
    state.record(document, {"kind": "fault", "fault": "dr-api-down"})
    assert [c["kind"] for c in state.read()["changes"]] == ["cut-primary", "fault"]
    state.forget(document, "cut-primary")
    assert [c["kind"] for c in state.read()["changes"]] == ["fault"]
    state.path.write_text("{not json")
    with pytest.raises(OpsError, match="unreadable"):
        state.read()
    state.remove()
    assert not state.exists()


def synthetic_report(run_id="20261130T000000Z-abc123", passed=True, rto=1.5):
    samples = [
        {"t": t / 10, "seq": t, "op": "write", "status": 200 if t != 20 else 503, "latency_ms": 12.0,
         "region": "us-east-1" if t < 20 else "us-west-2", "error": None}
        for t in range(40)
    ]  # fmt: skip
    return {
        "run_id": run_id, "env": "local", "mode": "failover", "inject": None,
        "started_at": "2026-11-30T00:00:00+00:00", "wall_seconds": 12.5,
        "targets": {"rto_seconds": 30, "rpo_seconds": 5, "source": "test"},
        "rto_seconds": rto, "rto": {"detection_seconds": 0.2, "switch_seconds": 0.1, "first_success_seconds": 1.2},
        "rpo_seconds": 0.0, "lost_writes": 0, "canary_lag_seconds": {"table": 0.3, "s3": 0.4},
        "failback": {"dr_writes": 19, "reached_primary": 19, "missing": []}, "limitations": ["in DR, sign-up: refused"],
        "timeline": {"cut": 2.0, "first_success": 3.5, "restore": 8.0, "steady": 10.0},
        "steps": [{"name": "rto", "phase": "failover", "ok": passed, "detail": "a | b", "started_at": "x",
                   "ended_at": "y", "seconds": 0.1, "critical": True}],
        "failed": [] if passed else ["rto: over"], "aborted": None,
        "probe": {"rate_per_second": 10, "requests": 40, "writes_acknowledged": 39, "errors": 1, "samples": samples},
        "passed": passed, "exit_code": 0 if passed else 1,
    }  # fmt: skip


def test_report_files_history_and_trend(tmp_path):
    first = report_files.write(synthetic_report(), tmp_path)
    report_files.write(synthetic_report("20261130T010000Z-def456", passed=False, rto=None), tmp_path)
    assert json.loads((first / "report.json").read_text())["rto_seconds"] == 1.5
    markdown = (first / "report.md").read_text()
    assert "# DR drill 20261130T000000Z-abc123: PASSED" in markdown
    assert (
        "| RTO (cut to first authenticated write+read through the public name) | 1.500 s | 30 s |" in markdown
    )
    assert "a \\| b" in markdown and "sign-up: refused" in markdown
    assert (first / "timeline.png").read_bytes()[:4] == b"\x89PNG"
    history = tmp_path / "local" / "history.jsonl"
    with history.open("a") as f:
        f.write('{"torn line\n')  # a writer killed mid-line does not hide the other runs
    runs = report_files.read_history(history)
    assert [r["passed"] for r in runs] == [True, False]
    assert (tmp_path / "local" / "trend.png").read_bytes()[:4] == b"\x89PNG"


def test_a_report_dir_that_cannot_be_written_is_refused_before_anything_runs(tmp_path):
    """Found before the drill (exit 2, nothing changed), not after it has run and lost its report."""
    import subprocess
    import sys

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for extra in ([], ["--dry-run"]):
        done = subprocess.run(
            [str(Path(sys.executable).parent / "ops"), "drill", "run", "--env", "local", "--report-dir", str(blocker / "x"), *extra],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "is not a writable folder" in done.stderr
        assert not (blocker.parent / "x").exists()
