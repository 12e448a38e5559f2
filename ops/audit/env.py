"""Where an audit looks: the stack-outputs document of an env, and boto3 clients for its two regions."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from botocore.config import Config

from ops.stack_outputs import StackOutputs

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=32)
# Against the emulator a page of a whole-table Scan or of a large listing can take far longer than in AWS (moto
# walks every item for each page), so the audit waits for it rather than failing on the stack's 30 s default.
_LOCAL_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=5,
    read_timeout=600,
    max_pool_connections=32,
)


@dataclass
class AuditEnv:
    outputs: StackOutputs
    session: Any = None  # boto3 session for a cloud env; None locally
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    @classmethod
    def resolve(cls, env: str) -> AuditEnv:
        """From the running local stack (`local`) or a cloud env's outputs (MBT_STACK_OUTPUTS or Terraform);
        OpsError (one line) when they cannot be read."""
        from ops.analytics.target import stack_outputs

        outputs = stack_outputs(env)
        if outputs.endpoint_url:
            return cls(outputs)
        import boto3

        return cls(outputs, boto3.session.Session())

    @property
    def name(self) -> str:
        return self.outputs.env

    def region(self, side: str) -> str:
        return self.outputs.primary_region if side == "primary" else self.outputs.dr_region

    def client(self, service: str, side: str = "primary") -> Any:
        region = self.region(side) if side in ("primary", "dr") else side
        if self.outputs.endpoint_url:
            return _local_client(service, region, self.outputs.endpoint_url)
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self.session.client(service, region_name=region, config=_CONFIG)
        return self._clients[key]

    def buckets(self) -> list[tuple[str, str, str]]:
        """(bucket, role, side) of every bucket in the stack outputs."""
        out = self.outputs
        return [
            (out.media.bucket.primary, "media", "primary"),
            (out.media.bucket.dr, "media failover copy", "dr"),
            (out.analytics.bucket, "analytics", "primary"),
        ]


_local_lock = threading.Lock()
_local: dict[tuple[str, str, str], Any] = {}


@cache
def _local_session() -> Any:
    import boto3

    from ops.local.config import FAKE_CREDENTIALS

    return boto3.session.Session(**FAKE_CREDENTIALS)


def _local_client(service: str, region: str, endpoint_url: str) -> Any:
    """One client per (service, region, emulator) for the process, as ops.local.aws keeps them (creating one
    parses the service model), with the audit's patient timeouts."""
    key = (service, region, endpoint_url)
    with _local_lock:
        if key not in _local:
            _local[key] = _local_session().client(
                service, region_name=region, endpoint_url=endpoint_url, config=_LOCAL_CONFIG
            )
        return _local[key]
