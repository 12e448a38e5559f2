"""The scheduled drill against the local stack: healthy, replication paused, DR region down, misconfigured.

The local stack's replicator stands in for global tables and S3 replication; its knobs make the failures.
"""

from __future__ import annotations

import json

import pytest

from backend_core.item_keys import DRILL_CANARY_PARTITION
from drill.app import create_handler
from drill.settings import CANARY_PREFIX

from .conftest import drill_settings

pytestmark = pytest.mark.integration


def event(rpo_minutes: float = 0.5, rto_minutes: float = 15) -> dict:
    """Exactly what terraform/modules/dr/drill.tf schedules."""
    return {"mode": "non-destructive", "rto_minutes": rto_minutes, "rpo_minutes": rpo_minutes}


def checks(report: dict) -> dict[str, dict]:
    return {c["name"]: c for c in report["checks"]}


def no_canary_left(stack, run_id: str) -> None:
    """The deletes replicate too (asynchronously): wait until neither region holds a trace of the run."""
    stack.wait_for(
        lambda: canaries_left(stack, run_id) == {"primary": [], "dr": []},
        what="no canary left in either region",
    )


def canaries_left(stack, run_id: str) -> dict[str, list]:
    """Every trace of this run's canaries in both regions: table items and object versions."""
    out = stack.outputs
    key = {"PK": {"S": DRILL_CANARY_PARTITION}, "SK": {"S": run_id}}
    left: dict[str, list] = {}
    for side in ("primary", "dr"):
        item = stack.client("dynamodb", side).get_item(TableName=out.table.name, Key=key, ConsistentRead=True)
        bucket = out.media.bucket.primary if side == "primary" else out.media.bucket.dr
        versions = stack.client("s3", side).list_object_versions(
            Bucket=bucket, Prefix=f"{CANARY_PREFIX}{run_id}"
        )
        left[side] = ([item["Item"]] if "Item" in item else []) + versions.get("Versions", [])
    return left


def test_healthy_run_passes_with_a_small_rpo(stack, replication_rule, alerts):
    report = create_handler(drill_settings(stack))(event(rpo_minutes=0.5), None)

    assert report["passed"] is True, json.dumps(report, indent=2)
    by_name = checks(report)
    assert {
        "table_replica",
        "media_replication",
        "dr_api_health",
        "rpo_table",
        "rpo_s3",
        "canary_cleanup",
    } <= set(by_name)
    assert "emulator" in by_name["table_replica"]["detail"]  # moto reports no Replicas: the local answer
    assert report["rpo_target_seconds"] == 30
    for store in ("table", "s3"):
        assert 0 < report["rpo_seconds"][store] < 30
        assert by_name[f"rpo_{store}"]["seconds"] == report["rpo_seconds"][store]
    assert json.loads(json.dumps(report)) == report  # the report is plain JSON
    no_canary_left(stack, report["run_id"])
    assert alerts() == []  # nothing to say when it passed


def test_paused_replication_fails_on_rpo_and_leaves_no_canary(stack, replication_rule, alerts):
    stack.pause_replication()
    report = create_handler(drill_settings(stack))(event(rpo_minutes=0.05), None)  # a 3 s target

    assert report["passed"] is False
    by_name = checks(report)
    assert (
        by_name["table_replica"]["ok"]
        and by_name["media_replication"]["ok"]
        and by_name["dr_api_health"]["ok"]
    )
    for store in ("table", "s3"):
        assert report["rpo_seconds"][store] is None
        assert by_name[f"rpo_{store}"]["ok"] is False
        assert "not replicated" in by_name[f"rpo_{store}"]["detail"]
        assert "RPO target 3 s" in by_name[f"rpo_{store}"]["detail"]
    assert by_name["canary_cleanup"]["ok"] is True

    (alert,) = stack.wait_for(alerts, what="the drill's alert")
    assert "FAILED" in alert and "rpo_table" in alert and "rpo_s3" in alert and report["run_id"] in alert

    # The backlog replicates once resumed: the table canary's put and delete arrive as one delete, and the
    # S3 canary's version was deleted before it could replicate (S3 replicates existing versions only, and
    # never a version delete), so nothing is left anywhere.
    stack.resume_replication()

    def caught_up() -> bool:
        replicator = stack.status()["components"]["replicator"]
        return (
            replicator["items_applied"] >= 1
            and replicator["pending_items"] == replicator["pending_objects"] == 0
        )

    stack.wait_for(caught_up, what="replication catch-up")
    assert canaries_left(stack, report["run_id"]) == {"primary": [], "dr": []}


def test_dr_region_down_fails_preflight(stack, replication_rule):
    stack.region_down("dr")
    report = create_handler(drill_settings(stack))(event(), None)

    assert report["passed"] is False
    health = checks(report)["dr_api_health"]
    assert health["ok"] is False and "503" in health["detail"]
    # A dark region refuses every AWS call, the replica check's included.
    assert checks(report)["table_replica"]["ok"] is False
    stack.region_up("dr")
    # The drill cannot delete in a dark region: a copy of the S3 canary that replication read before the
    # drill's delete may land in DR once it is back (S3 replicates a version it has read; a version delete
    # is not replicated), as in AWS, where the DR bucket's lifecycle rule expires it
    # (terraform/contracts/drill_canary.json `canary_object_expire_days`). Nothing else may stay.
    run_id = report["run_id"]
    stack.wait_for(
        lambda: _without_raced_dr_copy(canaries_left(stack, run_id)) == {"primary": [], "dr": []},
        what="no canary left in either region but a DR copy that raced the outage",
    )
    _remove_dr_copies(stack, run_id)


def test_missing_bucket_replication_rule_fails_preflight_and_skips_the_s3_canary(
    stack, without_replication_rule
):
    report = create_handler(drill_settings(stack))(event(), None)

    by_name = checks(report)
    assert report["passed"] is False
    assert by_name["media_replication"]["ok"] is False
    assert "no replication configuration" in by_name["media_replication"]["detail"]
    assert by_name["rpo_s3"]["detail"] == "not measured: replication preflight failed"
    assert report["rpo_seconds"]["s3"] is None
    assert report["rpo_seconds"]["table"] is not None  # the table is still measured


def test_missing_dr_table_fails_the_emulator_replica_check(stack, replication_rule):
    report = create_handler(drill_settings(stack, dr_table_name="no-such-table"))(event(), None)

    check = checks(report)["table_replica"]
    assert check["ok"] is False and "no-such-table" in check["detail"]
    assert checks(report)["rpo_table"]["detail"] == "not measured: replication preflight failed"


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ({"mode": "failover", "rto_minutes": 15, "rpo_minutes": 5}, "mode"),
        ({"mode": "non-destructive", "rto_minutes": 15}, "rpo_minutes"),
        ({"mode": "non-destructive", "rto_minutes": 15, "rpo_minutes": -1}, "rpo_minutes"),
        ({"mode": "non-destructive", "rto_minutes": 15, "rpo_minutes": 5, "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_a_failed_report_that_touches_nothing(stack, bad, says, alerts):
    report = create_handler(drill_settings(stack))(bad, None)

    assert report["passed"] is False
    ((name, check),) = checks(report).items()
    assert name == "input" and says in check["detail"]
    assert canaries_left(stack, report["run_id"]) == {"primary": [], "dr": []}
    (alert,) = stack.wait_for(alerts, what="the drill's alert")
    assert "input" in alert


def _without_raced_dr_copy(left: dict[str, list]) -> dict[str, list]:
    """`left` without DR object versions (items, which have a "run_id", stay)."""
    return {"primary": left["primary"], "dr": [trace for trace in left["dr"] if "run_id" in trace]}


def _remove_dr_copies(stack, run_id: str) -> None:
    """What the DR bucket's canary lifecycle rule does in AWS a day later, so the next test starts clean."""
    bucket = stack.outputs.media.bucket.dr
    s3 = stack.client("s3", "dr")
    for version in s3.list_object_versions(Bucket=bucket, Prefix=f"{CANARY_PREFIX}{run_id}").get(
        "Versions", []
    ):
        s3.delete_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])
