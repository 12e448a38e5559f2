"""Devices: a user's push-token registrations (`item_keys.device`), one per token, found by token on GSI2.

A token belongs to one user in every region: registering it ends every other account's registration this
region knows of, in the same transaction; one the other region made during a partition is retired by the
notify worker's owner check (the latest registration wins). backend_core/README.md says how this holds when
both regions write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import TableAccess, conditional_failed, from_ddb, to_ddb, values


class DeviceNotFound(LookupError):
    """The user has no device with that id (another user's id looks exactly like a missing one)."""


@dataclass(frozen=True)
class Device:
    """A push-token registration of a user's device, with its SNS endpoint in each region that made one."""

    user_id: str
    device_id: str  # `backend_core.push.device_id(platform, token)`
    platform: str  # "apns" | "fcm"
    token: str
    endpoints: dict[str, str] = field(default_factory=dict)  # region -> that region's SNS endpoint ARN
    enabled: bool = True
    registered_at: str = ""  # ISO-8601 UTC; the latest registration of a token wins
    disabled_reason: str | None = None

    def endpoint_in(self, region: str) -> str | None:
        return self.endpoints.get(region)


def device_from_item(item: dict[str, Any]) -> Device:
    """A device row (also a stream record's old image, as plain values) as the entity."""
    return Device(
        user_id=item_keys.user_id_of(str(item["PK"])),
        device_id=str(item.get("device_id") or str(item["SK"]).removeprefix(item_keys.DEVICE_PREFIX)),
        platform=str(item.get("platform", "")),
        token=str(item.get("token", "")),
        endpoints={str(k): str(v) for k, v in (item.get("endpoints") or {}).items()},
        enabled=bool(item.get("enabled", True)),
        registered_at=str(item.get("registered_at", "")),
        disabled_reason=item.get("disabled_reason"),
    )


class DeviceStore(TableAccess):
    def register(
        self,
        user_id: str,
        device_id: str,
        platform: str,
        token: str,
        region: str,
        endpoint_arn: str,
        now: str,
    ) -> Device:
        """Register the token for the user, with this region's endpoint; a token moves with the phone, so
        every other account's registration of it that this region knows of ends in the same transaction
        (one the other region has not replicated yet is retired by the worker's owner check)."""
        device = Device(user_id, device_id, platform, token, {region: endpoint_arn}, True, now)
        item = {
            **item_keys.device(user_id, device_id),
            "GSI2PK": item_keys.push_token_pk(device_id),
            "GSI2SK": item_keys.user_pk(user_id),
            "device_id": device_id,
            "user_id": user_id,
            "platform": platform,
            "token": token,
            "endpoints": dict(device.endpoints),
            "enabled": True,
            "registered_at": now,
        }
        ops: list[dict[str, Any]] = [{"Put": {"TableName": self.table, "Item": to_ddb(item)}}]
        for holder in self.token_holders(device_id):
            if holder.user_id != user_id:
                key = item_keys.device(holder.user_id, holder.device_id)
                ops.append({"Delete": {"TableName": self.table, "Key": to_ddb(key)}})
        if len(ops) == 1:
            self.db.put_item(TableName=self.table, Item=to_ddb(item))
        else:
            self.db.transact_write_items(TransactItems=ops)
        return device

    def token_holders(self, device_id: str) -> list[Device]:
        """Every registration of one token this region knows of (GSI2, eventually consistent)."""
        page = self._query_page(
            IndexName="GSI2",
            KeyConditionExpression="GSI2PK = :pk",
            ExpressionAttributeValues=values(pk=item_keys.push_token_pk(device_id)),
        )
        return [device_from_item(i) for i in page.items]

    def other_holders(self, device: Device) -> list[Device]:
        """Registrations of the device's token by other accounts (this region's view)."""
        return [h for h in self.token_holders(device.device_id) if h.user_id != device.user_id]

    def token_owner(self, device: Device) -> str:
        """Who the token of `device` belongs to now: the latest registration wins, in every region alike
        (registrations made in both regions during a partition both exist until one is retired)."""
        holders = self.token_holders(device.device_id)
        if not any(h.user_id == device.user_id for h in holders):
            holders.append(device)  # just registered: the index may not show it yet
        return max(holders, key=lambda h: (h.registered_at, item_keys.user_pk(h.user_id))).user_id

    def set_endpoint(self, user_id: str, device_id: str, region: str, endpoint_arn: str) -> None:
        """Remember the endpoint a region created for the device (nothing happens if the device is gone)."""
        try:
            self.db.update_item(
                TableName=self.table,
                Key=to_ddb(item_keys.device(user_id, device_id)),
                UpdateExpression="SET endpoints.#r = :arn",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames={"#r": region},
                ExpressionAttributeValues=values(arn=endpoint_arn),
            )
        except ClientError as exc:
            if not conditional_failed(exc):
                raise

    def get(self, user_id: str, device_id: str) -> Device | None:
        item = self._get_item(item_keys.device(user_id, device_id))
        return device_from_item(item) if item else None

    def remove(self, user_id: str, device_id: str) -> Device:
        """Remove the device and answer what was there, in one request. Raises DeviceNotFound."""
        out = self.db.delete_item(
            TableName=self.table, Key=to_ddb(item_keys.device(user_id, device_id)), ReturnValues="ALL_OLD"
        )
        if "Attributes" not in out:
            raise DeviceNotFound(device_id)
        return device_from_item(from_ddb(out["Attributes"]))

    def retire(self, device: Device) -> None:
        """Remove a registration whose token now belongs to someone else, unless it was registered again."""
        try:
            self.db.delete_item(
                TableName=self.table,
                Key=to_ddb(item_keys.device(device.user_id, device.device_id)),
                ConditionExpression="registered_at = :at",
                ExpressionAttributeValues=values(at=device.registered_at),
            )
        except ClientError as exc:
            if not conditional_failed(exc):
                raise

    def list_for(self, user_id: str) -> list[Device]:
        page = self._query_page(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
            ExpressionAttributeValues=values(pk=item_keys.user_pk(user_id), p=item_keys.DEVICE_PREFIX),
        )
        return [device_from_item(i) for i in page.items]

    def disable(self, user_id: str, device_id: str, reason: str) -> None:
        """Stop pushing to the device (its token was rejected for good); nothing happens if it is gone."""
        try:
            self.db.update_item(
                TableName=self.table,
                Key=to_ddb(item_keys.device(user_id, device_id)),
                UpdateExpression="SET enabled = :f, disabled_reason = :r",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=values(f=False, r=reason),
            )
        except ClientError as exc:
            if not conditional_failed(exc):  # removed meanwhile: nothing to disable
                raise
