"""Media: presigned uploads confined to the caller's prefix, type and size; downloads by short-lived URL.

A download of an object Intelligent-Tiering has archived starts its restore (once) and answers 202 with
when to ask again; the owner is told when it is back (lambdas/media_restored). Every download recorded as
a use of the object, per region, for the archive audit (`ops audit lifecycle`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path

from backend_core.archival import RESTORE_SECONDS, media_object_key
from backend_core.keys import SAFE_ID
from mobile_api.archive_tiers import archive_state, start_restore
from mobile_api.cdn_signing import SigningUnavailable
from mobile_api.deps import Deps, now_iso
from mobile_api.errors import ApiError, error_doc, json_response
from mobile_api.identity import require_caller
from mobile_api.models import MEDIA_LIMITS, MediaLink, MediaRestoring, UploadGrant, UploadRequest

logger = Logger(service="mobile-api", child=True)


def object_key(user_id: str, media_id: str) -> str:
    return media_object_key(user_id, media_id)


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    settings = deps.settings

    @app.post(
        "/media/uploads",
        summary="Presigned upload for one object",
        responses={
            201: {"description": "upload grant", "content": {"application/json": {"model": UploadGrant}}},
            **error_doc(400, 401, 413, 422),
        },
    )
    def create_upload(body: UploadRequest):
        caller = require_caller(app.current_event.raw_event)
        if body.size > MEDIA_LIMITS[body.content_type]:
            raise ApiError(413, f"{body.content_type} is limited to {MEDIA_LIMITS[body.content_type]} bytes")
        media_id = uuid.uuid4().hex
        key = object_key(caller.user_id, media_id)
        # The policy pins the exact key, the type and the size: the URL cannot write anything else.
        post = deps.s3.generate_presigned_post(
            Bucket=settings.media_bucket,
            Key=key,
            Fields={"Content-Type": body.content_type},
            Conditions=[{"Content-Type": body.content_type}, ["content-length-range", 1, body.size]],
            ExpiresIn=settings.upload_url_seconds,
        )
        deps.store.put_media(
            caller.user_id,
            media_id,
            {
                "object_key": key,
                "content_type": body.content_type,
                "size": body.size,
                "created_at": now_iso(),
            },
        )
        return json_response(
            201,
            {
                "id": media_id,
                "upload": {"url": post["url"], "fields": post["fields"]},
                "expires_in": settings.upload_url_seconds,
            },
        )

    @app.get(
        "/media/<id>",
        summary="Download URL of one of the caller's objects",
        responses={
            200: {"description": "download link", "content": {"application/json": {"model": MediaLink}}},
            202: {
                "description": "the object was archived: it is being restored (the owner is notified when "
                "it is back); ask again after `retry_after` seconds",
                "content": {"application/json": {"model": MediaRestoring}},
            },
            **error_doc(401, 404, 422, 503),
        },
    )
    def get_media(id: Annotated[str, Path(pattern=SAFE_ID)]):
        caller = require_caller(app.current_event.raw_event)
        item = deps.store.get_media(caller.user_id, id)
        if item is None:
            raise ApiError(404, f"no media {id}")
        state = archive_state(deps.s3, settings.media_bucket, item["object_key"])
        started = (
            state.archived
            and not state.restoring
            and start_restore(deps.s3, settings.media_bucket, item["object_key"])
        )
        use = deps.store.record_media_use(caller.user_id, id, settings.region, now_iso(), started)
        if state.archived:
            wait = settings.restore_wait_seconds or RESTORE_SECONDS[state.tier or "DEEP_ARCHIVE_ACCESS"]
            retry_after = remaining_seconds(use.get("restore_requested_at"), wait)
            return json_response(
                202,
                {"id": id, "status": "restoring", "retry_after": retry_after},
                headers={"Retry-After": str(retry_after)},
            )
        if settings.cdn_domain:
            url = cdn_url(item["object_key"])
        else:
            url = deps.s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": settings.media_bucket, "Key": item["object_key"]},
                ExpiresIn=settings.download_url_seconds,
            )
        return json_response(
            200,
            {
                "id": id,
                "url": url,
                "content_type": item["content_type"],
                "size": int(item["size"]),
                "expires_in": settings.download_url_seconds,
            },
        )

    def remaining_seconds(requested_at: str | None, wait: int) -> int:
        """Seconds left of a restore this region started at `requested_at` (the whole wait when unknown)."""
        if not requested_at:
            return wait
        try:
            started = datetime.fromisoformat(requested_at.replace("Z", "+00:00"))
        except ValueError:
            return wait
        elapsed = (datetime.now(UTC) - started).total_seconds()
        return max(1, int(wait - elapsed)) if 0 <= elapsed < wait else wait

    def cdn_url(key: str) -> str:
        """A signed CloudFront URL; fails closed (503) rather than hand out an unsigned one."""
        if deps.cdn_signer is None:
            logger.error(
                "downloads unavailable: CDN_DOMAIN is set but CDN_KEY_PAIR_ID/CDN_SIGNING_KEY_SECRET_ARN are not"
            )
            raise ApiError(503, "downloads are not configured")
        expires_at = datetime.now(UTC) + timedelta(seconds=settings.download_url_seconds)
        try:
            return deps.cdn_signer.url(key, expires_at)
        except SigningUnavailable as exc:
            logger.error(f"downloads unavailable: {exc.reason}")
            message = (
                "downloads are temporarily unavailable" if exc.transient else "downloads are not configured"
            )
            raise ApiError(503, message) from None
