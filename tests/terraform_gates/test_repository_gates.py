"""The repository passes every Terraform gate (`ops tf validate`: fmt, validate, terraform test, plan per
env, the zips against their functions, checkov): the gate `make validate` runs, run once per test run
(tests/gate_reports.py), so that `make test` overlaps it with the other worker's tests."""

from __future__ import annotations

import pytest

from tests.gate_reports import gates

pytestmark = pytest.mark.terraform


def test_the_repository_passes_every_terraform_gate() -> None:
    result = gates()
    assert result["returncode"] == 0, result["output"]
