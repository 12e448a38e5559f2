"""Reading DynamoDB streams on moto without its two traps.

1. moto keeps every shard iterator it ever handed out (AWS expires them after 15 minutes), and each
   one pins the table it was created on. A failed TransactWriteItems makes moto swap in a deep copy
   of the table, so a long-lived iterator chain (a) keeps reading the old copy's shard and never
   sees new records, and (b) keeps every old copy alive (the API benchmark grew a stack to 9 GB).
2. So this reader never follows NextShardIterator: it remembers the last sequence number per shard,
   asks for a fresh AFTER_SEQUENCE_NUMBER iterator on each poll (moto resolves it against the
   current table), and, when moto runs in this process, forgets the iterators it used.

`SharedStream` reads one stream once for several consumers (the local stack's stream-fed functions).
`trim_read_records` drops what every one of the stack's readers has read (the stack's reset between tests).
"""

from __future__ import annotations

import threading
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

    def pending(self) -> int:
        """Records read and not handed out yet: none (each read hands out what it read)."""
        return 0

    def last_read(self) -> int | None:
        """The sequence number of the last record read (of the stream's newest shard: moto has one per
        stream); None before the first record."""
        shards = self._shard_ids()
        last = self._last.get(shards[-1]) if shards else None
        return int(last) if last else None

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


class SharedStream:
    """One table stream read once for all its local consumers (the stack's four stream-fed functions of a
    region): each consumer gets every record, in order, from its own queue, and moves on (or retries) on its own.

    Lambda's mappings each read the stream themselves; here every read is a GetRecords through moto whose
    response moto serialises and boto3 parses again, per consumer: with four consumers per region that was the
    local stack's largest CPU cost in a broadcast (py-spy). What a consumer sees is the same: every record
    written after its start (or its reset), in order, none twice.
    """

    def __init__(self, reader: StreamReader) -> None:
        self._reader = reader
        self._queues: dict[str, list[dict]] = {}
        self._lock = threading.Lock()

    def consumer(self, name: str) -> SharedStreamConsumer:
        with self._lock:
            if name in self._queues:
                raise ValueError(f"a consumer named {name!r} already reads this stream")
            self._queues[name] = []
        return SharedStreamConsumer(self, name)

    def read(self, name: str, limit: int = 1000) -> list[dict]:
        """The records `name` has not had yet (at most what one read brings for every consumer)."""
        with self._lock:
            queue = self._queues[name]
            if not queue:
                records = self._reader.read(limit)
                for other in self._queues.values():
                    other.extend(records)
            taken, queue[:] = list(queue), []
            return taken

    def pending(self, name: str) -> int:
        with self._lock:
            return len(self._queues[name])

    def seek_latest(self, name: str) -> None:
        """`name` skips everything written so far; the others keep what they have not had yet."""
        with self._lock:
            records = self._reader.read(1000)
            while records:
                for other, queue in self._queues.items():
                    if other != name:
                        queue.extend(records)
                records = self._reader.read(1000)
            self._queues[name].clear()


class SharedStreamConsumer:
    """One consumer's view of a `SharedStream`: `read()` and `seek_latest()`, as a `StreamReader`'s."""

    def __init__(self, stream: SharedStream, name: str) -> None:
        self._stream, self._name = stream, name

    def read(self, limit: int = 1000) -> list[dict]:
        return self._stream.read(self._name, limit)

    def seek_latest(self) -> None:
        self._stream.seek_latest(self._name)

    def pending(self) -> int:
        """Records another consumer's read brought for this one, not read by it yet."""
        return self._stream.pending(self._name)


def trim_read_records(region: str, table: str, through: int | None) -> int:
    """Drop the records of the emulator's stream of `table` up to sequence number `through` (the last one
    every reader of the stream has read; None: nothing); how many were dropped. DynamoDB drops records
    24 hours old and moto never does, so without this a long test session's stream keeps every write of
    the session and each reader from TRIM_HORIZON (`ops audit lifecycle`) reads them all again.

    Sequence numbers go on from where they were (the shard's start moves past the dropped records). The
    caller holds every in-process reader of the stream still and serializes DynamoDB writes (the gateway's
    `dynamodb_writes_held`): an iterator made before the trim at a dropped record fails in moto, where
    DynamoDB answers TrimmedDataAccessException."""
    if through is None:
        return 0
    from moto.dynamodb.models import dynamodb_backends

    found = dynamodb_backends[ACCOUNT_ID][region].tables.get(table)
    shard = getattr(found, "stream_shard", None)
    if shard is None:
        return 0
    dropped = min(len(shard.items), through - shard.starting_sequence_number + 1)
    if dropped <= 0:
        return 0
    shard.items = shard.items[dropped:]
    shard.starting_sequence_number += dropped
    return dropped
