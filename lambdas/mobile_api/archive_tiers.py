"""Whether a media object sits in an Intelligent-Tiering archive tier, and starting its restore once.

An object in Archive Access or Deep Archive Access answers 403 InvalidObjectState to every GET (presigned and
CloudFront's alike) until it is restored, so the API asks S3 before it hands out a URL. HeadObject works on
archived objects and does not count as access (it does not reset Intelligent-Tiering's clock); it says the
tier (`x-amz-archive-status`) and whether a restore is under way (`x-amz-restore: ongoing-request="true"`).
A second RestoreObject while one is running answers 409 RestoreAlreadyInProgress: S3 itself keeps the
restore to one (https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from backend_core.archival import ARCHIVE_TIERS

logger = Logger(service="mobile-api", child=True)
MISSING = {"404", "NoSuchKey", "NotFound", "403", "AccessDenied"}


@dataclass(frozen=True)
class ArchiveState:
    """Whether a media object sits in an archive tier, and whether its restore is under way."""

    tier: str | None = None  # ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS while archived
    restoring: bool = False

    @property
    def archived(self) -> bool:
        return self.tier in ARCHIVE_TIERS


def archive_state(s3: Any, bucket: str, key: str) -> ArchiveState:
    """The object's archive state. An object not uploaded yet is not archived; when S3 cannot be asked the
    URL is handed out as before (logged): a download that may fail beats no download at all."""
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code not in MISSING:
            logger.warning("archive state unknown", extra={"key": key, "code": code})
        return ArchiveState()
    except BotoCoreError as exc:
        logger.warning("archive state unknown", extra={"key": key, "error": type(exc).__name__})
        return ArchiveState()
    return ArchiveState(
        tier=head.get("ArchiveStatus"), restoring='ongoing-request="true"' in (head.get("Restore") or "")
    )


def start_restore(s3: Any, bucket: str, key: str) -> bool:
    """Ask S3 to bring the object back to the Frequent Access tier (Standard retrieval, free for
    Intelligent-Tiering; no Days: an Intelligent-Tiering restore does not expire). True when this call started
    it, False when one was already running."""
    try:
        s3.restore_object(
            Bucket=bucket, Key=key, RestoreRequest={"GlacierJobParameters": {"Tier": "Standard"}}
        )
    except ClientError as exc:
        # Already restoring, or back in an online tier since the HEAD: either way this call starts nothing.
        if exc.response.get("Error", {}).get("Code") in ("RestoreAlreadyInProgress", "InvalidObjectState"):
            return False
        raise
    return True
