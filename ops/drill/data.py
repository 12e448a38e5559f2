"""Direct reads and deletes of the drill's own data in each region's table and buckets (operator access).

The drill asks the API what a user sees; it reads the stores directly only to measure (which acknowledged
writes a region holds) and to clean up after itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from backend_core.sync_store import SyncStore

_ENDPOINT_ARN = re.compile(r"^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d+:endpoint/")


def present_sync_items(
    ddb: Any,
    table: str,
    region: str,
    regions: tuple[str, ...],
    user_id: str,
    collection: str,
    item_ids: Iterable[str],
) -> set[str]:
    """Which of `item_ids` are live (some region's copy is here and the merged item is no tombstone) in
    `region`'s table, read as the API reads them (strongly consistent)."""
    store = SyncStore(ddb, table, region, regions)
    return {i for i, item in store.get_many(user_id, collection, list(item_ids)).items() if not item.deleted}


def partition_items(ddb: Any, table: str, pk: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
        "ConsistentRead": True,
    }
    while True:
        page = ddb.query(**kwargs)
        items += page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def endpoint_arns(items: Iterable[dict[str, Any]]) -> set[str]:
    """Every SNS platform endpoint ARN named anywhere in these items (device records)."""
    found: set[str] = set()
    for item in items:
        for value in item.values():
            for text in _strings(value):
                if _ENDPOINT_ARN.match(text):
                    found.add(text)
    return found


def arn_region(arn: str) -> str | None:
    match = _ENDPOINT_ARN.match(arn)
    return match.group(1) if match else None


def delete_items(ddb: Any, table: str, items: Iterable[dict[str, Any]]) -> int:
    """Delete by key, 25 to a BatchWriteItem (its limit), retrying what comes back unprocessed."""
    keys_ = list({(i["PK"]["S"], i["SK"]["S"]) for i in items})
    for start in range(0, len(keys_), 25):
        request = {
            table: [
                {"DeleteRequest": {"Key": {"PK": {"S": pk}, "SK": {"S": sk}}}}
                for pk, sk in keys_[start : start + 25]
            ]
        }
        while request:
            request = ddb.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
    return len(keys_)


def delete_prefix_versions(s3: Any, bucket: str, prefix: str) -> int:
    """Every version and delete marker under `prefix` (versioned buckets keep them otherwise)."""
    count = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        objects = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
            count += len(objects)
    return count


def _strings(value: dict[str, Any]) -> list[str]:
    if "S" in value:
        return [value["S"]]
    if "SS" in value:
        return list(value["SS"])
    if "L" in value:
        return [s for v in value["L"] for s in _strings(v)]
    if "M" in value:
        return [s for v in value["M"].values() for s in _strings(v)]
    return []
