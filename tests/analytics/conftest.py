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
    return {**os.environ, "MBT_LOCAL_STATE_DIR": str(stack.state_dir), "MBT_ANALYTICS_CACHE": str(cache_dir)}


@pytest.fixture(scope="module")
def history(local_stack: LocalStackHandle, tmp_path_factory: pytest.TempPathFactory) -> GeneratedHistory:
    local_stack.reset()  # other modules' tests leave API events behind
    cache_dir = tmp_path_factory.mktemp("analytics-cache")
    env = cli_env(local_stack, cache_dir)
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
    body = (
        local_stack.client("s3")
        .get_object(Bucket=local_stack.outputs.analytics.bucket, Key="ground_truth/usage_events.json")["Body"]
        .read()
    )
    return GeneratedHistory(local_stack, env, json.loads(body), cache_dir)
