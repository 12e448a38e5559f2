"""Usage events to Firehose: one per request, best effort (a failure is logged, never raised)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger

from backend_core import aws
from backend_core.settings import FunctionSettings
from backend_core.usage_events import UsageEvent

logger = Logger(service="mobile-api", child=True)
PLATFORMS = {"ios", "android", "web"}


def platform_of(headers: dict[str, str]) -> str:
    value = (headers.get("x-client-platform") or "").strip().lower()
    return value if value in PLATFORMS else "unknown"


def app_version_of(headers: dict[str, str]) -> str | None:
    value = (headers.get("x-app-version") or "").strip()
    return value[:32] or None


class UsageEmitter:
    def __init__(self, settings: FunctionSettings) -> None:
        self.stream = settings.usage_stream_name
        self.client: Any = aws.client("firehose", settings, aws.BEST_EFFORT) if self.stream else None

    def emit(self, event: UsageEvent) -> None:
        if self.client is None:
            return
        try:
            data = json.dumps(event.to_record(), separators=(",", ":")) + "\n"
            self.client.put_record(DeliveryStreamName=self.stream, Record={"Data": data.encode()})
        except Exception:  # analytics must never fail the request it describes
            logger.warning("usage event not delivered", exc_info=True)
