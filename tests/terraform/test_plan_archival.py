"""Archival in each env's offline plan (issue 11), against the contracts the local stack and the audit read:
the media buckets' lifecycle and Intelligent-Tiering configuration are the archival contract's (the audit's
"declared"), the primary media bucket has the daily Parquet S3 Inventory into the analytics bucket that the
Glue table reads, and both regions run the restore-completed notifier and the TTL archiver."""

from __future__ import annotations

from typing import Any

from backend_core.archival import ARCHIVAL_POLICY, INTELLIGENT_TIERING_ID, MEDIA_INVENTORY
from backend_core.s3_layout import MEDIA_PREFIX
from ops.audit.settings_check import normalise_rule, scratch_prefixes
from tests.terraform.conftest import changes


def _planned(plan: dict, resource_type: str) -> dict[str, dict]:
    return {
        c["address"]: c["change"]["after"]
        for c in plan["resource_changes"]
        if c["mode"] == "managed" and c["type"] == resource_type
    }


def _s3_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A planned `rule` block in the shape S3's API answers (what the audit normalises)."""
    prefix = next((f.get("prefix") for f in rule.get("filter") or [] if f.get("prefix")), "")
    expiration = (rule.get("expiration") or [{}])[0]
    out: dict[str, Any] = {
        "ID": rule["id"],
        "Status": rule["status"],
        "Filter": {"Prefix": prefix} if prefix else {},
        "Transitions": [
            {"Days": t["days"], "StorageClass": t["storage_class"]} for t in rule.get("transition") or []
        ],
        "NoncurrentVersionTransitions": [
            {"NoncurrentDays": t["noncurrent_days"], "StorageClass": t["storage_class"]}
            for t in rule.get("noncurrent_version_transition") or []
        ],
    }
    if rule.get("noncurrent_version_expiration"):
        out["NoncurrentVersionExpiration"] = {
            "NoncurrentDays": rule["noncurrent_version_expiration"][0]["noncurrent_days"]
        }
    if rule.get("abort_incomplete_multipart_upload"):
        out["AbortIncompleteMultipartUpload"] = {
            "DaysAfterInitiation": rule["abort_incomplete_multipart_upload"][0]["days_after_initiation"]
        }
    planned_expiration = {
        "Days": expiration.get("days"),
        "ExpiredObjectDeleteMarker": expiration.get("expired_object_delete_marker"),
    }
    out["Expiration"] = {k: v for k, v in planned_expiration.items() if v}
    return out


def test_media_lifecycle_and_tiering_are_the_archival_contract(plan: dict) -> None:
    """The audit compares every bucket's settings with ArchivalPolicy.lifecycle_rules and
    intelligent_tiering_configuration: the blueprint must plan exactly those (both media buckets' lifecycle;
    the primary's archive tiers)."""
    expected = {r["ID"]: normalise_rule(r) for r in ARCHIVAL_POLICY.lifecycle_rules(scratch_prefixes())}
    lifecycles = _planned(plan, "aws_s3_bucket_lifecycle_configuration")
    for site in ("media_primary", "media_dr"):
        (config,) = [v for k, v in lifecycles.items() if f"module.{site}." in k]
        assert {r["id"]: normalise_rule(_s3_rule(r)) for r in config["rule"]} == expected, site
    (tiering,) = changes(plan, "aws_s3_bucket_intelligent_tiering_configuration")
    contract = ARCHIVAL_POLICY.intelligent_tiering_configuration()
    assert tiering["name"] == INTELLIGENT_TIERING_ID and tiering["status"] == contract["Status"]
    assert sorted((t["access_tier"], t["days"]) for t in tiering["tiering"]) == sorted(
        (t["AccessTier"], t["Days"]) for t in contract["Tierings"]
    )


def test_primary_media_bucket_has_a_daily_parquet_inventory_the_glue_table_reads(plan: dict) -> None:
    inventories = _planned(plan, "aws_s3_bucket_inventory")
    assert list(inventories) == ["module.storage.aws_s3_bucket_inventory.media[0]"]
    (inventory,) = inventories.values()
    media = inventory["bucket"]
    assert media.startswith(f"mbt-{plan['_env']}-media-{plan['variables']['primary_region']['value']}-")
    assert inventory["schedule"][0]["frequency"] == MEDIA_INVENTORY.frequency == "Daily"
    destination = inventory["destination"][0]["bucket"][0]
    assert destination["format"] == MEDIA_INVENTORY.format == "Parquet"
    assert destination["prefix"] == MEDIA_INVENTORY.prefix
    assert sorted(inventory["optional_fields"]) == sorted(MEDIA_INVENTORY.optional_fields)
    assert inventory["included_object_versions"] == MEDIA_INVENTORY.included_object_versions

    tables = _planned(plan, "aws_glue_catalog_table")
    table = tables["module.analytics.aws_glue_catalog_table.media_inventory[0]"]
    analytics = next(v["bucket"] for k, v in _planned(plan, "aws_s3_bucket").items() if "events_bucket" in k)
    assert table["name"] == MEDIA_INVENTORY.table
    assert (
        table["storage_descriptor"][0]["location"] == f"s3://{analytics}/{MEDIA_INVENTORY.hive_prefix(media)}"
    )
    assert [c["name"] for c in table["storage_descriptor"][0]["columns"]] == [
        c["name"] for c in MEDIA_INVENTORY.terraform()["columns"]
    ]
    # The analytics bucket's policy admitting S3's deliveries is known only after apply: the module's
    # terraform test checks it (modules/analytics/tests).


def test_both_regions_notify_restores_and_archive_ttl_expiries(plan: dict) -> None:
    functions = _planned(plan, "aws_lambda_function")
    notifications = _planned(plan, "aws_s3_bucket_notification")
    mappings = _planned(plan, "aws_lambda_event_source_mapping")
    for site, region in (("primary", "primary_region"), ("dr", "dr_region")):
        for function in ("media_restored", "ttl_archiver"):
            assert f'module.api_{site}.aws_lambda_function.this["{function}"]' in functions, (site, function)
        assert f"module.api_{site}.aws_lambda_event_source_mapping.ttl_archive[0]" in mappings, site
        notification = notifications[f"module.api_{site}.aws_s3_bucket_notification.media_events[0]"]
        assert notification["bucket"].startswith(
            f"mbt-{plan['_env']}-media-{plan['variables'][region]['value']}-"
        )
        targets = {t["id"]: t for t in notification["lambda_function"]}
        # Every subscriber hears media objects only (the key layout's prefix).
        assert {t["filter_prefix"] for t in targets.values()} == {MEDIA_PREFIX}, targets
        assert targets["media-restored"]["events"] == ["s3:ObjectRestore:Completed"]
