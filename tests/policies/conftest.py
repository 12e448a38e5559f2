"""Runs checkov once per framework over every fixture with every custom check; tests read the results."""

from __future__ import annotations

import pytest

from ops.errors import OpsError
from tests.policies.checkov_run import Policy, Results, discover_policies, gate_ready_tree, run_checkov
from tests.prerequisites import missing


@pytest.fixture(scope="session")
def policies() -> dict[str, Policy]:
    return discover_policies()


@pytest.fixture(scope="session")
def checkov_results(
    policies: dict[str, Policy], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Results]:
    """One checkov run per framework over the whole fixture tree (checkov starts slowly)."""
    try:
        tree = gate_ready_tree(tmp_path_factory.mktemp("policies"))
    except OpsError as exc:  # the enrichment reads the provider schema
        missing(f"cannot prepare plan fixtures as the gate does: {exc}")
    return run_checkov(tree, ["terraform", "terraform_plan"], sorted(policies))
