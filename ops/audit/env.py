"""Where an audit looks: the stack-outputs document of an env, and boto3 clients for its two regions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.config import Config

from ops.stack_outputs import StackOutputs

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=32)


@dataclass
class AuditEnv:
    outputs: StackOutputs
    session: Any = None  # boto3 session for a cloud env; None locally

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
            from ops.local.aws import client

            return client(service, region, self.outputs.endpoint_url)
        return self.session.client(service, region_name=region, config=_CONFIG)

    def buckets(self) -> list[tuple[str, str, str]]:
        """(bucket, role, side) of every bucket in the stack outputs."""
        out = self.outputs
        return [
            (out.media.bucket.primary, "media", "primary"),
            (out.media.bucket.dr, "media failover copy", "dr"),
            (out.analytics.bucket, "analytics", "primary"),
        ]
