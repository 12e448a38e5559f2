"""The archival policy ("archive objects inactive for more than 6 months").

One definition, used by Terraform's storage module (through `terraform/contracts/archival_policy.json`)
and by the lifecycle audit in ops.

What it means for the media buckets (terraform/modules/storage):
- the primary bucket archives through Intelligent-Tiering: Deep Archive Access after
  `deep_archive_after_days` without access, and Archive Access only if `archive_access_after_days` is set,
  never before 180 days. An object in an archive tier answers 403 InvalidObjectState until it is
  restored, so nothing that may still be in use is archived: the requirement is "inactive for more than
  six months", not "three".
- the DR copy never archives: nothing reads it until a failover, so every replica would look inactive,
  and after a failover its reads are the product's only read path. It keeps the tiering transition and
  the noncurrent/incomplete-upload hygiene.
Terraform's validation (modules/secure-bucket, `archival`) accepts exactly the values this model accepts
(tests/unit/contracts/test_archival_bounds.py runs the same cases through both).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

# "Inactive for more than six months": the earliest day any archive tier may start. Intelligent-Tiering
# accepts 90-730 days for Archive Access and 180-730 for Deep Archive Access
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html).
NO_ARCHIVE_BEFORE_DAYS = 180
ARCHIVE_TIER_MAX_DAYS = 730


class ArchivalPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)
    deep_archive_after_days: int = Field(
        180,
        ge=NO_ARCHIVE_BEFORE_DAYS,
        le=ARCHIVE_TIER_MAX_DAYS,
        description="Days without access before Intelligent-Tiering moves an object to Deep Archive Access.",
    )
    archive_access_after_days: int | None = Field(
        None,
        ge=NO_ARCHIVE_BEFORE_DAYS,
        le=ARCHIVE_TIER_MAX_DAYS,
        description="Days without access before the optional Archive Access tier (180 or more, before Deep "
        "Archive Access); null: no Archive Access tier.",
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

    @model_validator(mode="after")
    def _archive_before_deep_archive(self) -> ArchivalPolicy:
        if self.archive_access_after_days is not None and not (
            self.archive_access_after_days < self.deep_archive_after_days
        ):
            raise ValueError("archive_access_after_days must come before deep_archive_after_days")
        return self


ARCHIVAL_POLICY = ArchivalPolicy()
