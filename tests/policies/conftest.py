"""Runs checkov once per framework over every fixture with every custom check; tests read the results."""

from __future__ import annotations

import pytest

from tests.policies.checkov_run import Policy, Results, discover_policies, run_checkov


@pytest.fixture(scope="session")
def policies() -> dict[str, Policy]:
    return discover_policies()


@pytest.fixture(scope="session")
def checkov_results(policies: dict[str, Policy]) -> dict[str, Results]:
    """One checkov run per framework over the whole fixture tree (checkov starts slowly)."""
    ids = sorted(policies)
    return run_checkov(["terraform", "terraform_plan"], ids)
