"""Stand-in for S3 invoking Lambda functions from a bucket's notification configuration (moto has no Lambda
runtime here: it tries its own Lambda backend and drops the event).

moto matches each object event against the bucket's `LambdaFunctionConfigurations` (event type, prefix and
suffix filters) and builds S3's event message; this stand-in takes that message in place of moto's own
invoke and runs the in-process function of that ARN on a thread of its own, after the request that made the
object has answered: S3 invokes asynchronously. Like Lambda's asynchronous invocation it retries a failed
invoke twice (`RETRIES`), then counts the event as failed (`failed`, `last_error`: AWS sends it to the
function's on-failure destination). A function the stack does not run fails like Lambda's
ResourceNotFoundException: counted, never silently dropped.

Where it differs from AWS: the retries follow at once (Lambda waits a minute, then two); the event has no
`versionId` or `sequencer` (moto builds the message). Restore events come from the archive stand-in, which
follows the same configuration itself.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from typing import Any

from ops.local.parts import LoopPart

log = logging.getLogger("ops.local.stand_ins.s3_lambda_notifications")
RETRIES = 2  # Lambda's default for asynchronous invocations (MaximumRetryAttempts)
_STOP: tuple = (object(), {})  # put by stop(): ends the loop


class S3LambdaNotifications(LoopPart):
    """Queue of (function ARN, S3 event message) from moto, delivered on this part's thread."""

    name = "s3_lambda_notifications"
    stop_timeout = 5.0

    def __init__(self, invoke: Callable[[str, dict], None]) -> None:
        super().__init__()
        self._invoke = invoke
        self._events: queue.Queue[tuple[str, dict]] = queue.Queue()
        self.delivered = 0
        self.failed = 0
        self.last_error: str | None = None
        self._original: Any = None

    def start(self) -> S3LambdaNotifications:
        from moto.s3 import notifications

        self._original = notifications._invoke_awslambda
        notifications._invoke_awslambda = self._enqueue
        return super().start()

    def stop(self) -> None:
        from moto.s3 import notifications

        if self._original is not None:
            notifications._invoke_awslambda = self._original
        self._stop.set()
        self._events.put(_STOP)  # wakes the loop, which blocks on the queue while idle (no polling)
        super().stop()

    def _enqueue(self, account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        """moto's `_invoke_awslambda(account_id, event_body, fn_arn, region_name)`, called inside the request."""
        self._events.put((fn_arn, event_body))

    def pending(self) -> int:
        return self._events.qsize()

    def _run(self) -> None:
        while not self._stop.is_set():
            fn_arn, event = self._events.get()
            if fn_arn is _STOP[0]:
                return
            for attempt in range(RETRIES + 1):
                try:
                    self._invoke(fn_arn, event)
                    self.delivered += 1
                    break
                except (
                    Exception
                ) as exc:  # the function's error: Lambda retries, then the on-failure destination
                    self.last_error = f"{fn_arn}: {type(exc).__name__}: {exc}"[:300]
                    if attempt == RETRIES:
                        self.failed += 1
                        log.warning("S3 event for %s failed after %d retries: %s", fn_arn, RETRIES, exc)
            self._events.task_done()

    def status(self) -> dict:
        return {
            "healthy": self.alive,
            "pending": self.pending(),
            "delivered": self.delivered,
            "failed": self.failed,
            "last_error": self.last_error,
        }
