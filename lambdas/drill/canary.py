"""RPO canaries: write a marker in the primary region, time how long until the DR region has it, remove it.

The measured lag runs from just before the write to the first poll that sees the copy, so it is an upper
bound on the replication lag (resolution: the poll interval). Canaries live under a dedicated partition
and prefix; the table canary also carries a TTL, so one the drill could not delete expires on its own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from drill.report import Check
from drill.settings import Settings


def _missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code", "") in {"404", "NoSuchKey", "NotFound"}


@dataclass
class Canary:
    store: str  # "table" or "s3"
    where: str  # where the copy is expected, for the report
    write: Callable[[], None]
    replicated: Callable[[], bool]
    remove: Callable[[], list[str]]  # what it removed, for the report
    lag_seconds: float | None = None
    written: bool = False
    error: str | None = None  # polling the DR copy failed (e.g. access denied): waiting longer cannot help
    _started: float = field(default=0.0, repr=False)


def table_canary(primary_ddb: Any, dr_ddb: Any, settings: Settings, run_id: str) -> Canary:
    key = {"PK": {"S": settings.canary_partition}, "SK": {"S": run_id}}
    item = {
        **key,
        "run_id": {"S": run_id},
        "expires_at": {"N": str(int(time.time()) + settings.canary_ttl_seconds)},
    }

    def write() -> None:
        primary_ddb.put_item(TableName=settings.table_name, Item=item)

    def replicated() -> bool:
        got = dr_ddb.get_item(TableName=settings.replica_table, Key=key, ConsistentRead=True)
        return "Item" in got

    def remove() -> list[str]:
        # The delete replicates like the put did; if the put has not arrived yet, both arrive in order.
        primary_ddb.delete_item(TableName=settings.table_name, Key=key)
        return [f"item {settings.canary_partition}/{run_id} in {settings.table_name}"]

    return Canary("table", f"{settings.replica_table} in {settings.dr_region}", write, replicated, remove)


def s3_canary(primary_s3: Any, dr_s3: Any, settings: Settings, run_id: str) -> Canary:
    key = f"{settings.canary_prefix}{run_id}"
    versions: dict[str, str | None] = {}

    def write() -> None:
        body = json.dumps({"run_id": run_id, "purpose": "DR drill RPO canary"}).encode()
        out = primary_s3.put_object(
            Bucket=settings.media_bucket, Key=key, Body=body, ContentType="application/json"
        )
        versions["primary"] = out.get("VersionId")

    def replicated() -> bool:
        try:
            head = dr_s3.head_object(Bucket=settings.dr_media_bucket, Key=key)
        except ClientError as exc:
            if _missing(exc):
                return False
            raise
        versions["dr"] = head.get("VersionId")
        return True

    def remove() -> list[str]:
        # Versioned buckets: delete the exact versions, so no noncurrent copy stays behind. A version
        # delete is not replicated, so the DR copy (when it arrived) is deleted here too.
        removed = []
        for bucket, client, side in (
            (settings.media_bucket, primary_s3, "primary"),
            (settings.dr_media_bucket, dr_s3, "dr"),
        ):
            if side not in versions:
                continue
            version = versions[side]
            extra = {"VersionId": version} if version else {}
            client.delete_object(Bucket=bucket, Key=key, **extra)
            removed.append(f"s3://{bucket}/{key}")
        return removed

    return Canary("s3", f"s3://{settings.dr_media_bucket}/{key}", write, replicated, remove)


def measure(canaries: list[Canary], wait_seconds: float, poll_seconds: float) -> None:
    """Write every canary, then poll them together until each is replicated or `wait_seconds` pass."""
    for canary in canaries:
        canary._started = time.monotonic()
        canary.write()
        canary.written = True
    deadline = time.monotonic() + wait_seconds
    pending = list(canaries)
    while pending:
        for canary in list(pending):
            try:
                seen = canary.replicated()
            except ClientError as exc:
                canary.error = f"reading the DR copy failed: {exc}"
                pending.remove(canary)
                continue
            if seen:
                canary.lag_seconds = round(time.monotonic() - canary._started, 3)
                pending.remove(canary)
        if not pending or time.monotonic() >= deadline:
            return
        time.sleep(min(poll_seconds, max(0.0, deadline - time.monotonic())))


def rpo_check(canary: Canary, target: float, wait: float) -> Check:
    """The verdict on one measured canary (`rpo_<store>`): replicated within `target` seconds or not.

    `wait` is how long the canary was polled (less than the target when the caller ran out of time).
    Shared by the scheduled drill and `ops drill`.
    """
    name = f"rpo_{canary.store}"
    if not canary.written:
        return Check(name, False, "canary not written (see rpo_canaries)")
    if canary.error:
        return Check(name, False, canary.error)
    if canary.lag_seconds is None:
        why = f"RPO target {target:g} s" if wait >= target else f"time budget; RPO target {target:g} s"
        return Check(name, False, f"canary not replicated to {canary.where} within {wait:.1f} s ({why})")
    ok = canary.lag_seconds <= target
    verdict = "within" if ok else "over"
    detail = f"replicated to {canary.where} in {canary.lag_seconds:.3f} s ({verdict} RPO target {target:g} s)"
    return Check(name, ok, detail, seconds=canary.lag_seconds)


def remove_all(canaries: list[Canary]) -> Check:
    """Remove every written canary (`canary_cleanup`); tries them all and names the ones that stayed."""
    removed, errors = [], []
    for canary in canaries:
        if not canary.written:
            continue
        try:
            removed += canary.remove()
        except Exception as exc:  # try every canary; say which one stayed
            errors.append(f"{canary.store}: {type(exc).__name__}: {exc}")
    if errors:
        return Check("canary_cleanup", False, "could not remove " + "; ".join(errors))
    return Check("canary_cleanup", True, "removed " + (", ".join(removed) or "nothing"))
