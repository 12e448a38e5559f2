"""Idempotency keys of `POST /notifications`: one record per (provider, key) (`item_keys.idempotency`).

A conditional put claims the key; a retry finds the record and replays the stored answer. The claim is per
region (a retry the other region serves during a partition does not see it), which is why the notification
id is derived from the key (backend_core/README.md, "Two regions take writes").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import TableAccess, conditional_failed, to_ddb, values

IDEMPOTENCY_TTL_SECONDS = 24 * 3600  # how long a key is remembered (the table's TTL removes it after)


class ClaimStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


@dataclass(frozen=True)
class Outcome:
    """What the first request answered (stored as its 202 body `{"id", "recipients"}`)."""

    notification_id: str
    recipients: int


@dataclass(frozen=True)
class IdempotencyRecord:
    """A provider's claim of an Idempotency-Key for `POST /notifications`, and the first request's outcome."""

    provider_id: str
    key: str
    request_hash: str  # sha-256 of the request: the same key with another request is refused
    notification_id: str
    status: ClaimStatus
    outcome: Outcome | None  # set once the first request completed


class KeyAlreadyClaimed(Exception):
    """Another request holds the key; `record` is what it stored."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(f"idempotency key {record.key!r} is already claimed")
        self.record = record


def _record_from_item(provider_id: str, key: str, item: dict[str, Any]) -> IdempotencyRecord:
    outcome = None
    if item.get("response_json"):
        stored = json.loads(item["response_json"])
        outcome = Outcome(str(stored["id"]), int(stored["recipients"]))
    return IdempotencyRecord(
        provider_id=provider_id,
        key=key,
        request_hash=str(item.get("request_hash", "")),
        notification_id=str(item.get("notification_id", "")),
        status=ClaimStatus(item.get("status", ClaimStatus.IN_PROGRESS)),
        outcome=outcome,
    )


class IdempotencyStore(TableAccess):
    def claim(
        self, provider_id: str, key: str, request_hash: str, notification_id: str, now_epoch: float
    ) -> None:
        """Claim the key for this request (a conditional put, remembered for IDEMPOTENCY_TTL_SECONDS).
        Raises KeyAlreadyClaimed with the earlier record when another request holds it."""
        item = {
            **item_keys.idempotency(provider_id, key),
            "request_hash": request_hash,
            "notification_id": notification_id,
            "status": ClaimStatus.IN_PROGRESS.value,
            "expires_at": int(now_epoch) + IDEMPOTENCY_TTL_SECONDS,
        }
        try:
            self.db.put_item(
                TableName=self.table, Item=to_ddb(item), ConditionExpression="attribute_not_exists(PK)"
            )
            return
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
        # Released between the put and this read: the holder is still deciding, as far as we can tell.
        existing = self._get_item(item_keys.idempotency(provider_id, key)) or item
        raise KeyAlreadyClaimed(_record_from_item(provider_id, key, existing))

    def complete(self, provider_id: str, key: str, outcome: Outcome) -> None:
        """Store the answer the first request gave, for every retry to replay."""
        answer = {"id": outcome.notification_id, "recipients": outcome.recipients}
        self.db.update_item(
            TableName=self.table,
            Key=to_ddb(item_keys.idempotency(provider_id, key)),
            UpdateExpression="SET #s = :done, response_json = :r",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=values(done=ClaimStatus.COMPLETED.value, r=json.dumps(answer)),
        )

    def release(self, provider_id: str, key: str) -> None:
        """Forget the claim (nothing was promised): a retry runs for real."""
        self.db.delete_item(TableName=self.table, Key=to_ddb(item_keys.idempotency(provider_id, key)))
