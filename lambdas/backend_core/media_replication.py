"""The media replication contract: how the media buckets of the two regions copy each other (R2).

Two rules, one per direction: primary -> DR keeps the warm standby's copy (the failover read path), and
DR -> primary brings back what users upload while failed over, so fail-back loses nothing. Terraform's
storage module (through `terraform/contracts/media_replication.json`) and the local stack (its buckets'
replication configuration, which the local replicator follows) read this one definition.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ReplicationRule(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str = Field(pattern=r"^[A-Za-z0-9-]{1,255}$")
    prefix: str = Field("", description="Key prefix the rule covers; empty = the whole bucket.")
    delete_marker_replication: bool = Field(True, description="A delete in one region hides the copy too.")
    replicate_kms_encrypted: bool = Field(True, description="SSE-KMS objects (all media) are replicated.")
    replica_modifications: bool = Field(True, description="Metadata changes of replicas flow back.")
    storage_class: Literal["STANDARD", "INTELLIGENT_TIERING"] = Field(
        "STANDARD", description="Class of the copy. STANDARD: the copy is the read path after a failover."
    )
    replication_time_minutes: Literal[15] = Field(
        15, description="S3 Replication Time Control: 99.99% of objects within 15 minutes (S3's only value)."
    )

    def s3_rule(self, destination_bucket_arn: str, replica_kms_key_arn: str) -> dict[str, Any]:
        """The rule as `s3.put_bucket_replication` takes it (the local stack uses this)."""
        enabled = {True: "Enabled", False: "Disabled"}
        return {
            "ID": self.id,
            "Priority": 1,
            "Status": "Enabled",
            "Filter": {"Prefix": self.prefix},
            "DeleteMarkerReplication": {"Status": enabled[self.delete_marker_replication]},
            "SourceSelectionCriteria": {
                "SseKmsEncryptedObjects": {"Status": enabled[self.replicate_kms_encrypted]},
                "ReplicaModifications": {"Status": enabled[self.replica_modifications]},
            },
            "Destination": {
                "Bucket": destination_bucket_arn,
                "StorageClass": self.storage_class,
                "EncryptionConfiguration": {"ReplicaKmsKeyID": replica_kms_key_arn},
                "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": self.replication_time_minutes}},
                "Metrics": {
                    "Status": "Enabled",
                    "EventThreshold": {"Minutes": self.replication_time_minutes},
                },
            },
        }


class MediaReplication(BaseModel):
    model_config = ConfigDict(frozen=True)
    to_dr: ReplicationRule
    to_primary: ReplicationRule


MEDIA_REPLICATION = MediaReplication(
    to_dr=ReplicationRule(id="media-to-dr"),
    to_primary=ReplicationRule(id="media-to-primary"),
)
