"""Terraform reads the shared contracts from terraform/contracts/*.json: those files must be the Python
definitions exactly (regenerate with `make contracts`)."""

from __future__ import annotations

import json
from pathlib import Path

from backend_core.archival import ARCHIVAL_POLICY
from backend_core.lambda_runtime import LAMBDA_RUNTIME
from backend_core.table_design import TABLE_DESIGN
from backend_core.usage_events import UsageEvent, glue_columns
from ops import contracts


def test_committed_exports_match_the_python_definitions() -> None:
    assert contracts.drifted() == [], "terraform/contracts is stale: run `make contracts`"


def test_a_changed_definition_is_detected(tmp_path: Path) -> None:
    contracts.export(tmp_path)
    assert contracts.drifted(tmp_path) == []
    stale = json.loads((tmp_path / "archival_policy.json").read_text())
    stale["deep_archive_after_days"] = 365
    (tmp_path / "archival_policy.json").write_text(json.dumps(stale))
    (tmp_path / "table_design.json").unlink()
    keys = tmp_path / "item_keys.json"
    keys.write_text(keys.read_text().replace('"DEVICE#"', '"DEVICES#"'))
    assert sorted(contracts.drifted(tmp_path)) == [
        "archival_policy.json",
        "item_keys.json",
        "table_design.json",
    ]


def test_exports_carry_what_terraform_needs() -> None:
    table = json.loads((contracts.CONTRACTS_DIR / "table_design.json").read_text())
    assert table["hash_key"] == TABLE_DESIGN.hash_key.name and table["ttl_attribute"] == "expires_at"
    assert {g["name"] for g in table["global_secondary_indexes"]} == {"GSI1", "GSI2"}
    columns = json.loads((contracts.CONTRACTS_DIR / "usage_event_columns.json").read_text())
    assert (
        [c["name"] for c in columns["columns"]]
        == list(UsageEvent.model_fields)
        == [c["name"] for c in glue_columns()]
    )
    assert columns["partition_key"] == "day"
    archival = json.loads((contracts.CONTRACTS_DIR / "archival_policy.json").read_text())
    assert archival["deep_archive_after_days"] == ARCHIVAL_POLICY.deep_archive_after_days == 180


def test_the_lambda_target_and_the_canary_prefix_are_exported() -> None:
    from drill.settings import CANARY_PREFIX, Settings

    target = json.loads((contracts.CONTRACTS_DIR / "lambda_runtime.json").read_text())
    assert (target["runtime"], target["architecture"]) == (
        LAMBDA_RUNTIME.runtime,
        LAMBDA_RUNTIME.architecture,
    )
    canary = json.loads((contracts.CONTRACTS_DIR / "drill_canary.json").read_text())
    assert canary["canary_prefix"] == CANARY_PREFIX == Settings.model_fields["canary_prefix"].default
