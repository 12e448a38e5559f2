"""Provider applications: a consumer's request to become a provider, and the operator's decision.

One item per user (`item_keys.provider_application`), listed by status on GSI1
(`item_keys.provider_applications_pk`). The decision itself is a Cognito group (`providers`, added by
`ops users approve`); this item is the request and its audit trail.

Two regions take writes: a request is a conditional put (no application yet, or a rejected one), so a retry
in the same region is answered with the stored request; both regions accepting the same user's request
during a replication pause leave one item (last writer wins on identical content but for `requested_at`). A
decision is conditional on the item still being `pending` in the region that decides; the operator decides
in one region (the primary, or DR during a failover), so two decisions cannot race.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import TableAccess, from_ddb, to_ddb, values

Status = Literal["pending", "approved", "rejected"]
STATUSES: tuple[Status, ...] = ("pending", "approved", "rejected")


class ApplicationVanished(Exception):
    """The application a conditional put collided with was gone when read back: erased in between (the
    account eraser removing a deleted account's late writes) or a concurrent writer's; a retry may succeed."""


@dataclass(frozen=True)
class ProviderApplication:
    """A consumer's request to become a provider, and an operator's decision on it."""

    user_id: str
    email: str | None
    business_name: str
    about: str | None
    status: Status
    requested_at: str  # ISO-8601 UTC
    decided_at: str | None = None
    decided_by: str | None = None
    reason: str | None = None  # the operator's reason for a rejection (for operators; the API never shows it)

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> ProviderApplication:
        return cls(
            user_id=str(item["user_id"]),
            email=item.get("email"),
            business_name=str(item["business_name"]),
            about=item.get("about"),
            status=item["status"],
            requested_at=str(item["requested_at"]),
            decided_at=item.get("decided_at"),
            decided_by=item.get("decided_by"),
            reason=item.get("reason"),
        )


class NotPending(Exception):
    """The application is not (or no longer) pending; `current` is what the table holds (None: none)."""

    def __init__(self, current: ProviderApplication | None) -> None:
        super().__init__("no pending application" if current is None else f"application is {current.status}")
        self.current = current


class ProviderApplicationStore(TableAccess):
    def get(self, user_id: str) -> ProviderApplication | None:
        item = self._get_item(item_keys.provider_application(user_id))
        return ProviderApplication.from_item(item) if item else None

    def request(
        self, user_id: str, email: str | None, business_name: str, about: str | None, now: str
    ) -> tuple[ProviderApplication, bool]:
        """Record a pending application unless one is pending or approved: (the application, created?).
        A pending or approved one is answered as it is (a retry changes nothing). Raises ApplicationVanished
        when the application blocking the put is gone by the time it is read (erased meanwhile)."""
        item: dict[str, Any] = {
            **item_keys.provider_application(user_id),
            "GSI1PK": item_keys.provider_applications_pk("pending"),
            "GSI1SK": item_keys.provider_application_sort(now, user_id),
            "user_id": user_id,
            "business_name": business_name,
            "status": "pending",
            "requested_at": now,
        }
        if email:
            item["email"] = email
        if about:
            item["about"] = about
        try:
            self.db.put_item(
                TableName=self.table,
                Item=to_ddb(item),
                ConditionExpression="attribute_not_exists(PK) OR #s = :rejected",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=values(rejected="rejected"),
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            current = self.get(user_id)
            if current is None:  # erased between the put and the read (the account eraser at work)
                raise ApplicationVanished(user_id) from None
            return current, False
        return ProviderApplication.from_item(item), True

    def decide(
        self, user_id: str, status: Status, now: str, by: str, reason: str | None = None
    ) -> ProviderApplication:
        """Move a pending application to `approved` or `rejected`. Raises NotPending otherwise."""
        if status == "pending":
            raise ValueError("a decision is approved or rejected")
        current = self.get(user_id)
        if current is None or current.status != "pending":
            raise NotPending(current)
        names = {"#s": "status"}
        update = "SET #s = :status, GSI1PK = :gsi, decided_at = :now, decided_by = :by"
        vals: dict[str, Any] = {
            "status": status,
            "gsi": item_keys.provider_applications_pk(status),
            "now": now,
            "by": by,
            "pending": "pending",
        }
        if reason:
            update += ", reason = :reason"
            vals["reason"] = reason
        try:
            out = self.db.update_item(
                TableName=self.table,
                Key=to_ddb(item_keys.provider_application(user_id)),
                UpdateExpression=update,
                ConditionExpression="#s = :pending",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values(**vals),
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise NotPending(self.get(user_id)) from None

        return ProviderApplication.from_item(from_ddb(out["Attributes"]))

    def by_status(self, status: Status) -> Iterator[ProviderApplication]:
        """The applications in one status, oldest request first (Query on GSI1, page by page)."""
        start: dict[str, Any] | None = None
        while True:
            extra = {"ExclusiveStartKey": to_ddb(start)} if start else {}
            page = self._query_page(
                IndexName="GSI1",
                KeyConditionExpression="GSI1PK = :pk",
                ExpressionAttributeValues=values(pk=item_keys.provider_applications_pk(status)),
                **extra,
            )
            for item in page.items:
                yield ProviderApplication.from_item(item)
            if not page.last_key:
                return
            start = page.last_key

    def erase(self, user_id: str) -> None:
        """Delete the user's application (account deletion)."""
        self.db.delete_item(TableName=self.table, Key=to_ddb(item_keys.provider_application(user_id)))
