"""Live events of conversations: a mapper from the table stream's images to (recipient user id, event) pairs.

Signature of live delivery's mappers (`Mapper = Callable[[dict | None, dict | None], list[tuple[str, LiveEvent]]]`
in backend_core/live_events.py, owned by live delivery): the old and the new image of one stream record, as
plain items (`ddb.from_ddb`), answering who gets which event. The events here are plain JSON objects; live
delivery wraps them in its `LiveEvent`. Each region's stream carries its own and the replicated writes, so a user
connected to either region gets the event.

Events (JSON, fields may be added, never renamed):

- a new message, to its recipient only (never the sender, whose app has the POST's answer):
  `{"type": "message", "peer_id": SENDER_ID, "message": {"id", "sender_id", "recipient_id", "text",
  "media_id", "created_at", "sender_deleted"}}` (`message` is the `ChatMessage` of the history route).
  Only for the item's INSERT: a retry landing on the same item, its replica arriving in the other region (a
  MODIFY there) and the account eraser's placeholder are no new message.
- a read receipt, to the other party (the sender of the messages read):
  `{"type": "read", "peer_id": READER_ID, "read_up_to": MESSAGE_ID, "read_at": ISO-8601}`, when the receipt
  moved forward. Receipts are kept per region (backend_core/README.md, "Two regions take writes"): a region
  may relay the other region's receipt when it replicates in, which can be older than one already sent; apps
  keep the furthest (the later message in the thread's order).
"""

from __future__ import annotations

from typing import Any

from backend_core import item_keys

LiveEventDict = dict[str, Any]


def _keys(image: dict[str, Any] | None) -> tuple[str, str] | None:
    if not image or "PK" not in image or "SK" not in image:
        return None
    return str(image["PK"]), str(image["SK"])


def message_event(new: dict[str, Any]) -> LiveEventDict:
    """The `message` event of a message item."""
    return {
        "type": "message",
        "peer_id": str(new["sender_id"]),
        "message": {
            "id": str(new["message_id"]),
            "sender_id": str(new["sender_id"]),
            "recipient_id": str(new["recipient_id"]),
            "text": new.get("text"),
            "media_id": new.get("media_id"),
            "created_at": str(new["created_at"]),
            "sender_deleted": bool(new.get("sender_deleted", False)),
        },
    }


def read_event(new: dict[str, Any]) -> LiveEventDict:
    """The `read` event of a read receipt item."""
    return {
        "type": "read",
        "peer_id": str(new["reader_id"]),
        "read_up_to": str(new["message_id"]),
        "read_at": str(new["read_at"]),
    }


def conversation_live_events(
    old_image: dict[str, Any] | None, new_image: dict[str, Any] | None
) -> list[tuple[str, LiveEventDict]]:
    """(recipient user id, event) for a new message or a receipt that moved forward; [] for anything else
    (other items, removals, rewrites of an existing message)."""
    keys = _keys(new_image)
    if keys is None or new_image is None:
        return []
    pk, sk = keys
    if item_keys.is_message(pk, sk):
        if old_image is not None or new_image.get("sender_deleted"):
            return []
        return [(str(new_image["recipient_id"]), message_event(new_image))]
    if item_keys.is_read_receipt(pk, sk):
        before = (old_image or {}).get("up_to")
        if before is not None and str(before) >= str(new_image["up_to"]):
            return []
        return [(str(new_image["peer_id"]), read_event(new_image))]
    return []
