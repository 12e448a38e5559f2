"""Every media object classified by when it was last used and where S3 keeps it.

When an object was last used: the API hands out every download URL and records it (per region, the
`MEDIAUSE#<id>#<region>` items of backend_core.media_store), so the last use of a media object is the latest of its
upload (`created_at` of its `MEDIA#` item) and those records, read from the table once. An object without a
media item (and any other key) counts its last modification as its last use.

Where S3 keeps it: from the bucket's latest S3 Inventory report, queried through the analytics layer
(`ops.analytics.query`, Athena in AWS, DuckDB locally) when one exists; else from a paged listing plus a
HeadObject of every INTELLIGENT_TIERING object (the listing does not say the access tier), with progress bars.

Classes of a bucket that archives (inactive = not used for the policy's first archive tier's days):

| class | meaning | violation |
|---|---|---|
| active | used recently, online | no |
| inactive, archived | as the policy requires | no |
| archived, used recently (restore risk) | archived, then asked for: restoring, or will be | no (reported) |
| inactive, archive due | eligible less than ARCHIVE_GRACE_DAYS ago (S3 tiers daily) | no |
| inactive, not archived: <reason> | under 128 KB / not in INTELLIGENT_TIERING / no Intelligent-Tiering configuration / eligible, not archived | yes |

On the failover copy an inactive object stays online as required; an archived one is a violation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.archival import ARCHIVAL_POLICY, MEDIA_INVENTORY, TIERING_MIN_OBJECT_BYTES, media_key_parts
from backend_core.ddb import from_ddb
from ops.audit.env import AuditEnv
from ops.audit.model import BucketObjects, Violation

ARCHIVE_GRACE_DAYS = 2  # lifecycle and Intelligent-Tiering act once a day, asynchronously
# No archive tier takes an object idle for less than 90 days, whatever a bucket's configuration says (S3
# refuses fewer: https://docs.aws.amazon.com/AmazonS3/latest/API/API_Tiering.html).
ARCHIVE_TIER_FLOOR_DAYS = 90
# S3 Inventory spells the archive tiers without "_ACCESS"; HeadObject's x-amz-archive-status with it.
CANONICAL_TIER = {"ARCHIVE": "ARCHIVE_ACCESS", "DEEP_ARCHIVE": "DEEP_ARCHIVE_ACCESS"}
ARCHIVED = {"ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"}
Progress = Callable[[str, int | None], Callable[[int], None]]  # (description, total) -> advance(n)


@dataclass
class StoredObject:
    key: str
    size: int
    storage_class: str
    tier: str | None  # Intelligent-Tiering access tier (canonical), None when unknown or not in the class
    last_modified: datetime


def no_progress(description: str, total: int | None) -> Callable[[int], None]:
    return lambda n: None


# ---- last use -------------------------------------------------------------------------------------------
def last_uses(env: AuditEnv, progress: Progress = no_progress) -> dict[tuple[str, str], datetime]:
    """(user, media) -> last use, from the primary region's table (the DR replica if the primary fails)."""
    last_error: Exception | None = None
    for side in ("primary", "dr"):
        try:
            return _scan_uses(env.client("dynamodb", side), env.outputs.table.name, progress)
        except ClientError as exc:
            last_error = exc
    raise last_error or RuntimeError("no region to read")


def _scan_uses(ddb: Any, table: str, progress: Progress) -> dict[tuple[str, str], datetime]:
    found: dict[tuple[str, str], datetime] = {}
    advance = progress("reading media items and access records", None)
    kwargs: dict[str, Any] = {
        "TableName": table,
        "FilterExpression": "begins_with(SK, :media)",
        "ProjectionExpression": "PK, SK, media_id, created_at, last_used_at",
        "ExpressionAttributeValues": {":media": {"S": item_keys.MEDIA_FAMILY}},
    }
    while True:
        page = ddb.scan(**kwargs)
        for raw in page["Items"]:
            item = from_ddb(raw)
            sk = str(item["SK"])
            text = (
                item.get("last_used_at")
                if sk.startswith(item_keys.MEDIA_USE_PREFIX)
                else item.get("created_at")
            )
            if not text:
                continue
            media = str(item.get("media_id") or item_keys.media_id_of(sk))
            key = (item_keys.user_id_of(str(item["PK"])), media)
            moment = _parse_time(str(text))
            if moment is not None and (key not in found or moment > found[key]):
                found[key] = moment
        advance(len(page["Items"]))
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# ---- where S3 keeps each object ----------------------------------------------------------------------
def latest_inventory(env: AuditEnv, bucket: str) -> str | None:
    """The newest `dt=` partition of the bucket's inventory reports in the analytics bucket, or None."""
    s3 = env.client("s3", "primary")
    prefix = MEDIA_INVENTORY.hive_prefix(bucket)
    partitions = []
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=env.outputs.analytics.bucket, Prefix=prefix, Delimiter="/"
    ):
        partitions += [p["Prefix"][len(prefix) :].strip("/") for p in page.get("CommonPrefixes", [])]
    found = sorted(
        p.removeprefix(f"{MEDIA_INVENTORY.partition_key}=") for p in partitions if p.startswith("dt=")
    )
    return found[-1] if found else None


def inventory_objects(env: AuditEnv, bucket: str, dt: str) -> list[StoredObject]:
    """The objects of one inventory report, through the analytics layer (one SQL for Athena and DuckDB)."""
    from ops.analytics.engine import query
    from ops.analytics.target import Target

    target = dataclasses.replace(Target.from_outputs(env.outputs), table=MEDIA_INVENTORY.table)
    frame = query(
        f"SELECT key, size, storage_class, intelligent_tiering_access_tier AS tier, last_modified_date "  # noqa: S608
        f"FROM {MEDIA_INVENTORY.table} WHERE {MEDIA_INVENTORY.partition_key} = :dt AND bucket = :bucket",
        env.name,
        params={"dt": dt, "bucket": bucket},
        target=target,
    )
    out = []
    for key, size, storage_class, tier, modified in frame.itertuples(index=False, name=None):
        tier = None if tier is None or str(tier) in ("", "<NA>") else str(tier)
        out.append(
            StoredObject(
                str(key),
                int(size),
                str(storage_class or "STANDARD"),
                CANONICAL_TIER.get(tier, tier) if tier else None,
                _aware(modified.to_pydatetime() if hasattr(modified, "to_pydatetime") else modified),
            )
        )
    return out


def listed_objects(
    env: AuditEnv, bucket: str, side: str, progress: Progress = no_progress, now: datetime | None = None
) -> list[StoredObject]:
    """A paged listing of the bucket, then a HeadObject of each INTELLIGENT_TIERING object that can be in an
    archive tier for its tier: one written at least ARCHIVE_TIER_FLOOR_DAYS ago (an object cannot have gone
    unread longer than it has existed)."""
    now = now or datetime.now(UTC)
    s3 = env.client("s3", side)
    objects: list[StoredObject] = []
    advance = progress(f"listing {bucket}", None)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        contents = page.get("Contents", [])
        for entry in contents:
            objects.append(
                StoredObject(
                    entry["Key"],
                    int(entry["Size"]),
                    entry.get("StorageClass", "STANDARD"),
                    None,
                    _aware(entry["LastModified"]),
                )
            )
        advance(len(contents))
    tiered = [
        o
        for o in objects
        if o.storage_class == "INTELLIGENT_TIERING"
        and (now - o.last_modified).days >= ARCHIVE_TIER_FLOOR_DAYS
    ]
    if tiered:
        advance = progress(
            f"archive status of {len(tiered)} Intelligent-Tiering objects in {bucket}", len(tiered)
        )

        def head(obj: StoredObject) -> None:
            status = s3.head_object(Bucket=bucket, Key=obj.key).get("ArchiveStatus")
            obj.tier = CANONICAL_TIER.get(status, status) if status else None
            advance(1)

        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(head, tiered))
    return objects


# ---- classification --------------------------------------------------------------------------------
def inactive_after_days(tiers: dict[str, int] | None = None) -> int:
    """Days without use after which the policy archives: its first archive tier."""
    return min((tiers or ARCHIVAL_POLICY.archive_tiers()).values())


def classify(
    result: BucketObjects,
    objects: list[StoredObject],
    uses: dict[tuple[str, str], datetime],
    archives: bool,
    actual_tiers: dict[str, int],
    now: datetime,
) -> tuple[list[Violation], list[tuple[StoredObject, int]]]:
    """Fill `result` with the class of each object; the violations (one per class at fault, with counts,
    bytes and sample keys) and (object, days since last use) for the cost model."""
    threshold = inactive_after_days()
    idle: list[tuple[StoredObject, int]] = []
    for obj in objects:
        parts = media_key_parts(obj.key)
        last = uses.get(parts) if parts else None
        days = max(0, (now - (last or obj.last_modified)).days)
        idle.append((obj, days))
        prefix = obj.key.split("/", 1)[0] + "/" if "/" in obj.key else "(root)"
        if parts is None:
            result.add(prefix, "not media (not classified)", obj.size, obj.key)
            continue
        result.add(prefix, _class_of(obj, days, threshold, archives, actual_tiers), obj.size, obj.key)
    violations = []
    for klass, totals in sorted(result.classes.items()):
        if klass.startswith("inactive, not archived") or klass == "archived on the failover copy":
            sample = ", ".join(result.samples.get(klass, []))
            violations.append(
                Violation(
                    "objects",
                    f"{result.bucket} ({result.role})",
                    klass,
                    actual=f"{totals.count} object(s), {_size(totals.bytes)}",
                    detail=f"e.g. {sample}",
                )
            )
    return violations, idle


def _class_of(
    obj: StoredObject, days: int, threshold: int, archives: bool, actual_tiers: dict[str, int]
) -> str:
    archived = obj.tier in ARCHIVED
    if not archives:
        if archived:
            return "archived on the failover copy"
        return "active" if days < threshold else "inactive, online (failover copy)"
    if archived:
        return "inactive, archived" if days >= threshold else "archived, used recently (restore risk)"
    if days < threshold:
        return "active"
    if obj.size < TIERING_MIN_OBJECT_BYTES:
        return "inactive, not archived: under 128 KB (Intelligent-Tiering never moves it)"
    if obj.storage_class != "INTELLIGENT_TIERING":
        return f"inactive, not archived: not in INTELLIGENT_TIERING ({obj.storage_class})"
    if not actual_tiers:
        return "inactive, not archived: Intelligent-Tiering configuration missing"
    if days < min(actual_tiers.values()) + ARCHIVE_GRACE_DAYS:
        return "inactive, archive due"
    return "inactive, not archived: eligible, still online"


def _aware(moment: Any) -> datetime:
    if isinstance(moment, str):
        parsed = _parse_time(moment)
        return parsed or datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse_time(text: str) -> datetime | None:
    try:
        return _aware(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"
