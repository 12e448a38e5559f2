"""The inbox: one entry per notification and recipient (`item_keys.inbox_entry`), newest first on GSI1.

The notify worker creates the entry once (`attribute_not_exists`, or for a broadcast page a BatchWriteItem of
the entries a consistent BatchGetItem did not find) and marks it `sent` after pushing; a push is claimed per
region first (`claim_push`), so a redelivered message or a retried page pushes nothing twice in a region; both regions writing the entry of one
notification write the same key (backend_core/README.md, "Two regions take writes").
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import (
    BATCH_ATTEMPTS,
    BatchIncomplete,
    TableAccess,
    conditional_failed,
    to_ddb,
    values,
)

BATCH_GET = 100  # BatchGetItem's limit
BATCH_WRITE = 25  # BatchWriteItem's limit


class InboxStatus(StrEnum):
    PENDING = "pending"  # created, pushes not finished
    SENT = "sent"  # pushed to every device that could take it


@dataclass(frozen=True)
class InboxEntry:
    """One notification in a recipient's inbox, and how far its delivery got."""

    recipient_id: str
    notification_id: str
    provider_id: str
    title: str
    body: str
    data: dict[str, Any]  # the provider's JSON object, as sent
    created_at: str  # ISO-8601 UTC, part of the inbox's sort key
    status: InboxStatus = InboxStatus.PENDING
    delivered_devices: int | None = None


@dataclass(frozen=True)
class InboxPage:
    """One page of an inbox, newest first, and where the next page starts."""

    entries: list[InboxEntry]
    next_position: str | None  # `<created_at>#<notification id>` of the last entry, None on the last page


def entry_from_item(item: dict[str, Any]) -> InboxEntry:
    delivered = item.get("delivered_devices")
    return InboxEntry(
        recipient_id=item_keys.user_id_of(str(item["PK"])),
        notification_id=str(item["notification_id"]),
        provider_id=str(item.get("provider_id", "")),
        title=str(item.get("title", "")),
        body=str(item.get("body", "")),
        data=json.loads(item.get("data_json") or "{}"),
        created_at=str(item.get("created_at", "")),
        status=InboxStatus(item.get("status", InboxStatus.PENDING)),
        delivered_devices=None if delivered is None else int(delivered),
    )


class InboxStore(TableAccess):
    @staticmethod
    def _item(entry: InboxEntry) -> dict[str, Any]:
        return {
            **item_keys.inbox_entry(entry.recipient_id, entry.notification_id),
            "provider_id": entry.provider_id,
            "title": entry.title,
            "body": entry.body,
            "data_json": json.dumps(entry.data),
            "created_at": entry.created_at,
            "GSI1PK": item_keys.inbox_pk(entry.recipient_id),
            "GSI1SK": item_keys.inbox_sort(entry.created_at, entry.notification_id),
            "notification_id": entry.notification_id,
            "status": entry.status.value,
            "delivered_devices": entry.delivered_devices,
        }

    def begin(self, entry: InboxEntry) -> InboxEntry:
        """Create the entry once; answer the entry as stored (an earlier delivery's, status and all, when
        one exists)."""
        key = item_keys.inbox_entry(entry.recipient_id, entry.notification_id)
        try:
            self.db.put_item(
                TableName=self.table,
                Item=to_ddb(self._item(entry)),
                ConditionExpression="attribute_not_exists(PK)",
            )
            return entry
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
        existing = self._get_item(key)
        return entry_from_item(existing) if existing else entry

    def statuses(self, recipient_ids: list[str], notification_id: str) -> dict[str, InboxStatus]:
        """The status of the entry of `notification_id` of each recipient that has one (BatchGetItem,
        consistent, 100 keys a call, unprocessed keys retried with backoff)."""
        found: dict[str, InboxStatus] = {}
        for start in range(0, len(recipient_ids), BATCH_GET):
            keys = [
                to_ddb(item_keys.inbox_entry(r, notification_id))
                for r in recipient_ids[start : start + BATCH_GET]
            ]
            for item in self._batch_get(
                keys,
                ConsistentRead=True,
                ProjectionExpression="PK, #s",
                ExpressionAttributeNames={"#s": "status"},
            ):
                found[item_keys.user_id_of(str(item["PK"]))] = InboxStatus(item.get("status", "pending"))
        return found

    def put_new(self, entries: list[InboxEntry]) -> None:
        """Write entries that do not exist yet (the caller checked with `statuses`), 25 a BatchWriteItem,
        unprocessed items retried with backoff. BatchWriteItem has no condition: an entry another attempt of
        the same page wrote meanwhile is overwritten with the same content (same key, same notification)."""
        for start in range(0, len(entries), BATCH_WRITE):
            requests = [
                {"PutRequest": {"Item": to_ddb(self._item(e))}} for e in entries[start : start + BATCH_WRITE]
            ]
            pending: dict[str, Any] = {self.table: requests}
            for attempt in range(BATCH_ATTEMPTS):
                out = self.db.batch_write_item(RequestItems=pending)
                pending = out.get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(min(1.0, 0.05 * 2**attempt))
            if pending:
                raise BatchIncomplete("DynamoDB kept items of a BatchWriteItem unprocessed")

    def claim_push(self, recipient_id: str, notification_id: str, region: str) -> bool:
        """Claim this region's one push of the notification to the recipient: True the first time only
        (conditional put of `item_keys.push_claim`, which only this region writes)."""
        try:
            self.db.put_item(
                TableName=self.table,
                Item=to_ddb(item_keys.push_claim(recipient_id, notification_id, region)),
                ConditionExpression="attribute_not_exists(PK)",
            )
            return True
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
        return False

    def finish(self, recipient_id: str, notification_id: str, delivered: int) -> None:
        """Mark the entry sent, with how many devices took the push."""
        self.db.update_item(
            TableName=self.table,
            Key=to_ddb(item_keys.inbox_entry(recipient_id, notification_id)),
            UpdateExpression="SET #s = :sent, delivered_devices = :n",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=values(sent=InboxStatus.SENT.value, n=delivered),
        )

    def page(self, user_id: str, limit: int, after: str | None) -> InboxPage:
        """A page of the inbox, newest first (GSI1), starting after the position `after`."""
        extra = {}
        if after:
            notification_id = after.rsplit("#", 1)[-1]
            start = {
                **item_keys.inbox_entry(user_id, notification_id),
                "GSI1PK": item_keys.inbox_pk(user_id),
                "GSI1SK": after,
            }
            extra = {"ExclusiveStartKey": to_ddb(start)}
        page = self._query_page(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=values(pk=item_keys.inbox_pk(user_id)),
            ScanIndexForward=False,
            Limit=limit,
            **extra,
        )
        return InboxPage([entry_from_item(i) for i in page.items], (page.last_key or {}).get("GSI1SK"))
