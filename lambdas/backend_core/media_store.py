"""Media objects (`item_keys.media`) and the per-region record of when each was last handed out
(`item_keys.media_use`), which the archive audit reads (`ops audit lifecycle`).

Each region writes only its own use record, so a use recorded in the other region during a partition is
never overwritten; the last use is the latest of the regions' records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend_core import item_keys
from backend_core.ddb import TableAccess, from_ddb, to_ddb, values


@dataclass(frozen=True)
class MediaObject:
    """The record of one of a user's media objects (what the upload grant allowed)."""

    user_id: str
    media_id: str
    object_key: str  # in the media bucket: `backend_core.archival.media_object_key`
    content_type: str
    size: int  # bytes, the most the upload may hold
    created_at: str  # ISO-8601 UTC


@dataclass(frozen=True)
class MediaUse:
    """One region's record of a media object's latest download and restore request."""

    user_id: str
    media_id: str
    region: str
    last_used_at: str
    restore_requested_at: str | None  # when this region started a restore of the object, if it did


def media_from_item(item: dict[str, Any]) -> MediaObject:
    return MediaObject(
        user_id=item_keys.user_id_of(str(item["PK"])),
        media_id=str(item["media_id"]),
        object_key=str(item["object_key"]),
        content_type=str(item.get("content_type", "")),
        size=int(item.get("size", 0)),
        created_at=str(item.get("created_at", "")),
    )


class MediaStore(TableAccess):
    def put(self, media: MediaObject) -> None:
        item = {
            **item_keys.media(media.user_id, media.media_id),
            "media_id": media.media_id,
            "object_key": media.object_key,
            "content_type": media.content_type,
            "size": media.size,
            "created_at": media.created_at,
        }
        self.db.put_item(TableName=self.table, Item=to_ddb(item))

    def get(self, user_id: str, media_id: str) -> MediaObject | None:
        item = self._get_item(item_keys.media(user_id, media_id), consistent=False)
        return media_from_item(item) if item else None

    def record_use(
        self, user_id: str, media_id: str, region: str, now: str, restore_started: bool = False
    ) -> MediaUse:
        """Record that this region handed out the object now (and started a restore of it, if it did);
        answer the record as it is after the write (one UpdateItem)."""
        sets = ["last_used_at = :now", "media_id = :media", "user_id = :user", "#region = :region"]
        if restore_started:
            sets.append("restore_requested_at = :now")
        out = self.db.update_item(
            TableName=self.table,
            Key=to_ddb(item_keys.media_use(user_id, media_id, region)),
            UpdateExpression="SET " + ", ".join(sets),
            ExpressionAttributeNames={"#region": "region"},
            ExpressionAttributeValues=values(now=now, media=media_id, user=user_id, region=region),
            ReturnValues="ALL_NEW",
        )
        item = from_ddb(out["Attributes"])
        return MediaUse(
            user_id, media_id, region, str(item["last_used_at"]), item.get("restore_requested_at")
        )
