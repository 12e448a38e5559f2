"""The table design contract (lambdas/backend_core/table_design.py) and Terraform's validation of it
(terraform/modules/table, `table_design`) accept the same values.

Terraform's side is the `design_bounds_*` runs of terraform/modules/table/tests/table.tftest.hcl (run by
`make validate`'s test gate): each merges a JSON override into the exported contract and either plans or
expects `var.table_design` to fail. Here every one of those overrides goes through the pydantic model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from backend_core.table_design import TABLE_DESIGN, TableDesign
from ops import contracts

TFTEST = Path(__file__).resolve().parents[3] / "terraform/modules/table/tests/table.tftest.hcl"
RUN = re.compile(r'^run "design_bounds_(?P<name>\w+)" \{\n(?P<body>.*?)^\}', re.M | re.S)
OVERRIDE = re.compile(r"jsondecode\(<<-JSON\n(?P<json>.*?)\n\s*JSON\n", re.S)


def terraform_cases(text: str) -> list[tuple[str, dict, bool]]:
    cases = []
    for run in RUN.finditer(text):
        override = OVERRIDE.search(run["body"])
        assert override, f"design_bounds_{run['name']}: no JSON override of the contract"
        accepted = "expect_failures = [var.table_design]" not in run["body"]
        cases.append((run["name"], json.loads(override["json"]), accepted))
    return cases


CASES = terraform_cases(TFTEST.read_text())


def test_terraform_checks_both_sides() -> None:
    assert {accepted for _, _, accepted in CASES} == {True, False}
    assert {"gsi_without_range_key", "provisioned_billing"} <= {name for name, _, _ in CASES}


def agree(override: dict, accepted: bool) -> None:
    """Raises (ValidationError, or pytest's Failed for DID NOT RAISE) when the model disagrees with Terraform."""
    values = {**json.loads(contracts.rendered_contracts()["table_design.json"]), **override}
    if accepted:
        assert TableDesign.from_terraform(values).to_terraform() == values
    else:
        with pytest.raises(ValidationError):
            TableDesign.from_terraform(values)


@pytest.mark.parametrize(("name", "override", "accepted"), CASES, ids=[c[0] for c in CASES])
def test_contract_accepts_what_terraform_accepts(name: str, override: dict, accepted: bool) -> None:
    agree(override, accepted)


def test_the_export_round_trips() -> None:
    assert TableDesign.from_terraform(TABLE_DESIGN.to_terraform()) == TABLE_DESIGN


def test_a_disagreement_is_caught() -> None:
    """Were Terraform to accept provisioned billing, or refuse a GSI without a range key, the check fails."""
    with pytest.raises(ValidationError):
        agree({"billing_mode": "PROVISIONED"}, accepted=True)
    gsi = next(o for n, o, _ in CASES if n == "gsi_without_range_key")
    with pytest.raises(pytest.fail.Exception):
        agree(gsi, accepted=False)
