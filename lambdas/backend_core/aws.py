"""boto3 clients built from settings: one place decides region, endpoint, timeouts and retries."""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from backend_core.settings import FunctionSettings

# Request paths are latency-sensitive: short timeouts, SDK "standard" retries with backoff (R8).
REQUEST_PATH = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})
# Usage events must never slow or fail a request: one quick attempt, then give up.
BEST_EFFORT = Config(connect_timeout=0.5, read_timeout=0.5, retries={"mode": "standard", "max_attempts": 1})

# One session per process: each session parses the service models again (tens of MB and ~100 ms each),
# and region and endpoint are per client anyway, so handlers for several regions can share it.
_session: boto3.session.Session | None = None
_session_lock = threading.Lock()  # creating clients from one session is not thread-safe; using them is


def client(service: str, settings: FunctionSettings, config: Config = REQUEST_PATH) -> Any:
    global _session
    with _session_lock:
        if _session is None:
            _session = boto3.session.Session()
        return _session.client(
            service, region_name=settings.region, endpoint_url=settings.endpoint_url, config=config
        )
