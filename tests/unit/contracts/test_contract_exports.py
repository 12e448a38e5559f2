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


def test_a_usage_record_is_the_events_json_dump_with_ts_in_milliseconds_and_its_day():
    """to_record reads the fields directly (faster than model_dump on the request path): it must answer what
    model_dump(mode="json") would, every field included, apart from ts's format."""
    from datetime import UTC, datetime

    from backend_core.usage_events import PARTITION_KEY, UsageEvent

    event = UsageEvent(
        event_id="e1",
        ts=datetime(2026, 12, 1, 23, 59, 59, 123456, tzinfo=UTC),
        env="dev",
        region="us-east-1",
        route="GET /health",
        method="GET",
        status=200,
        latency_ms=1.5,
        user_id="u1",
        role="consumer",
        platform="ios",
        app_version="1.2.3",
    )
    record = event.to_record()
    dumped = event.model_dump(mode="json")
    assert {k: v for k, v in record.items() if k not in ("ts", PARTITION_KEY)} == {
        k: v for k, v in dumped.items() if k != "ts"
    }
    assert record["ts"] == "2026-12-01T23:59:59.123Z" and record[PARTITION_KEY] == "2026-12-01"
