"""A small generated history in the local stack's analytics bucket (seconds to make), shared by a module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ops.local.testing import LocalStackHandle

OPS = str(Path(sys.executable).parent / "ops")
DAYS, USERS, SEED, END = 35, 300, 7, "2025-03-31"


@dataclass
class GeneratedHistory:
    stack: LocalStackHandle
    env: dict[str, str]  # environment for `ops ...` subprocesses against this stack
    truth: dict[str, Any]
    cache_dir: Path

    @property
    def since(self) -> str:
        return self.truth["since"]

    @property
    def until(self) -> str:
        return self.truth["until"]

    def ops(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [OPS, *args], capture_output=True, text=True, env=self.env, check=check, timeout=600
        )

    def target(self):
        from ops.analytics.target import Target

        return Target.from_outputs(self.stack.outputs)


def cli_env(stack: LocalStackHandle, cache_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MBT_LOCAL_STATE_DIR": str(stack.state_dir),
        "MBT_ANALYTICS_CACHE": str(cache_dir),
        "COLUMNS": "80",  # as narrow as a pipe: tables must not lose text to it
    }


def _current_truth(stack: LocalStackHandle) -> dict[str, Any] | None:
    """The ground truth in the bucket if this suite's history is still there (no test reset it since)."""
    s3 = stack.client("s3")
    bucket = stack.outputs.analytics.bucket
    try:
        truth = json.loads(s3.get_object(Bucket=bucket, Key="ground_truth/usage_events.json")["Body"].read())
    except s3.exceptions.NoSuchKey:
        return None
    generator = truth["generator"]
    if (generator["days"], generator["users"], generator["seed"], generator["end"]) != (
        DAYS,
        USERS,
        SEED,
        END,
    ):
        return None
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="usage_events/").get("KeyCount", 0)
    return truth if listed == DAYS else None


@pytest.fixture(scope="module")
def history(local_stack: LocalStackHandle, tmp_path_factory: pytest.TempPathFactory) -> GeneratedHistory:
    """Generated once per session; again only when another test emptied the bucket in between."""
    cache_dir = tmp_path_factory.getbasetemp() / "analytics-cache"
    env = cli_env(local_stack, cache_dir)
    truth = _current_truth(local_stack)
    if truth is None:
        local_stack.reset()  # other modules' tests leave API events behind
        done = subprocess.run(
            [
                OPS,
                "analytics",
                "generate",
                "--env",
                "local",
                "--days",
                str(DAYS),
                "--users",
                str(USERS),
                "--seed",
                str(SEED),
                "--end",
                END,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        truth = _current_truth(local_stack)
        assert truth is not None
    return GeneratedHistory(local_stack, env, truth, cache_dir)
