"""The data-access layer: the only code that knows DynamoDB (keys, conditions, pagination).

Every method is one GetItem, Query, conditional write or transaction on a known key; nothing scans.
Concurrency is enforced by condition expressions, never by reading first and deciding in Python.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from backend_core import keys
from backend_core.ddb import conditional_failed, from_ddb, serialize, to_ddb, values

IDEMPOTENCY_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    last_key: dict[str, Any] | None


class Store:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self.db = dynamodb_client
        self.table = table_name

    # -- generic helpers -------------------------------------------------------------------------------
    def _get(self, key: dict[str, str], consistent: bool = True) -> dict[str, Any] | None:
        out = self.db.get_item(TableName=self.table, Key=to_ddb(key), ConsistentRead=consistent)
        return from_ddb(out["Item"]) if "Item" in out else None

    def _query(self, **kwargs: Any) -> Page:
        out = self.db.query(TableName=self.table, **kwargs)
        items = [from_ddb(i) for i in out.get("Items", [])]
        last = from_ddb(out["LastEvaluatedKey"]) if "LastEvaluatedKey" in out else None
        return Page(items, last)

    # -- profiles --------------------------------------------------------------------------------------
    def sync_profile_claims(
        self, user_id: str, role: str, email: str | None, name: str | None, issued_at: int, now: str
    ) -> None:
        """Create the profile on first sight, and keep its copy of what Cognito owns (role from the groups,
        email) as the newest token the user presented says. Older tokens change nothing, so a stale token
        replayed later (or served by the other region) cannot undo a promotion or a demotion."""
        sets = [
            "user_id = :user",
            "#role = :role",
            "claims_iat = :iat",
            "created_at = if_not_exists(created_at, :now)",
            "updated_at = if_not_exists(updated_at, :now)",
        ]
        named = {"user": user_id, "role": role, "iat": issued_at, "now": now}
        if email:
            sets.append("email = :email")
            named["email"] = email
        if name:
            sets.append("display_name = if_not_exists(display_name, :name)")
            named["name"] = name
        try:
            self.db.update_item(
                TableName=self.table,
                Key=to_ddb(keys.profile(user_id)),
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression="attribute_not_exists(claims_iat) OR claims_iat < :iat",
                ExpressionAttributeNames={"#role": "role"},
                ExpressionAttributeValues=values(**named),
            )
        except ClientError as exc:
            if not conditional_failed(exc):  # a newer token was already applied: nothing to do
                raise

    def get_profile(self, user_id: str, consistent: bool = False) -> dict[str, Any] | None:
        return self._get(keys.profile(user_id), consistent=consistent)

    def update_profile(self, user_id: str, changes: dict[str, Any], now: str) -> dict[str, Any] | None:
        """Apply changes to an existing profile; None when there is no profile yet."""
        changes = {**changes, "updated_at": now}
        names = {f"#f{i}": k for i, k in enumerate(changes)}
        sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(changes)))
        new_values = {f":v{i}": serialize(v) for i, v in enumerate(changes.values())}
        try:
            out = self.db.update_item(
                TableName=self.table,
                Key=to_ddb(keys.profile(user_id)),
                UpdateExpression=f"SET {sets}",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=new_values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if conditional_failed(exc):
                return None
            raise
        return from_ddb(out["Attributes"])

    # -- devices -----------------------------------------------------------------------------------------
    def put_device(
        self,
        user_id: str,
        device_id: str,
        platform: str,
        token: str,
        region: str,
        endpoint_arn: str,
        now: str,
    ) -> dict[str, Any]:
        """Register the token for the user, with this region's endpoint; a token moves with the phone, so
        every other account's registration of it that this region knows of ends in the same transaction
        (one the other region has not replicated yet is retired by the worker's owner check)."""
        item = {
            **keys.device(user_id, device_id),
            "GSI2PK": keys.push_token_pk(device_id),
            "GSI2SK": keys.user_pk(user_id),
            "device_id": device_id,
            "user_id": user_id,
            "platform": platform,
            "token": token,
            "endpoints": {region: endpoint_arn},
            "enabled": True,
            "registered_at": now,
        }
        ops: list[dict[str, Any]] = [{"Put": {"TableName": self.table, "Item": to_ddb(item)}}]
        for holder in self.token_holders(device_id):
            if holder["PK"] != item["PK"]:
                key = {"PK": holder["PK"], "SK": holder["SK"]}
                ops.append({"Delete": {"TableName": self.table, "Key": to_ddb(key)}})
        if len(ops) == 1:
            self.db.put_item(TableName=self.table, Item=to_ddb(item))
        else:
            self.db.transact_write_items(TransactItems=ops)
        return item

    def token_holders(self, device_id: str) -> list[dict[str, Any]]:
        """Every registration of one token this region knows of (GSI2, eventually consistent)."""
        return self._query(
            IndexName="GSI2",
            KeyConditionExpression="GSI2PK = :pk",
            ExpressionAttributeValues=values(pk=keys.push_token_pk(device_id)),
        ).items

    def token_owner(self, device: dict[str, Any]) -> str:
        """Who the token of `device` belongs to now: the latest registration wins, in every region alike
        (registrations made in both regions during a partition both exist until one is retired)."""
        holders = self.token_holders(device["device_id"])
        if not any(h["PK"] == device["PK"] for h in holders):
            holders.append(device)  # just registered: the index may not show it yet
        latest = max(holders, key=lambda h: (h.get("registered_at", ""), h["PK"]))
        return latest["PK"].removeprefix("USER#")

    def set_device_endpoint(self, user_id: str, device_id: str, region: str, endpoint_arn: str) -> None:
        """Remember the endpoint a region created for the device (None-safe: the device may be gone)."""
        try:
            self.db.update_item(
                TableName=self.table,
                Key=to_ddb(keys.device(user_id, device_id)),
                UpdateExpression="SET endpoints.#r = :arn",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames={"#r": region},
                ExpressionAttributeValues=values(arn=endpoint_arn),
            )
        except ClientError as exc:
            if not conditional_failed(exc):
                raise

    def get_device(self, user_id: str, device_id: str) -> dict[str, Any] | None:
        return self._get(keys.device(user_id, device_id))

    def delete_device(self, user_id: str, device_id: str) -> dict[str, Any] | None:
        """Remove the device; answer what was there (None if nothing was), in one request."""
        out = self.db.delete_item(
            TableName=self.table, Key=to_ddb(keys.device(user_id, device_id)), ReturnValues="ALL_OLD"
        )
        return from_ddb(out["Attributes"]) if "Attributes" in out else None

    def retire_device(self, device: dict[str, Any]) -> None:
        """Remove a registration whose token now belongs to someone else, unless it was registered again."""
        try:
            self.db.delete_item(
                TableName=self.table,
                Key=to_ddb({"PK": device["PK"], "SK": device["SK"]}),
                ConditionExpression="registered_at = :at",
                ExpressionAttributeValues=values(at=device["registered_at"]),
            )
        except ClientError as exc:
            if not conditional_failed(exc):
                raise

    def list_devices(self, user_id: str) -> list[dict[str, Any]]:
        return self._query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
            ExpressionAttributeValues=values(pk=keys.user_pk(user_id), p="DEVICE#"),
        ).items

    def disable_device(self, user_id: str, device_id: str, reason: str) -> None:
        try:
            self.db.update_item(
                TableName=self.table,
                Key=to_ddb(keys.device(user_id, device_id)),
                UpdateExpression="SET enabled = :f, disabled_reason = :r",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=values(f=False, r=reason),
            )
        except ClientError as exc:
            if not conditional_failed(exc):  # removed meanwhile: nothing to disable
                raise

    # -- media -----------------------------------------------------------------------------------------
    def put_media(self, user_id: str, media_id: str, attrs: dict[str, Any]) -> None:
        item = {**keys.media(user_id, media_id), "media_id": media_id, **attrs}
        self.db.put_item(TableName=self.table, Item=to_ddb(item))

    def get_media(self, user_id: str, media_id: str) -> dict[str, Any] | None:
        return self._get(keys.media(user_id, media_id), consistent=False)

    def record_media_use(
        self, user_id: str, media_id: str, region: str, now: str, restore_started: bool = False
    ) -> dict[str, Any]:
        """Record that this region handed out the object (the archive audit's "last used"), and when it
        started a restore of it; answer the record. One item per region (`keys.media_use`), written only by
        that region: two regions recording uses during a partition never overwrite each other, and the last
        use is the latest of the regions' records."""
        sets = ["last_used_at = :now", "media_id = :media", "user_id = :user", "#region = :region"]
        if restore_started:
            sets.append("restore_requested_at = :now")
        out = self.db.update_item(
            TableName=self.table,
            Key=to_ddb(keys.media_use(user_id, media_id, region)),
            UpdateExpression="SET " + ", ".join(sets),
            ExpressionAttributeNames={"#region": "region"},
            ExpressionAttributeValues=values(now=now, media=media_id, user=user_id, region=region),
            ReturnValues="ALL_NEW",
        )
        return from_ddb(out["Attributes"])

    # -- subscriptions ---------------------------------------------------------------------------------
    def subscribe(self, provider_id: str, consumer_id: str, now: str) -> None:
        item = {
            **keys.subscription(provider_id, consumer_id),
            "GSI1PK": keys.follows_pk(consumer_id),
            "GSI1SK": f"PROVIDER#{provider_id}",
            "provider_id": provider_id,
            "consumer_id": consumer_id,
            "subscribed_at": now,
        }
        self.db.put_item(TableName=self.table, Item=to_ddb(item))  # idempotent: same key, same meaning

    def is_subscriber(self, provider_id: str, consumer_id: str) -> bool:
        return self._get(keys.subscription(provider_id, consumer_id), consistent=False) is not None

    def subscribers(self, provider_id: str) -> Iterator[str]:
        start: dict[str, Any] | None = None
        while True:
            extra = {"ExclusiveStartKey": to_ddb(start)} if start else {}
            page = self._query(
                KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
                ExpressionAttributeValues=values(pk=keys.subscription(provider_id, "x")["PK"], p="SUB#"),
                ProjectionExpression="consumer_id",
                **extra,
            )
            for item in page.items:
                yield item["consumer_id"]
            if not page.last_key:
                return
            start = page.last_key

    # -- notifications: idempotency and inbox ----------------------------------------------------------
    def claim_idempotency(
        self, provider_id: str, key: str, request_hash: str, notification_id: str
    ) -> dict | None:
        """Record the key; None if this call owns it, else the earlier record."""
        item = {
            **keys.idempotency(provider_id, key),
            "request_hash": request_hash,
            "notification_id": notification_id,
            "status": "in_progress",
            "expires_at": int(time.time()) + IDEMPOTENCY_TTL_SECONDS,
        }
        try:
            self.db.put_item(
                TableName=self.table, Item=to_ddb(item), ConditionExpression="attribute_not_exists(PK)"
            )
            return None
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
        return self._get(keys.idempotency(provider_id, key)) or item

    def complete_idempotency(self, provider_id: str, key: str, response: dict[str, Any]) -> None:
        self.db.update_item(
            TableName=self.table,
            Key=to_ddb(keys.idempotency(provider_id, key)),
            UpdateExpression="SET #s = :done, response_json = :r",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=values(done="completed", r=json.dumps(response)),
        )

    def release_idempotency(self, provider_id: str, key: str) -> None:
        self.db.delete_item(TableName=self.table, Key=to_ddb(keys.idempotency(provider_id, key)))

    def begin_inbox_entry(self, recipient_id: str, created_at: str, notification_id: str, entry: dict) -> str:
        """Create the inbox entry once; answer its status ('new' when this call created it)."""
        key = keys.inbox_entry(recipient_id, notification_id)
        item = {
            **key,
            **entry,
            "GSI1PK": keys.inbox_pk(recipient_id),
            "GSI1SK": keys.inbox_sort(created_at, notification_id),
            "notification_id": notification_id,
            "status": "pending",
        }
        try:
            self.db.put_item(
                TableName=self.table, Item=to_ddb(item), ConditionExpression="attribute_not_exists(PK)"
            )
            return "new"
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
        existing = self._get(key) or {}
        return str(existing.get("status", "pending"))

    def finish_inbox_entry(self, recipient_id: str, notification_id: str, delivered: int) -> None:
        self.db.update_item(
            TableName=self.table,
            Key=to_ddb(keys.inbox_entry(recipient_id, notification_id)),
            UpdateExpression="SET #s = :sent, delivered_devices = :n",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=values(sent="sent", n=delivered),
        )

    def inbox(self, user_id: str, limit: int, after: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the inbox, newest first (GSI1), and where the next page starts (`<created_at>#<id>`)."""
        extra = {}
        if after:
            notification_id = after.rsplit("#", 1)[-1]
            start = {
                **keys.inbox_entry(user_id, notification_id),
                "GSI1PK": keys.inbox_pk(user_id),
                "GSI1SK": after,
            }
            extra = {"ExclusiveStartKey": to_ddb(start)}
        page = self._query(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=values(pk=keys.inbox_pk(user_id)),
            ScanIndexForward=False,
            Limit=limit,
            **extra,
        )
        return page.items, (page.last_key or {}).get("GSI1SK")
