"""The key layout of the media buckets: which prefix holds what.

One definition, read by the code that writes each kind of object (the API presigns user media under
`MEDIA_PREFIX`, the drill writes canaries under `DRILL_CANARY_PREFIX`, the TTL archiver writes under
`TTL_ARCHIVE_PREFIX`), by Terraform (IAM resource patterns and conditions, the restore notification's filter,
the canaries' expiry rule; through `terraform/contracts/s3_layout.json`) and by ops (the drill's cleanup, the
local stack's notification filter). A renamed prefix that Terraform did not hear of is an AccessDenied in AWS.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MEDIA_PREFIX = "users/"  # every media object: users/<user id>/media/<media id>
DRILL_CANARY_PREFIX = "drill/canary/"  # the drill's role may write and delete only under this prefix
TTL_ARCHIVE_PREFIX = "archive/dynamodb-ttl/"  # items removed by DynamoDB TTL, one JSON object each


class S3Layout(BaseModel):
    model_config = ConfigDict(frozen=True)
    media_prefix: str = Field(description="User media: <media_prefix><user id>/media/<media id>.")
    drill_canary_prefix: str = Field(description="The DR drill's canary objects (expire after a day).")
    ttl_archive_prefix: str = Field(description="Items DynamoDB TTL removed, archived by ttl_archiver.")


S3_LAYOUT = S3Layout(
    media_prefix=MEDIA_PREFIX, drill_canary_prefix=DRILL_CANARY_PREFIX, ttl_archive_prefix=TTL_ARCHIVE_PREFIX
)


def user_media_prefix(user_id: str) -> str:
    """Every media object of one user lives under this prefix."""
    return f"{MEDIA_PREFIX}{user_id}/"


def owner_of_media_key(key: str) -> str | None:
    """The user id of a media object's key (`users/<user id>/...`); None for any other key."""
    if not key.startswith(MEDIA_PREFIX):
        return None
    owner = key[len(MEDIA_PREFIX) :].split("/", 1)[0]
    return owner or None
