"""`ops audit lifecycle` on the local stack (issue 11): it passes a fresh stack, and fails naming the cause when
an Intelligent-Tiering configuration is removed, a lifecycle rule is changed, an inactive object is left in
Standard, or an item removed by TTL is missing from the archive. The TTL archivers of both regions never
archive an item twice, with replication paused and with a region dark.

One stack, one reset per test, a handful of objects: each fault is made, seen, and repaired in turn.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import typer
from typer.testing import CliRunner

from backend_core import item_keys
from backend_core.archival import ARCHIVAL_POLICY, INTELLIGENT_TIERING_ID, TIERING_MIN_OBJECT_BYTES
from backend_core.ddb import to_ddb
from ops.audit.cli import app as audit_app
from ops.audit.env import AuditEnv
from ops.audit.lifecycle import STALE_INVENTORY_DAYS, audit_lifecycle
from ops.audit.settings_check import scratch_prefixes

pytestmark = pytest.mark.integration
TTL_PREFIX = ARCHIVAL_POLICY.expired_items_prefix


def put_media(stack, user_id: str, size: int, storage_class: str) -> str:
    """A media object and its media item, as an upload through the API leaves them."""
    media_id = uuid.uuid4().hex[:12]
    key = f"users/{user_id}/media/{media_id}"
    stack.client("s3").put_object(
        Bucket=stack.outputs.media.bucket.primary, Key=key, Body=b"m" * size, StorageClass=storage_class
    )
    stack.client("dynamodb").put_item(
        TableName=stack.outputs.table.name,
        Item={
            **to_ddb(item_keys.media(user_id, media_id)),
            "media_id": {"S": media_id},
            "object_key": {"S": key},
            "content_type": {"S": "image/png"},
            "created_at": {"S": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())},
        },
    )
    return key


def audit(stack, **kwargs):
    return audit_lifecycle(AuditEnv(stack.outputs), **kwargs)


def whats(report) -> list[tuple[str, str, str]]:
    return [(v.area, v.subject, v.what) for v in report.violations]


def test_the_audit_passes_a_fresh_stack_and_names_each_broken_rule(local_stack_clean):
    stack = local_stack_clean
    primary = stack.outputs.media.bucket.primary
    s3 = stack.client("s3")
    big = put_media(stack, "auditor", TIERING_MIN_OBJECT_BYTES + 1024, "INTELLIGENT_TIERING")
    small = put_media(stack, "auditor", 2048, "STANDARD")

    fresh = audit(stack, source="listing")
    assert fresh.passed, [v.line() for v in fresh.violations]
    classes = {b.bucket: b.classes for b in fresh.objects}
    assert classes[primary]["active"].count == 2
    assert fresh.cost["buckets"][primary]["objects"] == 2
    stack.inventory()  # the same answer from S3 Inventory through the analytics layer
    from_inventory = audit(stack, source="inventory")
    assert from_inventory.passed, [v.line() for v in from_inventory.violations]
    assert next(b for b in from_inventory.objects if b.bucket == primary).source.startswith(
        "S3 Inventory dt="
    )
    # An inventory older than S3's daily delivery means delivery stopped: a violation, and `auto` falls
    # back to a listing rather than classifying objects from old data.
    later = datetime.now(UTC) + timedelta(days=STALE_INVENTORY_DAYS)
    stale = audit(stack, source="auto", now=later)
    assert ("audit", f"{primary} (primary)", "S3 Inventory delivery") in whats(stale)
    assert next(b for b in stale.objects if b.bucket == primary).source == "listing"

    # 1. The Intelligent-Tiering configuration removed: no archive tier on the primary media bucket.
    s3.delete_bucket_intelligent_tiering_configuration(Bucket=primary, Id=INTELLIGENT_TIERING_ID)
    report = audit(stack, source="listing")
    assert whats(report) == [
        ("settings", f"{primary} (media)", f"Intelligent-Tiering configuration {INTELLIGENT_TIERING_ID}")
    ]
    assert report.violations[0].actual == "(none)"
    configuration = ARCHIVAL_POLICY.intelligent_tiering_configuration()
    s3.put_bucket_intelligent_tiering_configuration(
        Bucket=primary, Id=configuration["Id"], IntelligentTieringConfiguration=configuration
    )

    # 2. A lifecycle rule changed: the tiering transition 30 days late.
    rules = ARCHIVAL_POLICY.lifecycle_rules(scratch_prefixes())
    changed = [dict(r) for r in rules]
    changed[0]["Transitions"] = [{"Days": 30, "StorageClass": "INTELLIGENT_TIERING"}]
    s3.put_bucket_lifecycle_configuration(Bucket=primary, LifecycleConfiguration={"Rules": changed})
    report = audit(stack, source="listing")
    assert whats(report) == [
        ("settings", f"{primary} (media)", f"lifecycle rule {rules[0]['ID']}: transitions")
    ]
    assert "INTELLIGENT_TIERING after 0 days" in report.violations[0].expected
    assert "INTELLIGENT_TIERING after 30 days" in report.violations[0].actual

    # 3. Inactive objects left online: six months pass while the lifecycle transitions nothing (the rule is
    # put back afterwards, so only the objects are at fault).
    no_transition = {k: v for k, v in rules[0].items() if k != "Transitions"}
    s3.put_bucket_lifecycle_configuration(
        Bucket=primary, LifecycleConfiguration={"Rules": [no_transition, *rules[1:]]}
    )
    s3.copy_object(  # the big one back in Standard, as an upload before the transition existed left it
        Bucket=primary, Key=big, CopySource={"Bucket": primary, "Key": big}, StorageClass="STANDARD"
    )
    clock = stack.archive(0)
    assert clock["buckets"][primary]["online: STANDARD class"] == 1
    s3.put_bucket_lifecycle_configuration(Bucket=primary, LifecycleConfiguration={"Rules": rules})
    report = audit(stack, source="listing")
    subject = f"{primary} (media)"
    assert sorted(whats(report)) == [
        ("objects", subject, "inactive, not archived: not in INTELLIGENT_TIERING (STANDARD)"),
        ("objects", subject, "inactive, not archived: under 128 KB (Intelligent-Tiering never moves it)"),
    ]
    by_what = {v.what: v for v in report.violations}
    assert big in by_what["inactive, not archived: not in INTELLIGENT_TIERING (STANDARD)"].detail
    assert (
        small in by_what["inactive, not archived: under 128 KB (Intelligent-Tiering never moves it)"].detail
    )
    # The CLI, as people, CI and the schedule run it: exit 1, the cause in the Markdown report.
    ops = typer.Typer()
    ops.add_typer(audit_app, name="audit")  # as ops.cli registers it
    cli = CliRunner().invoke(
        ops,
        ["audit", "lifecycle", "--env", "local", "--format", "md", "--source", "listing"],
        env={"MBT_LOCAL_STATE_DIR": str(stack.state_dir)},
    )
    assert cli.exit_code == 1, cli.output
    assert "# Lifecycle audit of `local`: FAILED: 2 violation(s)" in cli.stdout
    assert "not in INTELLIGENT_TIERING (STANDARD)" in cli.stdout
    s3.delete_object(Bucket=primary, Key=big)
    s3.delete_object(Bucket=primary, Key=small)

    # 4. An item removed by TTL whose archive record is missing (in the primary only: replication paused, so
    # neither the item nor the record's removal reaches DR).
    stack.pause_replication()
    pk = f"SESSION#{uuid.uuid4().hex[:8]}"
    stack.client("dynamodb").put_item(
        TableName=stack.outputs.table.name,
        Item={"PK": {"S": pk}, "SK": {"S": "S"}, "expires_at": {"N": str(int(time.time()) - 60)}},
    )
    stack.ttl_sweep()  # (the stand-in also sweeps on its own every few seconds)
    record = stack.wait_for(lambda: _ttl_records(stack, "primary"), what="the TTL archive record")[0]
    s3.delete_object(Bucket=primary, Key=record)
    report = audit(stack, source="listing")
    assert [(v.area, v.what) for v in report.violations] == [
        ("ttl", "items removed by TTL without an archive record")
    ]
    assert report.violations[0].subject.startswith(f"primary {stack.region('primary')} ")
    assert pk in report.violations[0].detail


def _ttl_records(stack, label: str) -> list[str]:
    bucket = stack.outputs.media.bucket.primary if label == "primary" else stack.outputs.media.bucket.dr
    listed = stack.client("s3", label).list_objects_v2(Bucket=bucket, Prefix=TTL_PREFIX)
    return [o["Key"] for o in listed.get("Contents", [])]


def test_both_regions_ttl_archivers_never_archive_an_item_twice(local_stack_clean):
    """Replication paused: the item expires in both regions, both streams carry its TTL removal, both
    archivers run; each bucket holds one record, under the same key. Then the primary goes dark: the DR
    region's TTL removes and archives on its own, and the audit reconciles DR and says the primary was not
    checked (it never passes what it did not see)."""
    stack = local_stack_clean
    table = stack.outputs.table.name
    pk = f"SESSION#{uuid.uuid4().hex[:8]}"
    item = {"PK": {"S": pk}, "SK": {"S": "S"}, "expires_at": {"N": str(int(time.time()) - 60)}}
    stack.pause_replication()
    for label in ("primary", "dr"):  # the item in both regions, as replication left it before the pause
        stack.client("dynamodb", label).put_item(TableName=table, Item=item)
    stack.ttl_sweep()  # each region's TTL deletes its copy: neither saw the other's delete
    keys = {
        label: stack.wait_for(lambda label=label: _ttl_records(stack, label), what=f"the {label} record")
        for label in ("primary", "dr")
    }
    assert len(keys["primary"]) == 1 and keys["primary"] == keys["dr"]
    stack.resume_replication()
    report = audit(stack, source="listing")
    assert report.passed, [v.line() for v in report.violations]
    assert sorted((d.region, d.removed, d.archived) for d in report.ttl) == [
        (stack.region("primary"), 1, 1),
        (stack.region("dr"), 1, 1),
    ]

    stack.pause_replication()
    stack.region_down("primary")
    second = {**item, "PK": {"S": f"SESSION#{uuid.uuid4().hex[:8]}"}}
    stack.client("dynamodb", "dr").put_item(TableName=table, Item=second)  # written in DR while failed over
    stack.ttl_sweep()  # the DR region's TTL, with the primary dark
    stack.wait_for(lambda: len(_ttl_records(stack, "dr")) == 2, what="the DR record of the second item")
    report = audit(stack, source="listing")
    assert ("audit", "objects") in {(v.area, v.what) for v in report.violations}  # the dark bucket
    ttl = [v for v in report.violations if v.area == "ttl"]
    assert [(v.subject, v.actual) for v in ttl] == [(f"primary {stack.region('primary')}", "not checked")]
    assert (stack.region("dr"), 2, 2) in {(d.region, d.removed, d.archived) for d in report.ttl}
