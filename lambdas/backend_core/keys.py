"""Key builders for every entity of the single table (the only place that spells a key).

See `backend_core.table_design` for the access patterns these keys serve. Ids that become part of a key
are restricted to a safe alphabet so that no caller can forge a key into another user's partition.
"""

from __future__ import annotations

import re

SAFE_ID = r"^[A-Za-z0-9_.:-]{1,128}$"
_SAFE = re.compile(SAFE_ID)
SEQ_WIDTH = 20  # zero-padded change sequence: string order == numeric order


class InvalidKeyPart(ValueError):
    """An id that would not be a safe key component."""


def safe(part: str) -> str:
    if not isinstance(part, str) or not _SAFE.fullmatch(part):
        raise InvalidKeyPart(f"invalid id {part!r}: use 1-128 of A-Z a-z 0-9 _ . : -")
    return part


def user_pk(user_id: str) -> str:
    return f"USER#{safe(user_id)}"


def profile(user_id: str) -> dict[str, str]:
    return {"PK": user_pk(user_id), "SK": "PROFILE"}


def sync_counter(user_id: str, origin: str) -> dict[str, str]:
    """The user's change counter in one region: only that region ever writes it."""
    return {"PK": user_pk(user_id), "SK": f"SYNCSEQ#{safe(origin)}"}


def sync_copies_prefix(collection: str, item_id: str) -> str:
    """SK prefix of every region's copy of one synced item (ids contain no '#', so it is exact)."""
    return f"ITEM#{safe(collection)}#{safe(item_id)}#"


def sync_copy(user_id: str, collection: str, item_id: str, origin: str) -> dict[str, str]:
    """One region's copy of a synced item: only that region writes it, so replication never overwrites it."""
    return {"PK": user_pk(user_id), "SK": f"{sync_copies_prefix(collection, item_id)}{safe(origin)}"}


def sync_log_pk(user_id: str, origin: str) -> str:
    """The change log of the user's writes made in one region (one record per change, gap-free)."""
    return f"SYNCLOG#{safe(user_id)}#{safe(origin)}"


def sync_log(user_id: str, origin: str, seq: int) -> dict[str, str]:
    return {"PK": sync_log_pk(user_id, origin), "SK": seq_key(seq)}


def seq_key(seq: int) -> str:
    return str(seq).zfill(SEQ_WIDTH)


def device(user_id: str, device_id: str) -> dict[str, str]:
    return {"PK": user_pk(user_id), "SK": f"DEVICE#{safe(device_id)}"}


def push_token_pk(device_id: str) -> str:
    """GSI2 partition of every registration of one push token (whoever registered it, in any region)."""
    return f"PUSHTOKEN#{safe(device_id)}"


def media(user_id: str, media_id: str) -> dict[str, str]:
    return {"PK": user_pk(user_id), "SK": f"MEDIA#{safe(media_id)}"}


def media_use(user_id: str, media_id: str, region: str) -> dict[str, str]:
    """When one region last handed out a URL to a media object (and the restore it started): only that
    region writes it, so a use recorded in the other region during a partition is never overwritten."""
    return {"PK": user_pk(user_id), "SK": f"{MEDIA_USE_PREFIX}{safe(media_id)}#{safe(region)}"}


MEDIA_USE_PREFIX = "MEDIAUSE#"


def inbox_entry(user_id: str, notification_id: str) -> dict[str, str]:
    """One entry per notification and recipient: the same notification delivered by both regions (a retry
    during a partition) lands on the same item."""
    return {"PK": user_pk(user_id), "SK": f"NOTIF#{safe(notification_id)}"}


def inbox_pk(user_id: str) -> str:
    """GSI1 partition of a user's inbox, sorted by `<created_at>#<notification id>`."""
    return f"INBOX#{safe(user_id)}"


def inbox_sort(created_at: str, notification_id: str) -> str:
    return f"{created_at}#{safe(notification_id)}"


def subscription(provider_id: str, consumer_id: str) -> dict[str, str]:
    return {"PK": f"PROVIDER#{safe(provider_id)}", "SK": f"SUB#{safe(consumer_id)}"}


def follows_pk(consumer_id: str) -> str:
    return f"FOLLOWS#{safe(consumer_id)}"


def idempotency(provider_id: str, key: str) -> dict[str, str]:
    return {"PK": f"IDEMPOTENCY#{safe(provider_id)}#{safe(key)}", "SK": "IDEMPOTENCY"}
