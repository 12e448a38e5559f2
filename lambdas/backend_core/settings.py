"""Typed function configuration, read once from the environment in AWS and passed explicitly elsewhere.

The local stack runs one API front per region in one process, so nothing below may read process-global
environment variables except `from_env`, which only the module-level `lambda_handler`s call.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field


class PlatformApps(BaseModel):
    model_config = ConfigDict(frozen=True)
    apns: str | None = Field(None, description="SNS platform application ARN for APNs (iOS).")
    fcm: str | None = Field(None, description="SNS platform application ARN for FCM (Android).")


class FunctionSettings(BaseModel):
    """What every function needs to reach its resources. Environment variable names are in `ENV_VARS`."""

    model_config = ConfigDict(frozen=True)

    region: str
    endpoint_url: str | None = Field(None, description="AWS emulator URL; None in AWS.")
    env_name: str = "local"
    table_name: str
    media_bucket: str = ""
    cdn_domain: str | None = Field(None, description="CloudFront domain for downloads; None locally.")
    cdn_key_pair_id: str | None = Field(
        None, description="CloudFront public key id that signs download URLs."
    )
    cdn_signing_key_secret_arn: str | None = Field(
        None, description="Secrets Manager secret holding the URL-signing RSA private key (PEM)."
    )
    notify_queue_url: str = ""
    usage_stream_name: str = Field("", description="Firehose delivery stream of usage events; empty = off.")
    platform_app_arns: PlatformApps = PlatformApps()
    regions: tuple[str, ...] = Field(
        (),
        description="Every region that takes writes (the global table's replicas), primary first; empty = "
        "this region only. Sync keeps one copy and one change log per region.",
    )

    @property
    def write_regions(self) -> tuple[str, ...]:
        """The regions that take writes, this one included."""
        if not self.regions:
            return (self.region,)
        return self.regions if self.region in self.regions else (*self.regions, self.region)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> FunctionSettings:
        env = os.environ if environ is None else environ
        return cls(
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            endpoint_url=env.get("ENDPOINT_URL") or None,
            env_name=env.get("ENV_NAME", "local"),
            table_name=env["TABLE_NAME"],
            media_bucket=env.get("MEDIA_BUCKET", ""),
            cdn_domain=env.get("CDN_DOMAIN") or None,
            cdn_key_pair_id=env.get("CDN_KEY_PAIR_ID") or None,
            cdn_signing_key_secret_arn=env.get("CDN_SIGNING_KEY_SECRET_ARN") or None,
            notify_queue_url=env.get("NOTIFY_QUEUE_URL", ""),
            usage_stream_name=env.get("USAGE_STREAM_NAME", ""),
            platform_app_arns=PlatformApps(
                apns=env.get("PLATFORM_APP_ARN_APNS") or None, fcm=env.get("PLATFORM_APP_ARN_FCM") or None
            ),
            regions=tuple(r for r in (env.get("REGIONS") or "").split(",") if r),
        )


# The environment contract Terraform fills in for each function (AWS_REGION is set by Lambda itself).
ENV_VARS = (
    "ENDPOINT_URL",
    "ENV_NAME",
    "TABLE_NAME",
    "MEDIA_BUCKET",
    "CDN_DOMAIN",
    "CDN_KEY_PAIR_ID",
    "CDN_SIGNING_KEY_SECRET_ARN",
    "NOTIFY_QUEUE_URL",
    "USAGE_STREAM_NAME",
    "PLATFORM_APP_ARN_APNS",
    "PLATFORM_APP_ARN_FCM",
    "REGIONS",
)
