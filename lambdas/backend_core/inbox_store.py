"""The inbox: one entry per notification and recipient (`item_keys.inbox_entry`), newest first on GSI1.

The notify worker creates the entry once (`attribute_not_exists`) and marks it `sent` after pushing, so a
redelivered message finds it sent and pushes nothing twice; both regions writing the entry of one
notification write the same key (backend_core/README.md, "Two regions take writes").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import TableAccess, conditional_failed, to_ddb, values


class InboxStatus(StrEnum):
    PENDING = "pending"  # created, pushes not finished
    SENT = "sent"  # pushed to every device that could take it


@dataclass(frozen=True)
class InboxEntry:
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
    def begin(self, entry: InboxEntry) -> InboxEntry:
        """Create the entry once; answer the entry as stored (an earlier delivery's, status and all, when
        one exists)."""
        key = item_keys.inbox_entry(entry.recipient_id, entry.notification_id)
        item = {
            **key,
            "provider_id": entry.provider_id,
            "title": entry.title,
            "body": entry.body,
            "data_json": json.dumps(entry.data),
            "created_at": entry.created_at,
            "GSI1PK": item_keys.inbox_pk(entry.recipient_id),
            "GSI1SK": item_keys.inbox_sort(entry.created_at, entry.notification_id),
            "notification_id": entry.notification_id,
            "status": InboxStatus.PENDING.value,
        }
        try:
            self.db.put_item(
                TableName=self.table, Item=to_ddb(item), ConditionExpression="attribute_not_exists(PK)"
            )
            return entry
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
        existing = self._get_item(key)
        return entry_from_item(existing) if existing else entry

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
