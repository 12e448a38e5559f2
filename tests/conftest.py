"""The suite's parallel run: `make test` runs pytest in two worker processes, a test file at a time
(tests/parallel_units.py says what stays together, and why), with the Terraform gates inside the run
(tests/gate_reports.py)."""

from __future__ import annotations

import json
import time

import pytest

from tests.gate_reports import RESULT
from tests.parallel_units import FileScheduling


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: without xdist (-p no:xdist) it is never called
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> FileScheduling:
    return FileScheduling(config, log)


_session_started = time.time()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The Terraform gates' own lines, when this run ran them (tests/gate_reports.py)."""
    if hasattr(config, "workerinput") or not RESULT.is_file() or RESULT.stat().st_mtime < _session_started:
        return
    result = json.loads(RESULT.read_text())
    terminalreporter.section(f"Terraform gates (ops tf validate, {result['seconds']} s, in the suite)")
    terminalreporter.write(result["output"])
