"""Publish to a push endpoint through SNS in the endpoint's own region.

Endpoint ARNs are regional and live in the replicated table, so after a failover the DR region's worker
reads ARNs of the primary region (`arn:aws:sns:us-east-1:...:endpoint/...`); SNS only publishes to an
endpoint through its own region. One client per region, created on first use and kept for the container.
"""

from __future__ import annotations

import threading
from typing import Any

from backend_core import aws
from backend_core.settings import FunctionSettings


def arn_region(arn: str) -> str | None:
    """The region field of an ARN (`arn:partition:service:region:account:resource`), None if absent."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not parts[3]:
        return None
    return parts[3]


class RegionalSns:
    """Quacks like an SNS client for `publish(TargetArn=...)`, routing each call to the ARN's region."""

    def __init__(self, settings: FunctionSettings) -> None:
        self._settings = settings
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()  # local handlers may run concurrently; create each client once

    def client_for(self, arn: str) -> Any:
        region = arn_region(arn) or self._settings.region  # not an ARN: let our own region's SNS refuse it
        with self._lock:
            if region not in self._clients:
                self._clients[region] = aws.client(
                    "sns", self._settings.model_copy(update={"region": region})
                )
            return self._clients[region]

    def publish(self, *, TargetArn: str, **kwargs: Any) -> dict:  # boto3 parameter name
        return self.client_for(TargetArn).publish(TargetArn=TargetArn, **kwargs)
