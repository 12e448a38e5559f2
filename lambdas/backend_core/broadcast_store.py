"""Fan-out checkpoints of broadcasts: how many pages of one broadcast a region's worker finished
(`item_keys.broadcast_checkpoint`, written only by that region).

A page job first checks the checkpoint (a job whose page is done is a duplicate: it does nothing), delivers its
page, enqueues the next page's job, and only then advances the checkpoint. A crash before the advance leaves the
page's job on the queue to be retried (delivery is idempotent per notification and recipient); a crash after
the enqueue and before the advance can put the next page's job on the queue twice: both deliver idempotently,
and the second one to finish finds the page done.

A checkpoint expires (the table's TTL attribute) CHECKPOINT_TTL_SECONDS after its last advance: longer than any
page job can live in SQS (14 days at most, a job redriven from the DLQ included), so a duplicate job still finds
its page done; one that came later anyway would redo its page idempotently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import TableAccess, conditional_failed, to_ddb, values
from backend_core.table_design import TABLE_DESIGN

SQS_MAX_RETENTION_SECONDS = 14 * 24 * 3600  # SQS's longest message retention (AWS's limit)
CHECKPOINT_TTL_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class Checkpoint:
    """How far a broadcast's fan-out got in one region."""

    pages_done: int
    recipients_done: int  # recipients of the pages done (a duplicated page counts once)
    finished_at: str | None  # ISO-8601 UTC when the last page was done; None while running


class BroadcastStore(TableAccess):
    def __init__(self, dynamodb_client: object, table_name: str, region: str) -> None:
        super().__init__(dynamodb_client, table_name)
        self.region = region

    def checkpoint(self, notification_id: str) -> Checkpoint:
        """This region's progress of the broadcast (zeroes before its first page is done); consistent read."""
        item = self._get_item(item_keys.broadcast_checkpoint(notification_id, self.region)) or {}
        finished = item.get("finished_at")
        return Checkpoint(
            int(item.get("pages_done", 0)),
            int(item.get("recipients_done", 0)),
            None if finished is None else str(finished),
        )

    def advance(self, notification_id: str, page: int, recipients: int, now: str, last: bool) -> bool:
        """Record page `page` done with its `recipients` at `now` (ISO-8601 UTC), the checkpoint expiring
        CHECKPOINT_TTL_SECONDS later; False (nothing changed) when it already was."""
        finish = ", finished_at = :now" if last else ""
        expires = int(datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp()) + CHECKPOINT_TTL_SECONDS
        try:
            self.db.update_item(
                TableName=self.table,
                Key=to_ddb(item_keys.broadcast_checkpoint(notification_id, self.region)),
                UpdateExpression=(
                    f"SET pages_done = :p, updated_at = :now, #ttl = :exp{finish} ADD recipients_done :r"
                ),
                ConditionExpression="attribute_not_exists(pages_done) OR pages_done < :p",
                ExpressionAttributeNames={"#ttl": TABLE_DESIGN.ttl_attribute},
                ExpressionAttributeValues=values(p=page, r=recipients, now=now, exp=expires),
            )
            return True
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
        return False
