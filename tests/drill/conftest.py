"""The failover drill against the session's local stack, bounded to seconds: short warm-up, hold and steady
phases, a small probe rate, and local targets (RTO 30 s, RPO 5 s) unless a test narrows them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ops.drill.local_env import LocalEnv
from ops.drill.model import DrillOptions
from ops.local.config import ACCOUNT_ID

REPO_ROOT = Path(__file__).resolve().parents[2]
FAST = {
    "probe_rate": 5.0,
    "warmup_seconds": 1.0,
    "hold_seconds": 1.0,
    "steady_seconds": 1.0,
    "failback_timeout": 30.0,
}


@pytest.fixture
def stack(local_stack_clean, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")  # the emulator's fake credentials
    monkeypatch.setenv("MBT_LOCAL_STATE_DIR", str(local_stack_clean.state_dir))
    return prepare(local_stack_clean)


def prepare(stack):
    """The stack as a drill expects it: the blueprint's replication rule, no drill state left over."""
    _replication_rule(stack)
    (stack.state_dir / "drill-state.json").unlink(missing_ok=True)
    return stack


def _replication_rule(stack) -> None:
    """The blueprint's media replication rule, where the local bucket does not carry one yet."""
    s3 = stack.client("s3", "primary")
    bucket = stack.outputs.media.bucket.primary
    try:
        s3.get_bucket_replication(Bucket=bucket)
        return
    except s3.exceptions.ClientError:
        pass
    s3.put_bucket_replication(
        Bucket=bucket,
        ReplicationConfiguration={
            "Role": f"arn:aws:iam::{ACCOUNT_ID}:role/media-replication",
            "Rules": [
                {
                    "ID": "media-to-dr",
                    "Priority": 1,
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "DeleteMarkerReplication": {"Status": "Enabled"},
                    "Destination": {"Bucket": f"arn:aws:s3:::{stack.outputs.media.bucket.dr}"},
                }
            ],
        },
    )


def local_env(stack) -> LocalEnv:
    return LocalEnv(stack.state, stack.state_dir)


def options(tmp_path: Path, **changes) -> DrillOptions:
    return DrillOptions(env="local", report_dir=tmp_path / "reports", **{**FAST, **changes})


def ops(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The `ops` command line, as an operator runs it."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "ops"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )
