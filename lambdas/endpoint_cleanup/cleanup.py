"""Which stream records remove a device registration, and what to retire in this region.

A device removed in one region (DELETE /devices, a token moving to another account, account deletion)
reaches the other region by replication; each region's cleanup sees the REMOVE in its own stream and
deletes the endpoint that region made for the token, unless another account's registration of the same
token exists there (the endpoint then serves that account: SNS keeps one endpoint per token).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import from_ddb
from backend_core.device_store import Device, DeviceStore, device_from_item
from backend_core.push import is_missing_endpoint


def removed_device(record: dict[str, Any]) -> Device | None:
    """The removed device registration of a stream record (its old image), or None for anything else."""
    if record.get("eventName") != "REMOVE":
        return None
    data = record.get("dynamodb") or {}
    keys = data.get("Keys") or {}
    if not item_keys.is_device(str((keys.get("SK") or {}).get("S", ""))):
        return None
    image = data.get("OldImage")
    return device_from_item(from_ddb(image)) if image else None


def retire_endpoint(devices: DeviceStore, sns: Any, region: str, device: Device) -> str | None:
    """Delete this region's endpoint of a removed device; the ARN deleted, or None when there was nothing
    to do (no endpoint here, or the token is registered by someone else here)."""
    endpoint = device.endpoint_in(region)
    if not endpoint:
        return None
    if devices.other_holders(device):
        return None
    try:
        sns.delete_endpoint(EndpointArn=endpoint)  # idempotent in SNS: deleting a deleted endpoint succeeds
    except ClientError as exc:
        if not is_missing_endpoint(exc):
            raise
    return endpoint
