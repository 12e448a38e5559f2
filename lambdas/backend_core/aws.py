"""boto3 clients built from settings: one place decides region, endpoint, timeouts and retries."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from backend_core.settings import FunctionSettings

# Request paths are latency-sensitive: short timeouts, SDK "standard" retries with backoff (R8).
REQUEST_PATH = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})
# Usage events must never slow or fail a request: one quick attempt, then give up.
BEST_EFFORT = Config(connect_timeout=0.5, read_timeout=0.5, retries={"mode": "standard", "max_attempts": 1})


def client(service: str, settings: FunctionSettings, config: Config = REQUEST_PATH) -> Any:
    session = boto3.session.Session()  # a session per handler: safe when several regions share a process
    return session.client(
        service, region_name=settings.region, endpoint_url=settings.endpoint_url, config=config
    )
