"""Is every stateful store replicated and the DR API up? Each check answers a `Check`, never raises.

The replica check reads the global table's `Replicas` (AWS). moto reports no replicas, so on the
emulator (an endpoint URL is set) it falls back to the DR table itself: ACTIVE with a stream, which is
what the local stack's replicator (the global-table stand-in) needs. In AWS a table without replicas fails.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from botocore.exceptions import ClientError

from drill.report import Check
from drill.settings import Settings


def replica_in(replicas: list[dict[str, Any]], region: str) -> tuple[bool, str]:
    """Whether the global table's replica list has an ACTIVE replica in `region`, and what it says."""
    for replica in replicas:
        if replica.get("RegionName") == region:
            status = replica.get("ReplicaStatus", "UNKNOWN")
            return status == "ACTIVE", f"global table replica in {region} is {status}"
    found = ", ".join(sorted(r.get("RegionName", "?") for r in replicas)) or "none"
    return False, f"no replica in {region} (replicas: {found})"


def table_replica(primary_ddb: Any, dr_ddb: Any, settings: Settings) -> Check:
    name = "table_replica"
    table = primary_ddb.describe_table(TableName=settings.table_name)["Table"]
    replicas = table.get("Replicas") or []
    if replicas:
        ok, detail = replica_in(replicas, settings.dr_region)
        return Check(name, ok, f"{settings.table_name}: {detail}")
    if settings.endpoint_url is None:
        return Check(name, False, f"{settings.table_name} has no replicas: it is not a global table")
    try:
        replica = dr_ddb.describe_table(TableName=settings.replica_table)["Table"]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        return Check(
            name, False, f"emulator: no table {settings.replica_table} in {settings.dr_region} ({code})"
        )
    status = replica.get("TableStatus", "UNKNOWN")
    streaming = bool((replica.get("StreamSpecification") or {}).get("StreamEnabled"))
    return Check(
        name,
        status == "ACTIVE" and streaming,
        f"emulator (no Replicas reported): {settings.replica_table} in {settings.dr_region} is {status}, "
        f"stream {'on' if streaming else 'off'}",
    )


def _prefix_of(rule: dict[str, Any]) -> tuple[str, bool]:
    """(key prefix, whether the rule also needs tags) of a replication rule's filter."""
    if "Prefix" in rule:  # the V1 schema
        return rule["Prefix"] or "", False
    flt = rule.get("Filter") or {}
    if "And" in flt:
        return flt["And"].get("Prefix", "") or "", bool(flt["And"].get("Tags"))
    return flt.get("Prefix", "") or "", "Tag" in flt


def rule_to(config: dict[str, Any], bucket: str, key: str) -> dict[str, Any] | None:
    """The enabled rule that replicates `key` (untagged) to `bucket`, if any."""
    for rule in config.get("Rules", []):
        destination = (rule.get("Destination") or {}).get("Bucket", "")
        prefix, needs_tags = _prefix_of(rule)
        if (
            rule.get("Status") == "Enabled"
            and destination.endswith(f":::{bucket}")
            and key.startswith(prefix)
            and not needs_tags
        ):
            return rule
    return None


def media_replication(s3: Any, settings: Settings) -> Check:
    name = "media_replication"
    try:
        config = s3.get_bucket_replication(Bucket=settings.media_bucket)["ReplicationConfiguration"]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ReplicationConfigurationNotFoundError":
            return Check(name, False, f"{settings.media_bucket} has no replication configuration")
        raise
    rule = rule_to(config, settings.dr_media_bucket, settings.canary_prefix)
    if rule is None:
        return Check(
            name, False, f"{settings.media_bucket}: no enabled rule replicates to {settings.dr_media_bucket}"
        )
    return Check(
        name, True, f"{settings.media_bucket} -> {settings.dr_media_bucket} (rule {rule.get('ID', '?')})"
    )


def dr_api_health(settings: Settings) -> Check:
    name = "dr_api_health"
    url = f"{settings.dr_api_url}/health"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (http(s) only: Settings)
    try:
        with urllib.request.urlopen(request, timeout=settings.health_timeout_seconds) as response:  # noqa: S310
            body = response.read(4096)
            status = response.status
    except urllib.error.HTTPError as exc:
        return Check(name, False, f"GET {url} answered {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Check(name, False, f"GET {url} failed: {reason}")
    if status != 200:
        return Check(name, False, f"GET {url} answered {status}")
    try:
        region = json.loads(body).get("region", "?")
    except (ValueError, AttributeError):
        region = "?"
    return Check(name, True, f"GET {url} answered 200 (region {region})")
