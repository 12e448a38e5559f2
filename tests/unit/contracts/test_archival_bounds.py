"""The archival contract (lambdas/backend_core/archival.py) and Terraform's validation of it accept the same values.

Terraform's side is the `archival_bounds_*` runs of terraform/modules/secure-bucket/tests/secure_bucket.tftest.hcl
(run by `make validate`'s test gate): each overrides the exported contract and either plans or expects
`var.archival` to fail. Here every one of those cases goes through the pydantic model, which must agree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from backend_core.archival import ARCHIVAL_POLICY, NO_ARCHIVE_BEFORE_DAYS, ArchivalPolicy
from ops import contracts

TFTEST = (
    Path(__file__).resolve().parents[3] / "terraform/modules/secure-bucket/tests/secure_bucket.tftest.hcl"
)
RUN = re.compile(r'^run "archival_bounds_(?P<name>\w+)" \{\n(?P<body>.*?)^\}', re.M | re.S)
OVERRIDE = re.compile(r'merge\(jsondecode\(file\("[^"]*archival_policy\.json"\)\), \{ (?P<pairs>[^}]*) \}\)')


def hcl_value(text: str) -> object:
    return None if text == "null" else json.loads(text)


def terraform_cases() -> list[tuple[str, dict, bool]]:
    cases = []
    for run in RUN.finditer(TFTEST.read_text()):
        override = OVERRIDE.search(run["body"])
        assert override, f"archival_bounds_{run['name']}: no merge() override of the contract"
        pairs = dict(pair.split(" = ") for pair in override["pairs"].split(", "))
        accepted = "expect_failures = [var.archival]" not in run["body"]
        cases.append((run["name"], {k: hcl_value(v) for k, v in pairs.items()}, accepted))
    return cases


CASES = terraform_cases()


def test_terraform_checks_both_sides_of_every_bound() -> None:
    assert len(CASES) >= 10
    assert {accepted for _, _, accepted in CASES} == {True, False}
    names = {name for name, _, _ in CASES}
    assert {"deep_archive_a_day_early", "archive_access_a_day_early", "archive_access_at_90"} <= names


@pytest.mark.parametrize(("name", "override", "accepted"), CASES, ids=[c[0] for c in CASES])
def test_contract_accepts_what_terraform_accepts(name: str, override: dict, accepted: bool) -> None:
    exported = json.loads(contracts.rendered_contracts()["archival_policy.json"])
    values = {**exported, **override}
    if accepted:
        ArchivalPolicy(**values)
    else:
        with pytest.raises(ValidationError):
            ArchivalPolicy(**values)


def test_the_policy_archives_nothing_before_six_months() -> None:
    tiers = [ARCHIVAL_POLICY.deep_archive_after_days, ARCHIVAL_POLICY.archive_access_after_days]
    assert all(days is None or days >= NO_ARCHIVE_BEFORE_DAYS for days in tiers)
    assert ARCHIVAL_POLICY.deep_archive_after_days == 180, (
        "R11: archive what is inactive for more than six months"
    )
