"""Which stream records remove a device registration, and what to retire in this region.

A device removed in one region (DELETE /devices, a token moving to another account, account deletion)
reaches the other region by replication; each region's cleanup sees the REMOVE in its own stream and
deletes the endpoint that region made for the token, unless another account's registration of the same
token exists there (the endpoint then serves that account: SNS keeps one endpoint per token).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from backend_core.dal import Store
from backend_core.ddb import from_ddb
from backend_core.push import is_missing_endpoint

DEVICE_PREFIX = "DEVICE#"


def removed_device(record: dict[str, Any]) -> dict[str, Any] | None:
    """The removed device registration of a stream record (its old image), or None for anything else."""
    if record.get("eventName") != "REMOVE":
        return None
    data = record.get("dynamodb") or {}
    keys = data.get("Keys") or {}
    if not str((keys.get("SK") or {}).get("S", "")).startswith(DEVICE_PREFIX):
        return None
    image = data.get("OldImage")
    return from_ddb(image) if image else None


def retire_endpoint(store: Store, sns: Any, region: str, device: dict[str, Any]) -> str | None:
    """Delete this region's endpoint of a removed device; the ARN deleted, or None when there was nothing
    to do (no endpoint here, or the token is registered by someone else here)."""
    endpoint = (device.get("endpoints") or {}).get(region)
    if not endpoint:
        return None
    others = [h for h in store.token_holders(device["device_id"]) if h["PK"] != device["PK"]]
    if others:
        return None
    try:
        sns.delete_endpoint(EndpointArn=endpoint)  # idempotent in SNS: deleting a deleted endpoint succeeds
    except ClientError as exc:
        if not is_missing_endpoint(exc):
            raise
    return endpoint
