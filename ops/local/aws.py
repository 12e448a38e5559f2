"""boto3 clients pointed at the emulator (never at AWS).

One shared session and one cached client per (service, region, endpoint): loading service models
is what makes client creation slow and memory hungry, so it happens once. boto3 clients are
thread-safe for calls; creating them is not, hence the lock.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from ops.local.config import FAKE_CREDENTIALS

_CONFIG = Config(
    retries={"max_attempts": 3, "mode": "standard"},
    connect_timeout=5,
    read_timeout=30,
    max_pool_connections=20,
)
_session = boto3.session.Session(**FAKE_CREDENTIALS)
_clients: dict[tuple[str, str, str], Any] = {}
_lock = threading.Lock()


def client(service: str, region: str, endpoint_url: str) -> Any:
    """A boto3 client for `service` in `region`, talking to the emulator at `endpoint_url`."""
    key = (service, region, endpoint_url)
    with _lock:
        if key not in _clients:
            _clients[key] = _session.client(
                service, region_name=region, endpoint_url=endpoint_url, config=_CONFIG
            )
        return _clients[key]
