"""The custom checkov policies: each passes its passing fixture and fails its failing one, in both frameworks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.policies.checkov_run import (
    FIXTURES,
    FRAMEWORK_OF_FILE,
    Policy,
    Results,
    expectation,
    fixture_files,
)

REQUIREMENT = re.compile(r"^R(?P<number>\d{1,2}): \S")


def test_every_check_has_a_passing_and_a_failing_fixture(policies: dict[str, Policy]) -> None:
    assert policies, "no checks found in policies/"
    missing = [
        f"{check_id}/{case}/main.tf"
        for check_id in sorted(policies)
        for case in ("pass", "fail")
        if not (FIXTURES / check_id / case / "main.tf").is_file()
    ]
    assert not missing, f"checks without fixtures: {missing}"


def test_every_fixture_directory_belongs_to_a_check(policies: dict[str, Policy]) -> None:
    stale = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name not in policies)
    assert not stale, f"fixtures for checks that no longer exist: {stale}"


def test_every_check_name_states_its_requirement(policies: dict[str, Policy]) -> None:
    for policy in policies.values():
        match = REQUIREMENT.match(policy.name)
        assert match, (
            f"{policy.id} ({policy.source.name}): name must start with 'R<n>: ', got {policy.name!r}"
        )
        assert 1 <= int(match["number"]) <= 12, f"{policy.id}: no requirement R{match['number']}"


def test_checkov_loaded_every_check(policies: dict[str, Policy], checkov_results: dict[str, Results]) -> None:
    """checkov skips a check it cannot load without failing the run, so prove each one produced findings."""
    seen = set().union(*(results.check_ids() for results in checkov_results.values()))
    assert set(policies) - seen == set()


@pytest.mark.parametrize(
    "fixture_file", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)).replace("/", ":")
)
def test_fixture_gets_its_expected_verdict(fixture_file: Path, checkov_results: dict[str, Results]) -> None:
    check_id = fixture_file.parent.parent.name
    relative = str(fixture_file.relative_to(FIXTURES))
    expected = expectation(fixture_file)
    findings = checkov_results[FRAMEWORK_OF_FILE[fixture_file.name]].for_check(relative, check_id)
    failed = {resource for resource, result in findings if result == "FAILED"}

    if expected.verdict == "none":
        assert findings == [], f"{check_id} should not evaluate {relative}, reported {findings}"
    elif expected.verdict == "pass":
        assert findings, f"{check_id} reported nothing for {relative}"
        assert failed == set(), f"{check_id} failed {sorted(failed)} in {relative}"
    else:
        assert failed == expected.failing, f"{check_id} in {relative}: failed {sorted(failed)}"
