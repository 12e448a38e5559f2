"""DynamoDB's wire format in and out, and the keyed reads every entity store (`*_store.py`) shares."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

BATCH_ATTEMPTS = 6  # for unprocessed keys/items, with exponential backoff (AWS's advice)

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


class BatchIncomplete(RuntimeError):
    """DynamoDB kept part of a batch unprocessed through every retry (throttling): retry the job later."""


@dataclass(frozen=True)
class Page:
    """One page of a Query: the items (plain values) and where the next page starts (None: the last)."""

    items: list[dict[str, Any]]
    last_key: dict[str, Any] | None


class TableAccess:
    """One table through one DynamoDB client: the keyed reads every entity store shares."""

    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self.db = dynamodb_client
        self.table = table_name

    def _get_item(self, key: dict[str, str], consistent: bool = True) -> dict[str, Any] | None:
        out = self.db.get_item(TableName=self.table, Key=to_ddb(key), ConsistentRead=consistent)
        return from_ddb(out["Item"]) if "Item" in out else None

    def _batch_get(self, keys: list[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
        """The items of up to 100 keys (DynamoDB's BatchGetItem limit), unprocessed keys asked again with
        exponential backoff (AWS's advice). Raises BatchIncomplete when some stay unprocessed."""
        found: list[dict[str, Any]] = []
        request: dict[str, Any] = {self.table: {"Keys": keys, **options}}
        for attempt in range(BATCH_ATTEMPTS):
            out = self.db.batch_get_item(RequestItems=request)
            found.extend(from_ddb(raw) for raw in out.get("Responses", {}).get(self.table, []))
            request = out.get("UnprocessedKeys") or {}
            if not request:
                return found
            time.sleep(min(1.0, 0.05 * 2**attempt))
        raise BatchIncomplete("DynamoDB kept keys of a BatchGetItem unprocessed")

    def _query_page(self, **kwargs: Any) -> Page:
        out = self.db.query(TableName=self.table, **kwargs)
        items = [from_ddb(i) for i in out.get("Items", [])]
        last = from_ddb(out["LastEvaluatedKey"]) if "LastEvaluatedKey" in out else None
        return Page(items, last)
