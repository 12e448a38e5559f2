"""Reading DynamoDB streams on moto without its two traps.

1. moto keeps every shard iterator it ever handed out (AWS expires them after 15 minutes), and each
   one pins the table it was created on. A failed TransactWriteItems makes moto swap in a deep copy
   of the table, so a long-lived iterator chain (a) keeps reading the old copy's shard and never
   sees new records, and (b) keeps every old copy alive (the API benchmark grew a stack to 9 GB).
2. So this reader never follows NextShardIterator: it remembers the last sequence number per shard,
   asks for a fresh AFTER_SEQUENCE_NUMBER iterator on each poll (moto resolves it against the
   current table), and, when moto runs in this process, forgets the iterators it used.
"""

from __future__ import annotations

from typing import Any

from ops.local.config import ACCOUNT_ID


class StreamReader:
    def __init__(self, streams: Any, stream_arn: str, region: str, prune_in_process: bool = False) -> None:
        self.streams, self.stream_arn, self.region = streams, stream_arn, region
        self.prune = prune_in_process
        self._last: dict[str, str | None] = {}  # shard id -> last sequence number read (None: from the start)

    def seek_latest(self) -> None:
        """Skip everything written so far: read on from the last position (the shard's start the first
        time) to the end. Reading on, not from the start, keeps a reset between tests as cheap as the
        records written since the previous read (a stream keeps a whole test session's writes)."""
        for shard_id in self._shard_ids():
            self._last.setdefault(shard_id, None)
            while self._read_shard(shard_id, 1000):
                pass

    def read(self, limit: int = 1000) -> list[dict]:
        """Records written since the previous read, in order per shard."""
        records: list[dict] = []
        for shard_id in self._shard_ids():
            self._last.setdefault(shard_id, None)
            records += self._read_shard(shard_id, limit)
        return records

    def backlog(self, limit: int = 1000) -> int:
        """How many records wait after the last read (at most `limit` per shard); nothing is consumed."""
        waiting = 0
        for shard_id in self._shard_ids():
            saved = self._last.get(shard_id)
            try:
                waiting += len(self._read_shard(shard_id, limit))
            finally:
                self._last[shard_id] = saved
        return waiting

    def _shard_ids(self) -> list[str]:
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        return [s["ShardId"] for s in shards]

    def _read_shard(self, shard_id: str, limit: int) -> list[dict]:
        last = self._last.get(shard_id)
        position = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last}
            if last
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        iterator = self.streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard_id, **position)[
            "ShardIterator"
        ]
        page = self.streams.get_records(ShardIterator=iterator, Limit=limit)
        self._forget(iterator, page.get("NextShardIterator"))
        if page["Records"]:
            self._last[shard_id] = page["Records"][-1]["dynamodb"]["SequenceNumber"]
        return page["Records"]

    def _forget(self, *iterators: str | None) -> None:
        if not self.prune:
            return
        from moto.dynamodbstreams.models import dynamodbstreams_backends

        backend = dynamodbstreams_backends[ACCOUNT_ID][self.region]
        for arn in iterators:
            if arn:
                backend.shard_iterators.pop(arn, None)
