"""Opaque pagination cursors: base64url JSON, validated on the way in (an unreadable cursor is a 400)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from backend_core.item_keys import SAFE_ID, SEQ_WIDTH
from mobile_api.errors import ApiError

MAX_SEQ = 10**SEQ_WIDTH  # a change number must fit its zero-padded key
_PROVIDER_ID = re.compile(SAFE_ID)
_INBOX_POSITION = re.compile(r"^\d{4}-\d\d-\d\dT[0-9:.]{8,15}Z#[A-Za-z0-9_.:-]{1,128}$")


def encode(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise ApiError(
            400, "unreadable cursor: pass back the `next` value you were given", "bad_cursor"
        ) from exc
    if not isinstance(payload, dict):
        raise ApiError(400, "unreadable cursor: pass back the `next` value you were given", "bad_cursor")
    return payload


def sync_positions(cursor: str | None, regions: tuple[str, ...]) -> dict[str, int]:
    """The per-region feed positions in a sync cursor ({} before the first sync). Positions of regions
    this deployment does not have are dropped (nothing of theirs can be served)."""
    if cursor is None:
        return {}
    positions = decode(cursor).get("p")
    if not isinstance(positions, dict):
        raise ApiError(400, "unreadable cursor: pass back the `next` value you were given", "bad_cursor")
    out: dict[str, int] = {}
    for region, seq in positions.items():
        if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < MAX_SEQ:
            raise ApiError(400, "unreadable cursor: pass back the `next` value you were given", "bad_cursor")
        if region in regions:
            out[region] = seq
    return out


def sync_cursor(positions: dict[str, int]) -> str | None:
    """The cursor for `positions`; None while nothing was ever served."""
    kept = {region: seq for region, seq in sorted(positions.items()) if seq}
    return encode({"p": kept}) if kept else None


def inbox_position(cursor: str | None) -> str | None:
    """Where the next inbox page starts: `<created_at>#<notification id>` of the last entry served."""
    if cursor is None:
        return None
    position = decode(cursor).get("k")
    if not isinstance(position, str) or not _INBOX_POSITION.fullmatch(position):
        raise ApiError(400, "unreadable cursor: pass back the `next` value you were given", "bad_cursor")
    return position


def inbox_cursor(position: str | None) -> str | None:
    return encode({"k": position}) if position else None


# Conversations (issue 14): the thread's and the list's positions have the inbox's shape, `<ISO time>#<id>`
# (a message id; a peer id), and are read and written alike.
message_position = inbox_position
message_cursor = inbox_cursor
conversation_position = inbox_position
conversation_cursor = inbox_cursor


def following_position(cursor: str | None) -> str | None:
    """Where the next page of GET /subscriptions starts: the last provider id served."""
    if cursor is None:
        return None
    provider_id = decode(cursor).get("f")
    if not isinstance(provider_id, str) or not _PROVIDER_ID.fullmatch(provider_id):
        raise ApiError(400, "unreadable cursor: pass back the `next` value you were given", "bad_cursor")
    return provider_id


def following_cursor(provider_id: str | None) -> str | None:
    return encode({"f": provider_id}) if provider_id else None
