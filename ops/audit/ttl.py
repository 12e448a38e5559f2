"""TTL archive reconciliation: every item DynamoDB's TTL removed has its record under the TTL archive prefix.

A TTL deletion appears only in the stream of the region whose TTL process deleted the item (with
`userIdentity` = the DynamoDB service); the other region sees a replicated delete. So each region's stream is
read (DynamoDB Streams keeps 24 hours: run the audit more often than daily, as the scheduled workflow does twice a day, so runs overlap), its TTL
removals are grouped by UTC day, and for each the record the TTL archiver writes (the same key in every
region: lambdas/ttl_archiver/archive.py) is looked up in that region's media bucket (listed per expiry day).
A removal without a record is a gap: a violation naming the region, the day and the item's keys.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from backend_core.archival import ARCHIVAL_POLICY
from backend_core.ttl_removal import is_ttl_removal_stream_record
from ops.audit.env import AuditEnv
from ops.audit.model import TtlDay, Violation
from ttl_archiver.archive import archive_key, plain

STREAM_RETENTION = timedelta(hours=24)


def reconcile(
    env: AuditEnv, now: datetime, advance: Callable[[int], None] | None = None
) -> tuple[list[TtlDay], list[Violation], list[str]]:
    """(per region and day, violations, notes)."""
    days: list[TtlDay] = []
    violations: list[Violation] = []
    notes: list[str] = []
    for side in ("primary", "dr"):
        region = env.region(side)
        bucket = env.outputs.media.bucket.primary if side == "primary" else env.outputs.media.bucket.dr
        try:
            removals = _ttl_removals(
                env.client("dynamodbstreams", side), env.outputs.table.name, now, advance
            )
            found = _archived_keys(env.client("s3", side), bucket, _day_prefixes(removals))
        except (ClientError, BotoCoreError) as exc:
            violations.append(
                Violation(
                    "ttl",
                    f"{side} {region}",
                    "TTL archive reconciliation",
                    "checked",
                    "not checked",
                    _why(exc),
                )
            )
            continue
        by_day: dict[str, TtlDay] = {}
        for removed_at, key, item_keys in removals:
            day = by_day.setdefault(
                removed_at.strftime("%Y-%m-%d"), TtlDay(region, removed_at.strftime("%Y-%m-%d"))
            )
            day.removed += 1
            if key in found:
                day.archived += 1
            else:
                day.missing.append(item_keys)
        for day in sorted(by_day.values(), key=lambda d: d.day):
            days.append(day)
            if day.missing:
                violations.append(
                    Violation(
                        "ttl",
                        f"{side} {region} {day.day}",
                        "items removed by TTL without an archive record",
                        f"{day.removed} archived",
                        f"{day.archived} archived, {len(day.missing)} missing",
                        "e.g. " + ", ".join(day.missing[:3]),
                    )
                )
        if not by_day:
            notes.append(f"{side} {region}: no TTL removals in the stream's last 24 hours")
    return days, violations, notes


def _ttl_removals(
    streams: Any, table: str, now: datetime, advance: Callable[[int], None] | None
) -> list[tuple[datetime, str, str]]:
    """(removed at, archive key, item keys as text) of every TTL removal in the region's stream, 24 hours."""
    listed = streams.list_streams(TableName=table).get("Streams", [])
    if not listed:
        return []
    arn = listed[-1]["StreamArn"]
    found = []
    for shard in stream_shards(streams, arn):
        position: dict[str, str] = {"ShardIteratorType": "TRIM_HORIZON"}
        while True:
            # A fresh iterator per page, after the last record read (no iterator chains to keep alive).
            iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], **position)[
                "ShardIterator"
            ]
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            records = page.get("Records", [])
            for record in records:
                if not is_ttl_removal_stream_record(record):
                    continue
                data = dict(record["dynamodb"])
                created = data.get("ApproximateCreationDateTime")
                removed_at = (
                    created
                    if isinstance(created, datetime)
                    else datetime.fromtimestamp(float(created or 0), UTC)
                )
                removed_at = removed_at if removed_at.tzinfo else removed_at.replace(tzinfo=UTC)
                if now - removed_at > STREAM_RETENTION:
                    continue
                data["ApproximateCreationDateTime"] = int(removed_at.timestamp())  # as a Lambda event has it
                event = {"eventName": "REMOVE", "dynamodb": data}
                item_keys = ", ".join(f"{k}={v}" for k, v in sorted(plain(data.get("Keys", {})).items()))
                found.append(
                    (removed_at, archive_key(ARCHIVAL_POLICY.expired_items_prefix, event), item_keys)
                )
            if advance:
                advance(len(records))
            if not records or page.get("NextShardIterator") is None:
                break
            position = {
                "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                "SequenceNumber": records[-1]["dynamodb"]["SequenceNumber"],
            }
    return found


def stream_shards(streams: Any, arn: str) -> list[dict]:
    """Every shard of the stream, open and closed: a dict per shard as DescribeStream gives it. DescribeStream
    answers at most 100 shards a call and names the last one in LastEvaluatedShardId when more follow (DynamoDB
    Streams API reference, DescribeStream); a stream splits its shards every few hours, so a day of a busy
    table's stream can hold more than one page. Raises botocore's ClientError as DescribeStream does."""
    shards: list[dict] = []
    page: dict[str, str] = {}
    while True:
        described = streams.describe_stream(StreamArn=arn, **page)["StreamDescription"]
        shards += described.get("Shards", [])
        last = described.get("LastEvaluatedShardId")
        if not last:
            return shards
        page = {"ExclusiveStartShardId": last}


def _day_prefixes(removals: list[tuple[datetime, str, str]]) -> set[str]:
    return {key.rsplit("/", 1)[0] + "/" for _, key, _ in removals}


def _archived_keys(s3: Any, bucket: str, prefixes: set[str]) -> set[str]:
    """Every record under the given day prefixes of the TTL archive in the bucket."""
    found: set[str] = set()
    for prefix in sorted(prefixes):
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            found.update(obj["Key"] for obj in page.get("Contents", []))
    return found


def _why(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code')}: {error.get('Message')}"
    return f"{type(exc).__name__}: {exc}"
