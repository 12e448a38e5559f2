"""Media: presigned uploads confined to the caller's prefix, type and size; downloads by short-lived URL.

A download of an object Intelligent-Tiering has archived starts its restore (once) and answers when to ask
again; the owner is told when it is back (lambdas/media_restored). Every download is recorded as a use of
the object, per region, for the archive audit (`ops audit lifecycle`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from backend_core.archival import RESTORE_SECONDS, media_object_key
from backend_core.media_store import MediaObject, MediaStore
from mobile_api.archive_tiers import archive_state, start_restore
from mobile_api.cdn_signing import CdnUrlSigner, SigningUnavailable
from mobile_api.clock import Clock, iso
from mobile_api.models import MEDIA_LIMITS
from mobile_api.services.errors import NotFound, TooLarge, Unavailable
from mobile_api.settings import Settings

logger = Logger(service="mobile-api", child=True)


@dataclass(frozen=True)
class UploadGrant:
    """A presigned POST for one upload, and the media record it will fill."""

    media: MediaObject
    url: str
    fields: dict[str, str]  # the presigned POST's form fields, sent before the file
    expires_in: int  # seconds


@dataclass(frozen=True)
class DownloadLink:
    """A signed download URL of a media object."""

    media: MediaObject
    url: str
    expires_in: int  # seconds


@dataclass(frozen=True)
class Restoring:
    """The object was archived: a restore is under way; ask again after `retry_after` seconds."""

    media_id: str
    retry_after: int


@dataclass(frozen=True)
class MediaAccess:
    """What the media rules need: the table, this region's S3 client, the CDN signer (None without one)."""

    media: MediaStore
    s3: Any
    cdn_signer: CdnUrlSigner | None
    settings: Settings


def create_upload(
    access: MediaAccess,
    user_id: str,
    content_type: str,
    size: int,
    clock: Clock,
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
) -> UploadGrant:
    """A presigned POST for one object of `content_type` up to `size` bytes under the user's prefix, and its
    record. Raises TooLarge above the type's cap (`models.MEDIA_LIMITS`)."""
    settings = access.settings
    if size > MEDIA_LIMITS[content_type]:
        raise TooLarge(f"{content_type} is limited to {MEDIA_LIMITS[content_type]} bytes")
    media_id = new_id()
    key = media_object_key(user_id, media_id)
    # The policy pins the exact key, the type and the size: the URL cannot write anything else.
    post = access.s3.generate_presigned_post(
        Bucket=settings.media_bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, size]],
        ExpiresIn=settings.upload_url_seconds,
    )
    media = MediaObject(user_id, media_id, key, content_type, size, iso(clock()))
    access.media.put(media)
    return UploadGrant(media, post["url"], post["fields"], settings.upload_url_seconds)


def download(access: MediaAccess, user_id: str, media_id: str, clock: Clock) -> DownloadLink | Restoring:
    """A download URL of one of the user's objects, or Restoring when it is archived (its restore started
    here, once). Raises NotFound (none of the user's by that id), Unavailable (the CDN cannot sign)."""
    settings = access.settings
    media = access.media.get(user_id, media_id)
    if media is None:
        raise NotFound(f"no media {media_id}")
    state = archive_state(access.s3, settings.media_bucket, media.object_key)
    started = (
        state.archived
        and not state.restoring
        and start_restore(access.s3, settings.media_bucket, media.object_key)
    )
    now = clock()
    use = access.media.record_use(user_id, media_id, settings.region, iso(now), started)
    if state.archived:
        wait = settings.restore_wait_seconds or RESTORE_SECONDS[state.tier or "DEEP_ARCHIVE_ACCESS"]
        return Restoring(media_id, remaining_seconds(use.restore_requested_at, wait, now))
    if settings.cdn_domain:
        url = cdn_url(access, media.object_key, now)
    else:
        url = access.s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": settings.media_bucket, "Key": media.object_key},
            ExpiresIn=settings.download_url_seconds,
        )
    return DownloadLink(media, url, settings.download_url_seconds)


def remaining_seconds(requested_at: str | None, wait: int, now: datetime) -> int:
    """Seconds left of a restore this region started at `requested_at` (the whole wait when unknown)."""
    if not requested_at:
        return wait
    try:
        started = datetime.fromisoformat(requested_at.replace("Z", "+00:00"))
    except ValueError:
        return wait
    elapsed = (now - started).total_seconds()
    return max(1, int(wait - elapsed)) if 0 <= elapsed < wait else wait


def cdn_url(access: MediaAccess, key: str, now: datetime) -> str:
    """A signed CloudFront URL; fails closed (Unavailable) rather than hand out an unsigned one."""
    if access.cdn_signer is None:
        logger.error(
            "downloads unavailable: CDN_DOMAIN is set but CDN_KEY_PAIR_ID/CDN_SIGNING_KEY_SECRET_ARN are not"
        )
        raise Unavailable("downloads are not configured")
    expires_at = now + timedelta(seconds=access.settings.download_url_seconds)
    try:
        return access.cdn_signer.url(key, expires_at)
    except SigningUnavailable as exc:
        logger.error(f"downloads unavailable: {exc.reason}")
        message = "downloads are temporarily unavailable" if exc.transient else "downloads are not configured"
        raise Unavailable(message) from None
