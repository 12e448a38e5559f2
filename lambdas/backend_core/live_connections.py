"""A user's open WebSocket connections (`item_keys.live_connection`): one item per connection, in the user's own
partition, written by the region whose API holds the connection and replicated like every item.

So every region sees where a user is connected (the push-when-offline rule needs "no connection anywhere"), only
the holding region posts to a connection (its connection id means nothing to the other region's API), and the
account eraser's deletion of the user's partition takes the connections too. An item outlives a connection that
ended without `$disconnect` at most until its TTL (`expires_at`: API Gateway closes every connection after 2 h) or
until a post to it answers 410 Gone, whichever comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from backend_core import item_keys
from backend_core.ddb import TableAccess, to_ddb, values
from backend_core.table_design import TABLE_DESIGN

# API Gateway WebSocket APIs: "Connection duration for WebSocket API: 2 hours" (quotas page), plus a margin.
MAX_CONNECTION_SECONDS = 2 * 3600
TTL_MARGIN_SECONDS = 10 * 60


@dataclass(frozen=True)
class LiveConnection:
    user_id: str
    region: str  # the region whose API holds it
    connection_id: str
    connected_at: str  # ISO-8601 UTC


def connection_from_item(item: dict[str, Any]) -> LiveConnection:
    return LiveConnection(
        user_id=item_keys.user_id_of(str(item["PK"])),
        region=str(item["region"]),
        connection_id=str(item["connection_id"]),
        connected_at=str(item.get("connected_at", "")),
    )


class LiveConnectionStore(TableAccess):
    def add(self, connection: LiveConnection, now: datetime | None = None) -> None:
        """Record an open connection (a repeated $connect of one id overwrites its own item)."""
        now = now or datetime.now(UTC)
        expires = now + timedelta(seconds=MAX_CONNECTION_SECONDS + TTL_MARGIN_SECONDS)
        item = {
            **item_keys.live_connection(connection.user_id, connection.region, connection.connection_id),
            "region": connection.region,
            "connection_id": connection.connection_id,
            "connected_at": connection.connected_at,
            TABLE_DESIGN.ttl_attribute: int(expires.timestamp()),
        }
        self.db.put_item(TableName=self.table, Item=to_ddb(item))

    def remove(self, user_id: str, region: str, connection_id: str) -> None:
        """Forget a connection (idempotent: a gone one is not an error)."""
        self.db.delete_item(
            TableName=self.table, Key=to_ddb(item_keys.live_connection(user_id, region, connection_id))
        )

    def for_user(self, user_id: str) -> list[LiveConnection]:
        """Every connection of the user this region's table knows, in every region (one Query of the user's
        partition; a user has a handful). Expired-but-not-yet-deleted items are left out, as TTL readers must."""
        now = int(datetime.now(UTC).timestamp())
        found: list[LiveConnection] = []
        start: dict[str, Any] | None = None
        while True:
            page = self._query_page(
                KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
                ExpressionAttributeValues=values(
                    pk=item_keys.user_pk(user_id), prefix=item_keys.LIVE_CONNECTION_PREFIX
                ),
                **({"ExclusiveStartKey": to_ddb(start)} if start else {}),
            )
            found += [
                connection_from_item(i)
                for i in page.items
                if int(i.get(TABLE_DESIGN.ttl_attribute, now + 1)) > now
            ]
            if page.last_key is None:
                return found
            start = page.last_key
