"""The stack-outputs document: what a deployed environment exposes (docs/architecture.md).

Terraform's blueprint outputs and the local stack both produce it; ops, tests and notebooks read
only this. Keys may be added, never renamed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from backend_core.usage_events import TABLE_NAME


class _Doc(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class ApiUrls(_Doc):
    primary: str
    dr: str
    public: str


class LiveUrls(_Doc):
    """The live channel (WebSocket API) of each region: `wss://...` in AWS, `ws://127.0.0.1:...` locally."""

    primary: str
    dr: str


class AuthOutputs(_Doc):
    user_pool_id: str
    client_id: str
    identity_pool_id: str | None
    issuer: str
    # Managed login (federated sign-in): its host and the identity providers besides COGNITO; none locally.
    hosted_login_domain: str | None = None
    identity_providers: list[str] = []


class TableOutputs(_Doc):
    name: str
    stream_arn: str | None


class RegionalBuckets(_Doc):
    primary: str
    dr: str


class MediaOutputs(_Doc):
    bucket: RegionalBuckets
    cdn_domain: str | None


class PlatformApplications(_Doc):
    apns: str | None
    fcm: str | None


class NotificationOutputs(_Doc):
    queue_url: str
    platform_applications: PlatformApplications


class AnalyticsOutputs(_Doc):
    bucket: str
    database: str
    table: str = TABLE_NAME
    workgroup: str


class DrOutputs(_Doc):
    health_check_id: str | None
    failover_record: str | None


class StackOutputs(_Doc):
    env: str
    primary_region: str
    dr_region: str
    endpoint_url: str | None
    api: ApiUrls
    auth: AuthOutputs
    table: TableOutputs
    media: MediaOutputs
    notifications: NotificationOutputs
    analytics: AnalyticsOutputs
    dr: DrOutputs
    alerts_topic_arn: str | None
    live: LiveUrls | None = None  # absent in documents written before the live channel


def required_keys(model: type[BaseModel] = StackOutputs, prefix: str = "") -> list[str]:
    """Dotted paths of every key the contract names, for tests that compare producers."""
    keys: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        keys.append(path)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += required_keys(annotation, prefix=f"{path}.")
    return keys
