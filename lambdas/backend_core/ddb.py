"""DynamoDB's wire format in and out (the data-access modules share these; nothing else needs them)."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

_ser = TypeSerializer()
_deser = TypeDeserializer()


def to_ddb(item: dict[str, Any]) -> dict[str, Any]:
    """A plain item as DynamoDB attribute values; None values are left out (absent, not NULL)."""
    return {k: _ser.serialize(v) for k, v in item.items() if v is not None}


def from_ddb(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _deser.deserialize(v) for k, v in item.items()}


def values(**named: Any) -> dict[str, Any]:
    """ExpressionAttributeValues: values(pk="x") -> {":pk": {"S": "x"}}."""
    return {f":{k}": _ser.serialize(v) for k, v in named.items()}


def serialize(value: Any) -> dict[str, Any]:
    return _ser.serialize(value)


def conditional_failed(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
