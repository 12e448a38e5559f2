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

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from backend_core import keys

_ser = TypeSerializer()
_deser = TypeDeserializer()
MAX_SEQ_RETRIES = (
    8  # concurrent writers of one user's items race for the change counter; retry that race only
)
IDEMPOTENCY_TTL_SECONDS = 24 * 3600


def _to_ddb(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _ser.serialize(v) for k, v in item.items() if v is not None}


def _from_ddb(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _deser.deserialize(v) for k, v in item.items()}


def _vals(**values: Any) -> dict[str, Any]:
    return {f":{k}": _ser.serialize(v) for k, v in values.items()}


def _conditional_failed(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class VersionConflict(Exception):
    """The write's expected version is not the server's; `current` is the server's item (or None)."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        super().__init__("version conflict")
        self.current = current


class NotFound(Exception):
    pass


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    last_key: dict[str, Any] | None


def _public_sync_item(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "collection": raw["collection"],
        "id": raw["item_id"],
        "data": json.loads(raw["data_json"]) if raw.get("data_json") else None,
        "version": int(raw["version"]),
        "updated_at": raw["updated_at"],
        "deleted": bool(raw.get("deleted", False)),
        "seq": int(raw["GSI1SK"]),
    }


class Store:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self.db = dynamodb_client
        self.table = table_name

    # -- generic helpers -------------------------------------------------------------------------------
    def _get(self, key: dict[str, str], consistent: bool = True) -> dict[str, Any] | None:
        out = self.db.get_item(TableName=self.table, Key=_to_ddb(key), ConsistentRead=consistent)
        return _from_ddb(out["Item"]) if "Item" in out else None

    def _query(self, **kwargs: Any) -> Page:
        out = self.db.query(TableName=self.table, **kwargs)
        items = [_from_ddb(i) for i in out.get("Items", [])]
        last = _from_ddb(out["LastEvaluatedKey"]) if "LastEvaluatedKey" in out else None
        return Page(items, last)

    # -- profiles --------------------------------------------------------------------------------------
    def get_or_create_profile(self, user_id: str, defaults: dict[str, Any]) -> dict[str, Any]:
        existing = self._get(keys.profile(user_id))
        if existing:
            return existing
        item = {**keys.profile(user_id), **defaults, "user_id": user_id}
        try:
            self.db.put_item(
                TableName=self.table, Item=_to_ddb(item), ConditionExpression="attribute_not_exists(PK)"
            )
        except ClientError as exc:
            if not _conditional_failed(exc):
                raise
            return self._get(keys.profile(user_id)) or item  # another device created it first
        return item

    def get_profile(self, user_id: str) -> dict[str, Any] | None:
        return self._get(keys.profile(user_id), consistent=False)

    def update_profile(self, user_id: str, changes: dict[str, Any], now: str) -> dict[str, Any] | None:
        """Apply changes to an existing profile; None when there is no profile yet."""
        changes = {**changes, "updated_at": now}
        names = {f"#f{i}": k for i, k in enumerate(changes)}
        sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(changes)))
        values = {f":v{i}": _ser.serialize(v) for i, v in enumerate(changes.values())}
        try:
            out = self.db.update_item(
                TableName=self.table,
                Key=_to_ddb(keys.profile(user_id)),
                UpdateExpression=f"SET {sets}",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return None
            raise
        return _from_ddb(out["Attributes"])

    # -- sync ------------------------------------------------------------------------------------------
    def _counter_and_item(
        self, user_id: str, key: dict[str, str]
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The change counter and one item in a single strongly consistent BatchGetItem."""
        counter_key = keys.sync_counter(user_id)
        out = self.db.batch_get_item(
            RequestItems={self.table: {"Keys": [_to_ddb(counter_key), _to_ddb(key)], "ConsistentRead": True}}
        )
        if out.get("UnprocessedKeys"):  # throttled: read them one by one instead
            return self._get(counter_key), self._get(key)
        found = {(i["PK"], i["SK"]): i for i in (_from_ddb(r) for r in out["Responses"].get(self.table, []))}
        return found.get((counter_key["PK"], counter_key["SK"])), found.get((key["PK"], key["SK"]))

    def _next_seq(self, user_id: str, counter: Any = False) -> tuple[int, dict[str, Any]]:
        """Build the transact item that advances the user's change counter by one, conditionally.
        `counter` is the counter item when already read (None if absent), else it is read here."""
        if counter is False:
            counter = self._get(keys.sync_counter(user_id))
        current = int(counter["seq"]) if counter else 0
        update = {
            "Update": {
                "TableName": self.table,
                "Key": _to_ddb(keys.sync_counter(user_id)),
                "UpdateExpression": "SET seq = :new",
                "ConditionExpression": "attribute_not_exists(PK)" if not counter else "seq = :old",
                "ExpressionAttributeValues": _vals(new=current + 1, **({"old": current} if counter else {})),
            }
        }
        return current + 1, update

    def _write_change(
        self, user_id: str, build: Any, key: dict[str, str], counter: Any = False
    ) -> dict[str, Any]:
        """Advance the counter and apply one item change in a single transaction, so the change feed's
        order is the commit order. Retries only when another write won the counter."""
        for attempt in range(MAX_SEQ_RETRIES):
            seq, counter_update = self._next_seq(user_id, counter if attempt == 0 else False)
            item_op, result = build(seq)
            try:
                self.db.transact_write_items(TransactItems=[counter_update, item_op])
                return result
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
                if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                    raise VersionConflict(self.get_sync_item(user_id, key)) from exc
                if reasons and reasons[0] in ("ConditionalCheckFailed", "TransactionConflict"):
                    continue  # lost the counter race: take the next number
                if any(r == "TransactionConflict" for r in reasons):
                    continue
                raise
        raise RuntimeError("could not allocate a change sequence; too many concurrent writers")

    def get_sync_item(self, user_id: str, key: dict[str, str]) -> dict[str, Any] | None:
        raw = self._get(key)
        return _public_sync_item(raw) if raw else None

    def put_sync_item(
        self,
        user_id: str,
        collection: str,
        item_id: str,
        data: dict[str, Any],
        expected: int | None,
        now: str,
    ) -> dict[str, Any]:
        key = keys.sync_item(user_id, collection, item_id)
        data_json = json.dumps(data, separators=(",", ":"), sort_keys=True)
        tombstone_version: int | None = None
        counter: Any = False
        if expected is None:  # a create: fails fast on a live item, continues a tombstone's versions
            counter, raw = self._counter_and_item(user_id, key)
            current = _public_sync_item(raw) if raw else None
            if current is not None and not current["deleted"]:
                raise VersionConflict(current)
            tombstone_version = current["version"] if current else None

        def build(seq: int) -> tuple[dict[str, Any], dict[str, Any]]:
            version = (expected or tombstone_version or 0) + 1
            item = {
                **key,
                "GSI1PK": keys.sync_feed_pk(user_id),
                "GSI1SK": keys.seq_key(seq),
                "collection": collection,
                "item_id": item_id,
                "data_json": data_json,
                "version": version,
                "updated_at": now,
                "deleted": False,
            }
            if expected is None and tombstone_version is None:
                cond, values = "attribute_not_exists(PK)", {}
            elif expected is None:
                cond, values = "version = :tomb AND deleted = :t", _vals(tomb=tombstone_version, t=True)
            else:
                cond, values = "version = :expected", _vals(expected=expected)
            put: dict[str, Any] = {
                "Put": {"TableName": self.table, "Item": _to_ddb(item), "ConditionExpression": cond}
            }
            if values:
                put["Put"]["ExpressionAttributeValues"] = values
            return put, _public_sync_item(item)

        return self._write_change(user_id, build, key, counter)

    def delete_sync_item(
        self, user_id: str, collection: str, item_id: str, expected: int | None, now: str
    ) -> dict[str, Any]:
        key = keys.sync_item(user_id, collection, item_id)
        if expected is None:
            # Without a version the device deletes what is there now; the condition below still guards it.
            current = self.get_sync_item(user_id, key)
            if current is None or current["deleted"]:
                raise NotFound(f"{collection}/{item_id}")
            base = current["version"]
        else:
            base = expected

        def build(seq: int) -> tuple[dict[str, Any], dict[str, Any]]:
            update = {
                "Update": {
                    "TableName": self.table,
                    "Key": _to_ddb(key),
                    "UpdateExpression": "SET deleted = :t, version = :v, updated_at = :now, GSI1SK = :seq "
                    "REMOVE data_json",
                    "ConditionExpression": "version = :expected AND deleted = :f",
                    "ExpressionAttributeValues": _vals(
                        t=True, f=False, v=base + 1, now=now, seq=keys.seq_key(seq), expected=base
                    ),
                }
            }
            tomb = {
                **key,
                "GSI1SK": keys.seq_key(seq),
                "collection": collection,
                "item_id": item_id,
                "version": base + 1,
                "updated_at": now,
                "deleted": True,
            }
            return update, _public_sync_item(tomb)

        try:
            return self._write_change(user_id, build, key)
        except VersionConflict as exc:
            if exc.current is None or exc.current["deleted"]:
                raise NotFound(f"{collection}/{item_id}") from exc
            raise

    def sync_changes(
        self, user_id: str, after_seq: int, limit: int, settled_before: str | None = None
    ) -> tuple[list[dict[str, Any]], bool]:
        """Changes after `after_seq` in commit order, and whether more may follow.

        The feed is a GSI, which DynamoDB updates asynchronously: change n+1 can be visible before change n.
        With `settled_before` (an `updated_at` timestamp), the page stops at the first change newer than it, so
        a device's cursor never moves past a change the index may not show yet; it gets it on the next call.
        """
        page = self._query(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK > :after",
            ExpressionAttributeValues=_vals(pk=keys.sync_feed_pk(user_id), after=keys.seq_key(after_seq)),
            ScanIndexForward=True,
            Limit=limit,
        )
        settled = page.items
        if settled_before is not None:
            fresh = next(
                (i for i, item in enumerate(page.items) if item["updated_at"] > settled_before), None
            )
            if fresh is not None:
                return [_public_sync_item(i) for i in page.items[:fresh]], True
        return [_public_sync_item(i) for i in settled], page.last_key is not None

    # -- devices ---------------------------------------------------------------------------------------
    def put_device(self, user_id: str, device_id: str, platform: str, endpoint_arn: str, now: str) -> dict:
        item = {
            **keys.device(user_id, device_id),
            "GSI2PK": keys.endpoint_pk(endpoint_arn),
            "GSI2SK": keys.user_pk(user_id),
            "device_id": device_id,
            "platform": platform,
            "endpoint_arn": endpoint_arn,
            "enabled": True,
            "registered_at": now,
        }
        ops: list[dict[str, Any]] = [{"Put": {"TableName": self.table, "Item": _to_ddb(item)}}]
        # A token moves with the phone: if another account registered it before, that registration ends.
        for owner in self.devices_by_endpoint(endpoint_arn):
            if owner["PK"] != item["PK"]:
                key = {"PK": owner["PK"], "SK": owner["SK"]}
                ops.append({"Delete": {"TableName": self.table, "Key": _to_ddb(key)}})
        if len(ops) == 1:
            self.db.put_item(TableName=self.table, Item=_to_ddb(item))
        else:
            self.db.transact_write_items(TransactItems=ops)
        return item

    def devices_by_endpoint(self, endpoint_arn: str) -> list[dict[str, Any]]:
        return self._query(
            IndexName="GSI2",
            KeyConditionExpression="GSI2PK = :pk",
            ExpressionAttributeValues=_vals(pk=keys.endpoint_pk(endpoint_arn)),
        ).items

    def get_device(self, user_id: str, device_id: str) -> dict[str, Any] | None:
        return self._get(keys.device(user_id, device_id))

    def delete_device(self, user_id: str, device_id: str) -> dict[str, Any] | None:
        """Remove the device; answer what was there (None if nothing was), in one request."""
        out = self.db.delete_item(
            TableName=self.table, Key=_to_ddb(keys.device(user_id, device_id)), ReturnValues="ALL_OLD"
        )
        return _from_ddb(out["Attributes"]) if "Attributes" in out else None

    def list_devices(self, user_id: str) -> list[dict[str, Any]]:
        return self._query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
            ExpressionAttributeValues=_vals(pk=keys.user_pk(user_id), p="DEVICE#"),
        ).items

    def disable_device(self, user_id: str, device_id: str, reason: str) -> None:
        try:
            self.db.update_item(
                TableName=self.table,
                Key=_to_ddb(keys.device(user_id, device_id)),
                UpdateExpression="SET enabled = :f, disabled_reason = :r",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues=_vals(f=False, r=reason),
            )
        except ClientError as exc:
            if not _conditional_failed(exc):  # removed meanwhile: nothing to disable
                raise

    # -- media -----------------------------------------------------------------------------------------
    def put_media(self, user_id: str, media_id: str, attrs: dict[str, Any]) -> None:
        item = {**keys.media(user_id, media_id), "media_id": media_id, **attrs}
        self.db.put_item(TableName=self.table, Item=_to_ddb(item))

    def get_media(self, user_id: str, media_id: str) -> dict[str, Any] | None:
        return self._get(keys.media(user_id, media_id), consistent=False)

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
        self.db.put_item(TableName=self.table, Item=_to_ddb(item))  # idempotent: same key, same meaning

    def is_subscriber(self, provider_id: str, consumer_id: str) -> bool:
        return self._get(keys.subscription(provider_id, consumer_id), consistent=False) is not None

    def subscribers(self, provider_id: str) -> Iterator[str]:
        start: dict[str, Any] | None = None
        while True:
            extra = {"ExclusiveStartKey": _to_ddb(start)} if start else {}
            page = self._query(
                KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
                ExpressionAttributeValues=_vals(pk=keys.subscription(provider_id, "x")["PK"], p="SUB#"),
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
                TableName=self.table, Item=_to_ddb(item), ConditionExpression="attribute_not_exists(PK)"
            )
            return None
        except ClientError as exc:
            if not _conditional_failed(exc):
                raise
        return self._get(keys.idempotency(provider_id, key)) or item

    def complete_idempotency(self, provider_id: str, key: str, response: dict[str, Any]) -> None:
        self.db.update_item(
            TableName=self.table,
            Key=_to_ddb(keys.idempotency(provider_id, key)),
            UpdateExpression="SET #s = :done, response_json = :r",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=_vals(done="completed", r=json.dumps(response)),
        )

    def release_idempotency(self, provider_id: str, key: str) -> None:
        self.db.delete_item(TableName=self.table, Key=_to_ddb(keys.idempotency(provider_id, key)))

    def begin_inbox_entry(self, recipient_id: str, created_at: str, notification_id: str, entry: dict) -> str:
        """Create the inbox entry once; answer its status ('new' when this call created it)."""
        key = keys.inbox_entry(recipient_id, created_at, notification_id)
        try:
            self.db.put_item(
                TableName=self.table,
                Item=_to_ddb({**key, **entry, "notification_id": notification_id, "status": "pending"}),
                ConditionExpression="attribute_not_exists(PK)",
            )
            return "new"
        except ClientError as exc:
            if not _conditional_failed(exc):
                raise
        existing = self._get(key) or {}
        return str(existing.get("status", "pending"))

    def finish_inbox_entry(
        self, recipient_id: str, created_at: str, notification_id: str, delivered: int
    ) -> None:
        self.db.update_item(
            TableName=self.table,
            Key=_to_ddb(keys.inbox_entry(recipient_id, created_at, notification_id)),
            UpdateExpression="SET #s = :sent, delivered_devices = :n",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=_vals(sent="sent", n=delivered),
        )

    def inbox(
        self, user_id: str, limit: int, after_sk: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        extra = (
            {"ExclusiveStartKey": _to_ddb({"PK": keys.user_pk(user_id), "SK": after_sk})} if after_sk else {}
        )
        page = self._query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
            ExpressionAttributeValues=_vals(pk=keys.user_pk(user_id), p="NOTIF#"),
            ScanIndexForward=False,
            Limit=limit,
            **extra,
        )
        return page.items, (page.last_key or {}).get("SK")
