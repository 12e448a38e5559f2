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

The bucket settings this policy means, in the shapes S3's API takes and answers (`lifecycle_rules`,
`intelligent_tiering_configuration`), are built here once: the local stack puts them on its buckets and
`ops audit lifecycle` compares every bucket's actual settings with them (a plan test keeps modules/secure-bucket
in step). `MEDIA_INVENTORY` is the daily S3 Inventory of the primary media bucket that the audit reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backend_core.s3_layout import MEDIA_PREFIX, TTL_ARCHIVE_PREFIX

# "Inactive for more than six months": the earliest day any archive tier may start. Intelligent-Tiering
# accepts 90-730 days for Archive Access and 180-730 for Deep Archive Access
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html).
NO_ARCHIVE_BEFORE_DAYS = 180
ARCHIVE_TIER_MAX_DAYS = 730
# Intelligent-Tiering never moves an object under 128 KB between tiers (it is always billed as Frequent Access,
# without the monitoring fee), and lifecycle does not transition one into the class by default
# (TransitionDefaultMinimumObjectSize = all_storage_classes_128K). Source: the overview above and
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
TIERING_MIN_OBJECT_BYTES = 128 * 1024
ARCHIVE_TIERS = ("ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS")  # the tiers that answer 403 until restored
# A Standard retrieval (free in Intelligent-Tiering) brings an object back within 3-5 hours from Archive
# Access and within 12 hours from Deep Archive Access: the upper bounds are what a client is told to wait.
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
RESTORE_SECONDS = {"ARCHIVE_ACCESS": 5 * 3600, "DEEP_ARCHIVE_ACCESS": 12 * 3600}
INTELLIGENT_TIERING_ID = "archive-inactive"  # the configuration's name (modules/secure-bucket)
ARCHIVE_RULE_ID = (
    "tier-archive-and-clean-up"  # the lifecycle rule of user-data buckets (modules/secure-bucket)
)
_MEDIA_KEY = re.compile(
    "^"
    + re.escape(MEDIA_PREFIX)
    + r"(?P<user>[A-Za-z0-9_.:-]{1,128})/media/(?P<media>[A-Za-z0-9_.:-]{1,128})$"
)


def media_object_key(user_id: str, media_id: str) -> str:
    """Where a user's media object lives in the media buckets (the API presigns exactly this key)."""
    return f"{MEDIA_PREFIX}{user_id}/media/{media_id}"


def media_key_parts(key: str) -> tuple[str, str] | None:
    """(user id, media id) of a media object key; None for any other key (TTL archives, canaries...)."""
    match = _MEDIA_KEY.match(key)
    return (match["user"], match["media"]) if match else None


def scratch_rule_suffix(prefix: str) -> str:
    """The rule-id suffix of a scratch prefix, as modules/secure-bucket spells it
    (`trimsuffix(replace(prefix, "/", "-"), "-")`)."""
    return prefix.replace("/", "-").removesuffix("-")


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
        TTL_ARCHIVE_PREFIX,
        description="Where items removed by DynamoDB TTL are archived in S3 (backend_core.s3_layout).",
    )

    @model_validator(mode="after")
    def _archive_before_deep_archive(self) -> ArchivalPolicy:
        if self.archive_access_after_days is not None and not (
            self.archive_access_after_days < self.deep_archive_after_days
        ):
            raise ValueError("archive_access_after_days must come before deep_archive_after_days")
        return self

    def archive_tiers(self) -> dict[str, int]:
        """Intelligent-Tiering access tier -> days without access, as a primary media bucket applies them."""
        tiers = {"DEEP_ARCHIVE_ACCESS": self.deep_archive_after_days}
        if self.archive_access_after_days is not None:
            tiers["ARCHIVE_ACCESS"] = self.archive_access_after_days
        return tiers

    def intelligent_tiering_configuration(self) -> dict[str, Any]:
        """The primary media bucket's configuration as `s3.put_bucket_intelligent_tiering_configuration` takes
        it (and GetBucketIntelligentTieringConfiguration answers it). A failover copy has none."""
        return {
            "Id": INTELLIGENT_TIERING_ID,
            "Status": "Enabled",
            "Tierings": [
                {"Days": days, "AccessTier": tier} for tier, days in sorted(self.archive_tiers().items())
            ],
        }

    def lifecycle_rules(self, scratch_prefixes: Mapping[str, int]) -> list[dict[str, Any]]:
        """The lifecycle rules of both media buckets, as `s3.put_bucket_lifecycle_configuration` takes them:
        the tiering transition and noncurrent/incomplete-upload hygiene, then per scratch prefix (the drill's
        canaries: prefix -> days) an expiry of every version and a removal of the delete markers left."""
        rules: list[dict[str, Any]] = [
            {
                "ID": ARCHIVE_RULE_ID,
                "Status": "Enabled",
                "Filter": {},
                "Transitions": [
                    {"Days": self.intelligent_tiering_after_days, "StorageClass": "INTELLIGENT_TIERING"}
                ],
                "NoncurrentVersionTransitions": [
                    {"NoncurrentDays": self.noncurrent_to_glacier_days, "StorageClass": "GLACIER"}
                ],
                "NoncurrentVersionExpiration": {"NoncurrentDays": self.noncurrent_expire_days},
                "AbortIncompleteMultipartUpload": {
                    "DaysAfterInitiation": self.abort_incomplete_multipart_days
                },
            }
        ]
        for prefix, days in sorted(scratch_prefixes.items()):
            rules.append(
                {
                    "ID": f"expire-scratch-{scratch_rule_suffix(prefix)}",
                    "Status": "Enabled",
                    "Filter": {"Prefix": prefix},
                    "Expiration": {"Days": days},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": days},
                }
            )
        for prefix in sorted(scratch_prefixes):
            rules.append(
                {
                    "ID": f"remove-scratch-markers-{scratch_rule_suffix(prefix)}",
                    "Status": "Enabled",
                    "Filter": {"Prefix": prefix},
                    "Expiration": {"ExpiredObjectDeleteMarker": True},
                }
            )
        return rules


ARCHIVAL_POLICY = ArchivalPolicy()


# The columns S3 Inventory writes to Parquet for a current-versions report (lower snake case of the field
# names, in the order of its schema; version columns appear only in all-versions reports), with the Glue types
# Athena reads them as, and the optional field that adds each. Source: "Querying Amazon S3 Inventory with
# Amazon Athena", https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-athena-query.html
INVENTORY_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("bucket", "string", None),
    ("key", "string", None),
    ("size", "bigint", "Size"),
    ("last_modified_date", "timestamp", "LastModifiedDate"),
    ("e_tag", "string", "ETag"),
    ("storage_class", "string", "StorageClass"),
    ("intelligent_tiering_access_tier", "string", "IntelligentTieringAccessTier"),
)


class MediaInventory(BaseModel):
    """The daily S3 Inventory of the primary media bucket (Parquet, into the analytics bucket) and the Glue
    table Athena and the local query engine read it through. S3 delivers an inventory only to a bucket of the
    source bucket's region, so the DR copy has none: the audit lists it."""

    model_config = ConfigDict(frozen=True)
    configuration_id: str = Field("media-daily", pattern=r"^[A-Za-z0-9._-]{1,64}$")
    prefix: str = Field("inventory", description="Destination prefix in the analytics bucket (no slash).")
    frequency: str = "Daily"
    format: str = "Parquet"
    included_object_versions: str = "Current"
    table: str = Field("media_inventory", description="Glue table over the reports (symlink manifests).")
    partition_key: str = "dt"
    partition_format: str = Field("yyyy-MM-dd-HH-mm", description="S3's hive/dt= folder names.")

    @property
    def optional_fields(self) -> list[str]:
        return [field for _, _, field in INVENTORY_COLUMNS if field]

    def hive_prefix(self, source_bucket: str) -> str:
        """Where S3 writes the hive-compatible symlink manifests of `source_bucket`'s reports."""
        return f"{self.prefix}/{source_bucket}/{self.configuration_id}/hive/"

    def s3_configuration(self, destination_bucket: str) -> dict[str, Any]:
        """As `s3.put_bucket_inventory_configuration` takes it (the local stack puts exactly this)."""
        return {
            "Id": self.configuration_id,
            "IsEnabled": True,
            "IncludedObjectVersions": self.included_object_versions,
            "Schedule": {"Frequency": self.frequency},
            "OptionalFields": self.optional_fields,
            "Destination": {
                "S3BucketDestination": {
                    "Bucket": f"arn:aws:s3:::{destination_bucket}",
                    "Format": self.format,
                    "Prefix": self.prefix,
                }
            },
        }

    def terraform(self) -> dict[str, Any]:
        """What terraform/contracts/media_inventory.json holds."""
        return {
            **self.model_dump(),
            "optional_fields": self.optional_fields,
            "columns": [{"name": name, "type": glue_type} for name, glue_type, _ in INVENTORY_COLUMNS],
        }


MEDIA_INVENTORY = MediaInventory()
