"""Which S3 events say a media object is back from an archive tier, and the notification its owner gets.

The notification goes the way every notification goes: one message on this region's notify queue, which the
notify worker turns into an inbox entry and a push to each of the owner's devices (lambdas/notify_worker).
S3 delivers events at least once; the notification id is derived from the object's event (bucket, key,
version, sequencer), so a redelivered event lands on the same inbox entry and the worker pushes it once.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from backend_core.archival import media_key_parts
from backend_core.media_store import MediaObject
from backend_core.notifications import NotificationMessage

RESTORE_COMPLETED = "ObjectRestore:Completed"
SENDER = "system"  # the inbox entry's provider_id: no provider sent it
TITLE = "Your media is available again"


def restored_media(record: dict[str, Any]) -> tuple[str, str] | None:
    """(owner id, media id) of a restore-completed event of a media object; None for anything else."""
    if record.get("eventSource") != "aws:s3" or record.get("eventName") != RESTORE_COMPLETED:
        return None
    key = unquote_plus(((record.get("s3") or {}).get("object") or {}).get("key", ""))
    return media_key_parts(key)


def notification_for(record: dict[str, Any], media: MediaObject) -> NotificationMessage:
    """The owner's notification that `media` is back, with an id derived from the event (see above)."""
    s3 = record["s3"]
    identity = "\n".join(
        [
            s3["bucket"]["name"],
            s3["object"]["key"],
            str(s3["object"].get("versionId", "")),
            str(s3["object"].get("sequencer", record.get("eventTime", ""))),
        ]
    )
    kind = (media.content_type or "media").split("/", 1)[0]
    return NotificationMessage(
        notification_id=hashlib.sha256(identity.encode()).hexdigest()[:32],
        provider_id=SENDER,
        recipient_id=media.user_id,
        title=TITLE,
        body=f"The {kind} you asked for can be downloaded again.",
        data={"type": "media_restored", "media_id": media.media_id},
        created_at=event_time(record),
    )


def event_time(record: dict[str, Any]) -> str:
    """The event's time as the inbox stores timestamps (fixed width, UTC, 'Z')."""
    try:
        moment = datetime.fromisoformat(str(record.get("eventTime", "")).replace("Z", "+00:00"))
    except ValueError:
        moment = datetime.now(UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
