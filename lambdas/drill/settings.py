"""Configuration of the drill: the shared function settings plus where the DR copies live.

Only the drill reads the DR_* variables, so they are not in `backend_core.settings.ENV_VARS` (the
environment every function gets); `ENV_VARS` below is the drill's own addition to it, read by field name
like every other (`Settings.env_vars()`).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from backend_core.item_keys import DRILL_CANARY_PARTITION
from backend_core.s3_layout import DRILL_CANARY_PREFIX
from backend_core.settings import FunctionSettings, not_from_env

# Where the drill's canaries live, one definition: exported to terraform/contracts/drill_canary.json, from
# which Terraform scopes the drill role (modules/api) and expires leftover copies (modules/storage).
CANARY_PARTITION = DRILL_CANARY_PARTITION  # the role may touch items of this partition only
CANARY_PREFIX = (
    DRILL_CANARY_PREFIX  # the role may write and delete only under this prefix (backend_core.s3_layout)
)
CANARY_OBJECT_EXPIRE_DAYS = (
    1  # a canary object the drill could not delete expires (both buckets, all versions)
)


def canary_contract() -> dict:
    """What Terraform needs to know about the canaries (`ops contracts export`)."""
    return {
        "canary_partition": CANARY_PARTITION,
        "canary_prefix": CANARY_PREFIX,
        "canary_object_expire_days": CANARY_OBJECT_EXPIRE_DAYS,
    }


class Settings(FunctionSettings):
    dr_region: str = Field(min_length=1, description="Region of the warm standby.")
    dr_table_name: str = Field("", description="Replica table name in the DR region; empty = table_name.")
    dr_media_bucket: str = Field(min_length=1, description="Replication destination of the media bucket.")
    dr_api_url: str = Field(description="Base URL of the DR region's API (its /health is checked).")
    alerts_topic_arn: str | None = Field(None, description="SNS topic told when a drill fails.")
    canary_partition: str = not_from_env(CANARY_PARTITION, "The role may touch items of this partition only.")
    canary_prefix: str = not_from_env(CANARY_PREFIX, "The role may touch objects only under this prefix.")
    canary_ttl_seconds: int = not_from_env(3600, "A canary the drill could not delete expires on its own.")
    health_timeout_seconds: float = not_from_env(3.0, "Timeout of the DR API's /health check.")
    poll_interval_seconds: float = not_from_env(0.25, "How often the drill looks for its canaries' copies.")

    @field_validator("dr_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("dr_api_url must be an http(s) URL")
        return value.rstrip("/")

    @property
    def replica_table(self) -> str:
        return self.dr_table_name or self.table_name  # global table replicas share the table's name


# The drill's own variables, beyond what every function reads.
ENV_VARS = tuple(name for name in Settings.env_vars() if name not in FunctionSettings.env_vars())
