"""Which stream records are TTL expiries, and where each one is archived.

Both regions run the archiver: a TTL deletion appears only in the stream of the region whose TTL process
deleted the item (the other region sees a replicated delete, which is not one). An item can expire in both
regions before either delete replicates; then both streams carry a TTL removal of it. So the archive record
is named by what both regions know alike, the item's keys and its expiry time (never a region's sequence
number), and its content is the same from either region: the item has one record, and the archiver writes it
only if it is not there yet (If-None-Match), so a retried batch or the other region's replica adds nothing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from backend_core.table_design import TABLE_DESIGN
from backend_core.ttl_removal import is_ttl_removal

_deser = TypeDeserializer()
TTL_ATTRIBUTE = TABLE_DESIGN.ttl_attribute


def is_ttl_expiry(record: dict[str, Any]) -> bool:
    """DynamoDB's own REMOVE (TTL), not a user's delete: the same test as the event source filter
    (backend_core.ttl_removal)."""
    return is_ttl_removal(record)


def plain(image: dict[str, Any]) -> dict[str, Any]:
    return {k: _deser.deserialize(v) for k, v in image.items()}


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set):
        return sorted(value, key=str)
    if isinstance(value, bytes | bytearray):
        return value.hex()
    raise TypeError(f"cannot archive {type(value).__name__}")


def expiry_of(record: dict[str, Any]) -> int | None:
    """The item's TTL value (epoch seconds) from the old image; None when it has none."""
    value = (record["dynamodb"].get("OldImage") or {}).get(TTL_ATTRIBUTE, {}).get("N")
    try:
        return int(Decimal(value)) if value is not None else None
    except ArithmeticError:
        return None


def table_name(record: dict[str, Any]) -> str:
    """The table's name (the same in both regions: a global table), from the stream ARN."""
    return record.get("eventSourceARN", "").split("/stream/")[0].rsplit("/", 1)[-1]


def archive_document(record: dict[str, Any]) -> dict[str, Any]:
    """The record of one expired item: the same document whichever region's stream it came from."""
    data = record["dynamodb"]
    return {
        "table": table_name(record),
        "expires_at": expiry_of(record),
        "keys": plain(data.get("Keys", {})),
        "item": plain(data.get("OldImage", {})),
    }


def archive_key(prefix: str, record: dict[str, Any]) -> str:
    """`<prefix>YYYY/MM/DD/<digest>.json`: the day the item expired (its TTL value, UTC; the removal time
    when it has none) and a digest of its keys and expiry. The same in every region."""
    data = record["dynamodb"]
    expires_at = expiry_of(record)
    moment = expires_at if expires_at is not None else float(data.get("ApproximateCreationDateTime") or 0)
    day = datetime.fromtimestamp(moment, UTC).strftime("%Y/%m/%d")
    keys = json.dumps(plain(data.get("Keys", {})), sort_keys=True, default=_json_default)
    digest = hashlib.sha256(f"{keys}\n{expires_at}".encode()).hexdigest()[:32]
    return f"{prefix}{day}/{digest}.json"


def encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, default=_json_default).encode()
