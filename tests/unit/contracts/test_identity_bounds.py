"""The identity contract (lambdas/backend_core/identity.py) and Terraform's validation of it
(terraform/modules/identity: `groups`, `app_client_auth_flows`, `password_minimum_length`) accept the same values.

Terraform's side is the `identity_bounds_*` runs of terraform/modules/identity/tests/identity.tftest.hcl (run by
`make validate`'s test gate): each sets one variable from JSON and either plans or expects that variable to fail.
Here every one of those cases goes through the pydantic model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from backend_core.identity import IDENTITY, IdentityContract

TFTEST = Path(__file__).resolve().parents[3] / "terraform/modules/identity/tests/identity.tftest.hcl"
RUN = re.compile(r'^run "identity_bounds_(?P<name>\w+)" \{\n(?P<body>.*?)^\}', re.M | re.S)
OVERRIDE = re.compile(r"(?P<var>\w+) = jsondecode\(<<-JSON\n(?P<json>.*?)\n\s*JSON\n", re.S)


def terraform_cases() -> list[tuple[str, str, object, bool]]:
    cases = []
    for run in RUN.finditer(TFTEST.read_text()):
        override = OVERRIDE.search(run["body"])
        assert override, f"identity_bounds_{run['name']}: no JSON override"
        accepted = f"expect_failures = [var.{override['var']}]" not in run["body"]
        cases.append((run["name"], override["var"], json.loads(override["json"]), accepted))
    return cases


CASES = terraform_cases()


def agree(variable: str, value: object, accepted: bool) -> None:
    """Raises when the model disagrees with Terraform about one value."""
    values = {**IDENTITY.model_dump(), variable: value}
    if accepted:
        IdentityContract(**values)
    else:
        with pytest.raises(ValidationError):
            IdentityContract(**values)


def test_terraform_checks_both_sides() -> None:
    assert {accepted for *_, accepted in CASES} == {True, False}
    assert {var for _, var, _, _ in CASES} == {"groups", "app_client_auth_flows", "password_minimum_length"}


@pytest.mark.parametrize(("name", "variable", "value", "accepted"), CASES, ids=[c[0] for c in CASES])
def test_contract_accepts_what_terraform_accepts(
    name: str, variable: str, value: object, accepted: bool
) -> None:
    agree(variable, value, accepted)


def test_a_disagreement_is_caught() -> None:
    with pytest.raises(ValidationError):
        agree(
            "password_minimum_length", 8, accepted=True
        )  # what the model accepted before it followed Terraform
    with pytest.raises(pytest.fail.Exception):
        agree("password_minimum_length", 12, accepted=False)
