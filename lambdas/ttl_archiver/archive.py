"""Which stream records are TTL expiries, and where each one is archived (a deterministic key: a retried
record overwrites its own object instead of adding a copy)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

_deser = TypeDeserializer()


def is_ttl_expiry(record: dict[str, Any]) -> bool:
    """DynamoDB's own REMOVE (TTL), not a user's delete: the same test as the event source filter."""
    identity = record.get("userIdentity") or {}
    return (
        record.get("eventName") == "REMOVE"
        and identity.get("type") == "Service"
        and identity.get("principalId") == "dynamodb.amazonaws.com"
    )


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


def archive_document(record: dict[str, Any]) -> dict[str, Any]:
    data = record["dynamodb"]
    return {
        "table_arn": record.get("eventSourceARN", "").split("/stream/")[0],
        "sequence_number": data["SequenceNumber"],
        "expired_at": data.get("ApproximateCreationDateTime"),
        "keys": plain(data.get("Keys", {})),
        "item": plain(data.get("OldImage", {})),
    }


def archive_key(prefix: str, record: dict[str, Any]) -> str:
    data = record["dynamodb"]
    created = data.get("ApproximateCreationDateTime") or 0
    day = datetime.fromtimestamp(float(created), UTC).strftime("%Y/%m/%d")
    keys = json.dumps(plain(data.get("Keys", {})), sort_keys=True, default=_json_default)
    digest = hashlib.sha256(keys.encode()).hexdigest()[:32]
    return f"{prefix}{day}/{digest}-{data['SequenceNumber']}.json"


def encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, default=_json_default).encode()
