"""The Terraform gates inside the suite's run, so the ~3 minutes they take overlap the other worker's tests.

`make test` builds the Lambda zips, then runs pytest with `SUITE_RUNS_GATES=1` and no `make validate` first.
The first test that needs what the gates write (reports/plans/<env>.json, read by tests/terraform, tests/cost
and the analytics-to-cost test) runs `ops tf validate` (what `make validate` runs once the zips are built),
once for the whole run: the workers take turns on a file lock, and the result is kept in
reports/suite-gates.json under the run's id. Every later reader waits for that run and reads its result; if
the gates failed, each reader fails with their output, and tests/terraform_gates/test_repository_gates.py
fails for the gates themselves. The summary at the end of the run prints the gates' own lines.

Without `SUITE_RUNS_GATES` (a developer running some tests after `make validate`) readers take the reports
as they are, and only test_repository_gates.py runs the gates.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RUN_ENV = "SUITE_RUNS_GATES"
REPORTS = REPO / "reports"
RESULT = REPORTS / "suite-gates.json"
LOCK = REPORTS / ".suite-gates.lock"
OPS = str(Path(sys.executable).parent / "ops")
_PROCESS_RUN = uuid.uuid4().hex  # a run without xdist is one process


def run_id() -> str:
    """This pytest run's id: xdist's, shared by its workers, else this process's own."""
    return os.environ.get("PYTEST_XDIST_TESTRUNUID") or _PROCESS_RUN


def gates() -> dict:
    """The gates' result for this run, running them if no worker has yet: a dict with `run` (the run id),
    `returncode` (of `ops tf validate`), `seconds` and `output` (stdout and stderr, as printed)."""
    REPORTS.mkdir(exist_ok=True)
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this process dies
        if RESULT.is_file():
            kept = json.loads(RESULT.read_text())
            if kept.get("run") == run_id():
                return kept
        started = time.monotonic()
        done = subprocess.run(
            [OPS, "tf", "validate"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1800,
            env={**os.environ, "COLUMNS": "200"},
        )  # fmt: skip
        result = {
            "run": run_id(),
            "returncode": done.returncode,
            "seconds": round(time.monotonic() - started, 1),
            "output": done.stdout,
        }
        partial = RESULT.with_suffix(".tmp")
        partial.write_text(json.dumps(result, indent=2) + "\n")
        partial.replace(RESULT)
        return result


def require_reports() -> None:
    """Before reading the gates' reports: with `SUITE_RUNS_GATES` set, wait for this run's gates (running them
    if first) and fail the calling test if they failed; otherwise nothing (the reports are read as they are)."""
    if os.environ.get(RUN_ENV) != "1":
        return
    result = gates()
    if result["returncode"] != 0:
        last = result["output"].strip().splitlines()[-1:] or ["(no output)"]
        pytest.fail(
            f"the Terraform gates failed, so their reports cannot be read: {last[0]} "
            "(the whole output: tests/terraform_gates/test_repository_gates.py)",
            pytrace=False,
        )
