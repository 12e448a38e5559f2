"""Usage events as log lines: one JSON line per request on stdout, no AWS call on the request path.

The line is the usage-event record itself (what `UsageEvent.to_record()` makes of the same facts), so that what
Firehose receives after its CloudWatch Logs message extraction is exactly the record the Parquet conversion
reads. In AWS a CloudWatch Logs subscription filter (`backend_core.usage_events.LOG_FILTER_PATTERN`) on the
function's log group sends the lines to the Firehose stream (terraform/modules/api, analytics); locally the
log-subscription stand-in (ops/local/stand_ins/log_subscription.py) takes the lines as their writer
(`set_line_writer`) and does the same. Writing a line to stdout cannot fail the request; a Firehose that is
slow or down delays delivery, never the API.

Cost (the request path's budget is a few microseconds: an in-process GET /health takes ~0.1 to 0.2 ms): the
record is built from facts the handler has checked already (a status from its answer, a role and a platform
from closed sets, a latency from perf_counter), never a validated model; it is formatted once, straight into
its JSON line (`UsageEmitter.emit`), and written to stdout's file descriptor with one `write` system call,
which is what the Lambda Python runtime does with every write anyway (its bootstrap wraps stdout to flush
each write), without Python's text layer. No `logging` call: a LogRecord, a formatter and a handler's lock
per request cost more than the rest of a GET /health. The UsageEvent model stays the one definition of the
line: tests/unit/lambdas/test_usage_lines.py validates what `UsageEmitter`
writes against it and compares it with `to_record()`.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable

from backend_core.settings import FunctionSettings
from mobile_api.identity import caller_of

PLATFORMS = {"ios", "android", "web"}
STDOUT_FD = 1
LineWriter = Callable[[str], None]
# json's own string encoder (what json.dumps uses for a str with its default ensure_ascii=True).
_string: Callable[[str], str] = json.encoder.encode_basestring_ascii  # type: ignore[assignment]


def platform_of(header: str | None) -> str:
    """The X-Client-Platform header's value as the event's platform: ios, android, web or unknown."""
    value = (header or "").strip().lower()
    return value if value in PLATFORMS else "unknown"


def app_version_of(header: str | None) -> str | None:
    """The X-App-Version header's value, at most 32 characters; None when absent or blank."""
    value = (header or "").strip()
    return value[:32] or None


def stdout_line(line: str) -> None:
    """One line (ASCII, ending in a newline) to the process's stdout as one `write` system call: what the
    Lambda runtime's own stdout does per write (its bootstrap flushes every write), without Python's text
    layer on top. Lambda sends the function's stdout to its log group as is (plain text, also when the
    function's log format is JSON: the runtime structures only what reaches the root logger); a line under
    the pipe's atomic size (4 KiB; a usage line is ~400 bytes at most) is never interleaved with another
    write. Order with other output holds as long as Python's `sys.stdout` holds nothing unwritten, which is so
    in Lambda (its runtime flushes every write) and for logging handlers (they flush every record)."""
    fd_line(STDOUT_FD, line)


def fd_line(fd: int, line: str) -> None:
    """`line` to file descriptor `fd`, all of it (os.write may take part of a large write). A descriptor that
    refuses (closed, a broken pipe) loses the line and never fails the request, as a logging handler would."""
    data = line.encode()
    try:
        written = os.write(fd, data)
        while written < len(data):
            written += os.write(fd, data[written:])
    except OSError:
        return


_writers: list[LineWriter] = [stdout_line]


def set_line_writer(writer: LineWriter | None) -> LineWriter:
    """Where every usage line goes from now on (None: stdout again); returns the writer it replaces. The
    local stack's log-subscription stand-in and the benchmarks take the lines this way; a Lambda function
    never calls it."""
    previous = _writers[0]
    _writers[0] = writer or stdout_line
    return previous


def line_writer() -> LineWriter:
    """The writer usage lines go to now."""
    return _writers[0]


class UsageEmitter:
    """One line per request when analytics are on (`usage_stream_name` set: the env has a usage stream)."""

    def __init__(self, settings: FunctionSettings) -> None:
        self.enabled = bool(settings.usage_stream_name)
        self._env_region = f',"env":{_string(settings.env_name)},"region":{_string(settings.region)}'

    def emit(
        self, event: dict, route: str | None, status: int, latency_ms: float, now: float | None = None
    ) -> None:
        """Write one request's record as one line: `event` the API Gateway payload v2 event (request id,
        method, header names lowercase as API Gateway and the local front pass them, the verified claims),
        `route` the matched template (None: none matched, written "METHOD (unmatched)"), `status` the
        answer's, `latency_ms` the handler's time, `now` (epoch seconds, default the clock) the event's `ts`.

        The line is, as JSON, `UsageEvent(...).to_record()` of the same facts: keys in the model's order, `ts`
        "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC), then `day`; every string through json's own string encoder (ASCII,
        escaped as json.dumps escapes it) but `role` and `platform`, which come from closed sets of plain words
        (`Caller.role`, `platform_of`); `status` an int; `latency_ms` a number to the microsecond (truncated,
        three decimals: "0.123", "12.000"). Formatted directly, each step inline: json's encoder on a 13-key
        dict costs ~10 us a request on the shared machine, formatting a float ~1 us, a function call ~0.3 us."""
        if not self.enabled:
            return
        context = event.get("requestContext") or {}
        headers = event.get("headers") or {}
        caller = caller_of(event) if context.get("authorizer") else None
        platform = headers.get("x-client-platform")
        version = headers.get("x-app-version")
        if version is not None:
            version = app_version_of(version)
        method = (context.get("http") or {}).get("method") or "?"
        second, fraction = divmod(int((time.time() if now is None else now) * 1000), 1000)
        whole, part = divmod(int(latency_ms * 1000), 1000)
        cached = _second[0]
        if cached[0] != second:  # the time to the second, formatted once a second
            text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            cached = _second[0] = (second, text, text[:10])
        _writers[0](
            f'{{"event_id":{_string(context.get("requestId") or uuid.uuid4().hex)}'
            f',"ts":"{cached[1]}.{_DIGITS[fraction]}Z"{self._env_region}'
            f',"route":{_string(route or f"{method} (unmatched)")},"method":{_string(method)},"status":{status}'
            f',"latency_ms":{whole}.{_DIGITS[part]}'
            f',"user_id":{"null" if caller is None else _string(caller.user_id)}'
            f',"role":"{"anonymous" if caller is None else caller.role}"'
            f',"platform":"{"unknown" if platform is None else platform_of(platform)}"'
            f',"app_version":{"null" if version is None else _string(version)},"day":"{cached[2]}"}}\n'
        )


_DIGITS = tuple(f"{n:03d}" for n in range(1000))
# The last whole second (epoch), its text to the second and its day, replaced as one tuple: safe across threads.
_second: list[tuple[int, str, str]] = [(-1, "", "")]
