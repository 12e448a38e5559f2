"""Usage events as log lines: one JSON line per request on stdout, no AWS call on the request path.

The line is the usage-event record itself (`UsageEvent.to_record()`), so that what Firehose receives after
its CloudWatch Logs message extraction is exactly the record the Parquet conversion reads. In AWS a CloudWatch
Logs subscription filter (`backend_core.usage_events.LOG_FILTER_PATTERN`) on the function's log group sends the
lines to the Firehose stream (terraform/modules/api, analytics); locally the log-subscription stand-in
(ops/local/stand_ins/log_subscription.py) does the same from the `USAGE_LOGGER` logger. Writing a line to
stdout cannot fail the request; a Firehose that is slow or down delays delivery, never the API.
"""

from __future__ import annotations

import json
import logging
import sys

from backend_core.settings import FunctionSettings
from backend_core.usage_events import USAGE_LOGGER, UsageEvent

PLATFORMS = {"ios", "android", "web"}


def platform_of(headers: dict[str, str]) -> str:
    value = (headers.get("x-client-platform") or "").strip().lower()
    return value if value in PLATFORMS else "unknown"


def app_version_of(headers: dict[str, str]) -> str | None:
    value = (headers.get("x-app-version") or "").strip()
    return value[:32] or None


def usage_logger() -> logging.Logger:
    """The logger whose lines are usage events: message only (no level, no timestamp: the line is the
    record), to stdout, which Lambda sends to the function's log group as is (plain text, also when the
    function's log format is JSON: the runtime structures only what reaches the root logger)."""
    logger = logging.getLogger(USAGE_LOGGER)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # never a second, differently formatted copy through the root logger
    return logger


class UsageEmitter:
    """One line per request when analytics are on (`usage_stream_name` set: the env has a usage stream)."""

    def __init__(self, settings: FunctionSettings) -> None:
        self.enabled = bool(settings.usage_stream_name)
        self.log = usage_logger()

    def emit(self, event: UsageEvent) -> None:
        if self.enabled:
            self.log.info(json.dumps(event.to_record(), separators=(",", ":")))
