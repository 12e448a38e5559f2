"""Opaque pagination cursors: base64url JSON, validated on the way in (an unreadable cursor is a 400)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from mobile_api.errors import ApiError


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


def sync_seq(cursor: str | None) -> int:
    if cursor is None:
        return 0
    seq = decode(cursor).get("s")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ApiError(400, "unreadable cursor: pass back the `next` value you were given", "bad_cursor")
    return seq


def sync_cursor(seq: int) -> str:
    return encode({"s": seq})


def inbox_sk(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    sk = decode(cursor).get("k")
    if not isinstance(sk, str) or not sk.startswith("NOTIF#") or len(sk) > 300:
        raise ApiError(400, "unreadable cursor: pass back the `next` value you were given", "bad_cursor")
    return sk


def inbox_cursor(sk: str | None) -> str | None:
    return encode({"k": sk}) if sk else None
