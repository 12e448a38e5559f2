"""The Terraform gates inside the suite (tests/gate_reports.py): one run per test run, and a failed run fails
every reader of the reports with the gates' last line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import gate_reports


@pytest.fixture
def result_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(gate_reports, "REPORTS", tmp_path)
    monkeypatch.setattr(gate_reports, "RESULT", tmp_path / "suite-gates.json")
    monkeypatch.setattr(gate_reports, "LOCK", tmp_path / ".suite-gates.lock")
    return tmp_path / "suite-gates.json"


def _kept(path: Path, run: str, returncode: int, output: str) -> dict:
    result = {"run": run, "returncode": returncode, "seconds": 1.0, "output": output}
    path.write_text(json.dumps(result))
    return result


def test_this_runs_result_is_read_not_run_again(result_file: Path) -> None:
    kept = _kept(result_file, gate_reports.run_id(), 0, "✓ fmt\n")
    assert gate_reports.gates() == kept  # no second `ops tf validate` in the same run


def test_a_failed_run_fails_each_reader_with_its_last_line(
    result_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _kept(result_file, gate_reports.run_id(), 1, "✓ fmt\nerror: validate: modules/x: Unsupported argument\n")
    monkeypatch.setenv(gate_reports.RUN_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=r"gates failed.*error: validate: modules/x: Unsupported"):
        gate_reports.require_reports()
    monkeypatch.delenv(gate_reports.RUN_ENV)
    gate_reports.require_reports()  # outside `make test` the reports are read as they are
