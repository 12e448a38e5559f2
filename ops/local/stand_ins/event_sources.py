"""Stand-in for Lambda event source mappings: SQS queues and DynamoDB streams feed functions
in-process.

SQS: batches of up to `batch_size`, partial batch responses (`batchItemFailures`), failed
messages become visible again after `retry_delay_seconds`; the queue's own redrive policy moves
a message to the DLQ after maxReceiveCount receives (moto applies it, as SQS does).
Streams: batches in order per shard; a failure (or `batchItemFailures`) retries from the first
failed record, up to `max_retries`, then the record is discarded and logged (Lambda's behaviour
without an on-failure destination).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from backend_core.ttl_removal import LAMBDA_EVENT_IDENTITY
from ops.local.api_front import LocalLambdaContext
from ops.local.idle import IdleWait
from ops.local.parts import LoopPart
from ops.local.streams import SharedStream, SharedStreamConsumer, StreamReader

log = logging.getLogger("ops.local.stand_ins.event_sources")
Handler = Callable[[dict, Any], Any]
IDLE_POLL_SECONDS = 1.0  # first idle wait; then 4x, then the cap (ops/local/idle.py)
IDLE_CAP_SECONDS = 60.0  # idle, look at least this often (a message sent with DelaySeconds wakes nobody)


class EventSource(Protocol):
    name: str

    def poll_once(self) -> int: ...
    def due_in(self) -> float | None: ...
    def announced(self) -> bool:
        """True when only a write through the AWS endpoint can bring it work (which wakes the poller), so a
        look after a wait that saw no write may skip it."""
        ...

    def reset(self) -> None: ...
    def status(self) -> dict: ...


class WholeBatchFailed(Exception):
    """The function's partial-batch response is one Lambda treats as a failure of the whole batch."""


def failed_ids(result: Any, batch_ids: list[str]) -> list[str]:
    """The item identifiers a function reported as failed, read with Lambda's rules
    (docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html, "Reporting batch item failures";
    the same rules hold for stream sources):

    - complete success: None, {}, a null or empty `batchItemFailures`;
    - complete failure (WholeBatchFailed): a response that is not an object, a `batchItemFailures` that is
      not a list, an entry that is not {"itemIdentifier": ...} (a misspelt key), an empty or null
      identifier, or one that names no record of the batch.
    """
    if result is None:
        return []
    if not isinstance(result, dict):
        raise WholeBatchFailed(f"response is not a JSON object: {type(result).__name__}")
    failures = result.get("batchItemFailures")
    if failures is None:
        return []
    if not isinstance(failures, list):
        raise WholeBatchFailed("batchItemFailures is not a list")
    ids: list[str] = []
    for entry in failures:
        if not isinstance(entry, dict) or set(entry) != {"itemIdentifier"}:
            raise WholeBatchFailed(f"malformed batchItemFailures entry: {entry!r}")
        identifier = entry["itemIdentifier"]
        if not isinstance(identifier, str) or not identifier:
            raise WholeBatchFailed(f"empty or null itemIdentifier: {identifier!r}")
        if identifier not in batch_ids:
            raise WholeBatchFailed(f"itemIdentifier {identifier!r} names no record of the batch")
        ids.append(identifier)
    return ids


class SqsEventSource:
    def __init__(
        self,
        name: str,
        sqs: Any,
        queue_url: str,
        region: str,
        handler: Handler,
        function_name: str,
        batch_size: int = 10,
        retry_delay_seconds: int = 1,
    ) -> None:
        self.name, self.sqs, self.queue_url, self.region = name, sqs, queue_url, region
        self.handler, self.function_name = handler, function_name
        self.batch_size, self.retry_delay = batch_size, retry_delay_seconds
        self.queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self.delivered = self.failed = self.batches = 0
        self._retry_at: float | None = None  # monotonic time the last retried batch becomes visible

    def announced(self) -> bool:
        return False  # a message sent with DelaySeconds, or one whose visibility timeout ends, wakes nobody

    def due_in(self) -> float | None:
        """Seconds until retried messages are visible again (no write announces it), or None."""
        if self._retry_at is None:
            return None
        left = self._retry_at - time.monotonic()
        if left <= -1.0:  # looked at since: a retry of it sets a new time
            self._retry_at = None
            return None
        return max(0.0, left)

    def poll_once(self) -> int:
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(self.batch_size, 10),
            WaitTimeSeconds=0,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [self._record(m) for m in messages]}
        batch_ids = [m["MessageId"] for m in messages]
        try:
            result = self.handler(event, LocalLambdaContext(self.function_name, self.region))
            failed = set(failed_ids(result, batch_ids))
        except WholeBatchFailed as exc:
            log.error("%s: %s; the whole batch will be retried", self.name, exc)
            failed = set(batch_ids)
        except Exception:
            log.exception("%s: handler failed; the whole batch will be retried", self.name)
            failed = set(batch_ids)
        self.batches += 1
        done = [m for m in messages if m["MessageId"] not in failed]
        retry = [m for m in messages if m["MessageId"] in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        if retry:  # visible again soon (SQS would wait for the visibility timeout)
            self._retry_at = time.monotonic() + self.retry_delay
            self.sqs.change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": self.retry_delay}
                    for i, m in enumerate(retry)
                ],
            )
        self.delivered += len(done)
        self.failed += len(retry)
        return len(messages)

    def _record(self, message: dict) -> dict:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {
                name: {
                    "stringValue": value.get("StringValue"),
                    "binaryValue": value.get("BinaryValue"),
                    "dataType": value.get("DataType"),
                }
                for name, value in (message.get("MessageAttributes") or {}).items()
            },
            "md5OfBody": message.get("MD5OfBody"),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self.region,
        }

    def reset(self) -> None:
        self.delivered = self.failed = self.batches = 0

    def status(self) -> dict:
        return {
            "kind": "sqs",
            "queue_url": self.queue_url,
            "batches": self.batches,
            "delivered": self.delivered,
            "failed": self.failed,
        }


class StreamEventSource:
    def __init__(
        self,
        name: str,
        streams: Any,
        stream_arn: str,
        region: str,
        handler: Handler,
        function_name: str,
        batch_size: int = 100,
        max_retries: int = 3,
        prune_in_process: bool = False,
        is_ttl_delete: Callable[[dict], bool] | None = None,
        shared: SharedStream | None = None,
    ) -> None:
        self.name, self.streams, self.stream_arn, self.region = name, streams, stream_arn, region
        self.handler, self.function_name = handler, function_name
        self.batch_size, self.max_retries = batch_size, max_retries
        self.buffer: list[dict] = []
        self.attempts = 0
        self.delivered = self.discarded = self.batches = 0
        # Its own reader, or its queue of a stream read once for all the stack's consumers of it.
        self._reader: StreamReader | SharedStreamConsumer = (
            shared.consumer(name) if shared else StreamReader(streams, stream_arn, region, prune_in_process)
        )
        self._is_ttl_delete = is_ttl_delete  # the TTL stand-in's deletes get DynamoDB's service identity
        self.reset()

    def due_in(self) -> float | None:
        return None  # new records are writes, which wake the poller

    def announced(self) -> bool:
        # Records are writes; a batch held for a retry is not, nor records another consumer's read brought.
        return not self.buffer and not self._reader.pending()

    def reset(self) -> None:
        self._reader.seek_latest()
        self.buffer.clear()
        self.attempts = 0
        self.delivered = self.discarded = self.batches = 0

    def poll_once(self) -> int:
        if len(self.buffer) < self.batch_size:
            self.buffer += [self._record(r) for r in self._reader.read()]
        if not self.buffer:
            return 0
        batch = self.buffer[: self.batch_size]
        sequence = [r["dynamodb"]["SequenceNumber"] for r in batch]
        try:
            result = self.handler({"Records": batch}, LocalLambdaContext(self.function_name, self.region))
            failed = failed_ids(result, sequence)
        except WholeBatchFailed as exc:
            log.error("%s: %s; retrying the batch", self.name, exc)
            failed = [sequence[0]]
        except Exception:
            log.exception("%s: handler failed; retrying the batch", self.name)
            failed = [sequence[0]]
        self.batches += 1
        first_failed = min((sequence.index(f) for f in failed if f in sequence), default=None)
        if first_failed is None:
            self.buffer = self.buffer[len(batch) :]
            self.delivered += len(batch)
            self.attempts = 0
            return len(batch)
        self.delivered += first_failed
        self.buffer = self.buffer[first_failed:]  # retry from the first failure, in order
        self.attempts += 1
        if self.attempts > self.max_retries:
            dropped = self.buffer.pop(0)
            self.discarded += 1
            self.attempts = 0
            log.error(
                "%s: discarded record %s after %d retries",
                self.name,
                dropped["dynamodb"]["SequenceNumber"],
                self.max_retries,
            )
        return len(batch)

    def _record(self, record: dict) -> dict:
        data = dict(record["dynamodb"])
        created = data.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):  # boto3 parsed it; Lambda passes epoch seconds
            data["ApproximateCreationDateTime"] = int(created.timestamp())
        event = {
            **{k: v for k, v in record.items() if k not in ("dynamodb", "userIdentity")},
            "dynamodb": data,
            "eventSourceARN": self.stream_arn,
        }
        # The TTL stand-in's deletes get DynamoDB's service identity (its mark is taken first: a record can be
        # read before the sweeper has marked it in the stream itself, which GetRecords spells {"Type", ...}).
        if record["eventName"] == "REMOVE" and self._is_ttl_delete and self._is_ttl_delete(data["Keys"]):
            event["userIdentity"] = dict(LAMBDA_EVENT_IDENTITY)
        elif record.get("userIdentity"):
            identity = record["userIdentity"]
            event["userIdentity"] = {"type": identity.get("Type"), "principalId": identity.get("PrincipalId")}
        return event

    def status(self) -> dict:
        return {
            "kind": "dynamodb-stream",
            "stream_arn": self.stream_arn,
            "batches": self.batches,
            "delivered": self.delivered,
            "discarded": self.discarded,
            "buffered": len(self.buffer),
        }


# What can put a record on a source: table writes (streams) and messages (sent, or fanned out by SNS and
# EventBridge). No bucket of the stack notifies a source's queue (the media bucket's go to the replicator).
SOURCE_FEEDS = ("dynamodb", "sqs", "sns", "events")


def wakes_event_sources(service: str, resource: str) -> bool:
    """The writes the event-source poller can have work from (the gateway's change signal)."""
    return service in SOURCE_FEEDS


class _AllLocks:
    """Holds every mapping's lock at once (in one order, so two holders cannot deadlock): the stack's reset
    empties the tables and queues while no mapping is mid-batch. `open` is cleared first, so a busy mapping (one
    that looks again at once) waits at the gate instead of taking its lock back before the reset gets it."""

    def __init__(self, locks: list[threading.Lock], open_: threading.Event) -> None:
        self._locks, self.open = locks, open_
        self._holder = threading.Lock()  # one holder at a time

    def __enter__(self) -> None:
        self._holder.acquire()
        self.open.clear()
        for lock in self._locks:
            lock.acquire()

    def __exit__(self, *exc: object) -> None:
        for lock in reversed(self._locks):
            lock.release()
        self.open.set()
        self._holder.release()


class _MappingLoop:
    """One event-source mapping's poller: its own thread, idle wait and counters (Lambda runs each mapping
    independently: a slow stream consumer never holds up the notify queue, nor one region the other)."""

    def __init__(
        self,
        source: EventSource,
        stop: threading.Event,
        wait_for_change: Callable[[int, float], int] | None,
        gate: threading.Event,
    ) -> None:
        self.source, self._stop = source, stop
        self.lock = threading.Lock()  # held for a look; the stack's reset takes every mapping's
        self.gate = gate  # cleared while the stack's reset takes or holds every lock (`_AllLocks.open`)
        self.errors = 0
        self.last_error: str | None = None
        self.idle = IdleWait(
            stop, wait_for_change, base=IDLE_POLL_SECONDS, cap=IDLE_CAP_SECONDS, unwatched=0.1
        )

    def look(self, look_at_all: bool) -> int:
        """One look at the source (skipped when only a write can bring it work and none came); records
        polled."""
        if not look_at_all and self.source.announced():
            return 0  # no write came since the last look: nothing new in its stream
        while not self.gate.wait(0.5):  # a reset is waiting for (or holds) every mapping's lock
            if self._stop.is_set():
                return 0
        with self.lock:
            try:
                return self.source.poll_once()
            except Exception as exc:  # the mapping keeps running, as Lambda's does
                self.errors += 1
                self.last_error = f"{self.source.name}: {type(exc).__name__}: {exc}"
                log.warning("event source %s failed: %s", self.source.name, exc)
                return 0

    def run(self) -> None:
        look_at_all = True
        while not self._stop.is_set():
            if self.look(look_at_all):
                self.idle.busy()
                look_at_all = True
                continue
            self.idle.after(busy=False, due_in=self.source.due_in())
            look_at_all = self.idle.woken


class EventSourcePoller(LoopPart):
    """Every mapping on its own thread (`event_sources-<mapping>`), as Lambda polls each mapping
    independently; pausable as a whole (`lock`) so the stack can reset state (a part of the stack:
    `ops.local.parts.Part`). The handlers run on these threads at once: one that shares module-level state
    with another thread (two regions' mappings of one function package, the package's S3 invocations) must
    be guarded by whoever builds it (`ops/local/stack.py` serialises each function package's invokes)."""

    name = "event_sources"

    def __init__(
        self,
        sources: list[EventSource],
        wait_for_change: Callable[[int, float], int] | None = None,
    ) -> None:
        super().__init__()
        self.sources = sources
        self.crashed: str | None = None
        # Idle, each sleeps until the AWS endpoint sees a write or a retried message is visible again.
        gate = threading.Event()
        gate.set()
        self.loops = [_MappingLoop(source, self._stop, wait_for_change, gate) for source in sources]
        self.lock = _AllLocks([loop.lock for loop in self.loops], gate)
        self._threads: list[threading.Thread] = []

    @property
    def errors(self) -> int:
        return sum(loop.errors for loop in self.loops)

    @property
    def last_error(self) -> str | None:
        return next((loop.last_error for loop in self.loops if loop.last_error), None)

    def reset(self) -> None:
        with self.lock:
            for source in self.sources:
                source.reset()

    def _run(self) -> None:
        self._threads = [
            threading.Thread(
                target=self._run_mapping, args=(loop,), name=f"{self.name}-{loop.source.name}", daemon=True
            )
            for loop in self.loops
        ]
        for thread in self._threads:
            thread.start()
        for thread in self._threads:
            thread.join()

    def _run_mapping(self, loop: _MappingLoop) -> None:
        try:
            loop.run()
        except BaseException as exc:
            self.crashed = f"{loop.source.name}: {type(exc).__name__}: {exc}"
            log.exception("event-source mapping %s crashed", loop.source.name)
            raise

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and all(t.is_alive() for t in self._threads)

    def status(self) -> dict:
        return {
            "healthy": self.alive and self.crashed is None,
            "crashed": self.crashed,
            "threads": len(self._threads),
            "mappings": {s.name: s.status() for s in self.sources},
            "errors": self.errors,
            "last_error": self.last_error,
        }
