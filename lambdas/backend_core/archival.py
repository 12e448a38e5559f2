"""The archival policy ("archive objects inactive for more than 6 months").

One definition, used by Terraform's storage module (through `terraform/contracts/archival_policy.json`)
and by the lifecycle audit in ops.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ArchivalPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)
    deep_archive_after_days: int = Field(
        180,
        ge=180,
        le=730,
        description="Days without access before Intelligent-Tiering moves an object to Deep Archive Access.",
    )
    archive_access_after_days: int | None = Field(
        90,
        ge=90,
        le=730,
        description="Days without access before the (optional) Archive Access tier; null to skip that tier.",
    )
    intelligent_tiering_after_days: int = Field(
        0,
        ge=0,
        description="Days after creation before objects transition into INTELLIGENT_TIERING.",
    )
    noncurrent_to_glacier_days: int = Field(
        30, ge=1, description="Noncurrent versions go to Glacier after this."
    )
    noncurrent_expire_days: int = Field(365, ge=1, description="Noncurrent versions are deleted after this.")
    abort_incomplete_multipart_days: int = Field(
        7, ge=1, description="Incomplete uploads are aborted after this."
    )
    expired_items_prefix: str = Field(
        "archive/dynamodb-ttl/",
        description="Where items removed by DynamoDB TTL are archived in S3.",
    )


ARCHIVAL_POLICY = ArchivalPolicy()
