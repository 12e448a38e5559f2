"""The single-table DynamoDB design: keys, GSIs, TTL attribute and stream.

Terraform's `table` module and the local stack both build the table from this definition
(Terraform through `terraform/contracts/table_design.json`, exported by `ops contracts export`;
a test keeps the export in step).

The access patterns (every request path is a GetItem, Query or conditional write, never a Scan), and how each
guarantee built on a conditional write holds when both regions take writes, are written down next to this
file, in backend_core/README.md. The key builders live in `backend_core.item_keys`; the entity stores
(`backend_core.sync_store` and the other `backend_core.*_store` modules) are the only code that issues requests.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

KeyType = Literal["S", "N", "B"]


class KeyAttribute(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    type: KeyType = "S"


class GlobalSecondaryIndex(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    hash_key: KeyAttribute
    range_key: KeyAttribute | None = None
    projection_type: Literal["ALL", "KEYS_ONLY", "INCLUDE"] = "ALL"


class TableDesign(BaseModel):
    model_config = ConfigDict(frozen=True)
    hash_key: KeyAttribute
    range_key: KeyAttribute
    global_secondary_indexes: tuple[GlobalSecondaryIndex, ...]
    ttl_attribute: str
    stream_view_type: Literal["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"]
    billing_mode: Literal["PAY_PER_REQUEST"] = "PAY_PER_REQUEST"
    max_item_bytes: int = Field(400 * 1024, description="DynamoDB's hard item size limit.")

    def attribute_definitions(self) -> list[KeyAttribute]:
        """Every key attribute of the table and its indexes, once each, in a stable order."""
        seen: dict[str, KeyAttribute] = {}
        keys = [self.hash_key, self.range_key]
        for gsi in self.global_secondary_indexes:
            keys += [gsi.hash_key] + ([gsi.range_key] if gsi.range_key else [])
        for key in keys:
            seen.setdefault(key.name, key)
        return list(seen.values())

    def to_boto3_create_args(self, table_name: str) -> dict:
        """Arguments for `dynamodb.create_table`, as the local stack uses them."""

        def key_schema(hash_key: KeyAttribute, range_key: KeyAttribute | None) -> list[dict]:
            schema = [{"AttributeName": hash_key.name, "KeyType": "HASH"}]
            if range_key:
                schema.append({"AttributeName": range_key.name, "KeyType": "RANGE"})
            return schema

        return {
            "TableName": table_name,
            "BillingMode": self.billing_mode,
            "AttributeDefinitions": [
                {"AttributeName": a.name, "AttributeType": a.type} for a in self.attribute_definitions()
            ],
            "KeySchema": key_schema(self.hash_key, self.range_key),
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": gsi.name,
                    "KeySchema": key_schema(gsi.hash_key, gsi.range_key),
                    "Projection": {"ProjectionType": gsi.projection_type},
                }
                for gsi in self.global_secondary_indexes
            ],
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": self.stream_view_type},
        }

    @classmethod
    def from_terraform(cls, doc: dict) -> TableDesign:
        """The model of a document in `to_terraform`'s shape (the inverse); pydantic's ValidationError for a
        design the model refuses, ValueError for a key with no attribute definition."""
        types = {a["name"]: a["type"] for a in doc["attributes"]}

        def key(name: str | None) -> KeyAttribute | None:
            if name is None:
                return None
            if name not in types:
                raise ValueError(f"key {name!r} has no attribute definition")
            return KeyAttribute(name=name, type=types[name])

        return cls(
            hash_key=key(doc["hash_key"]),
            range_key=key(doc["range_key"]),
            global_secondary_indexes=tuple(
                GlobalSecondaryIndex(
                    name=g["name"],
                    hash_key=key(g["hash_key"]),
                    range_key=key(g.get("range_key")),
                    projection_type=g["projection_type"],
                )
                for g in doc["global_secondary_indexes"]
            ),
            ttl_attribute=doc["ttl_attribute"],
            stream_view_type=doc["stream_view_type"],
            billing_mode=doc["billing_mode"],
        )

    def to_terraform(self) -> dict:
        """The shape `terraform/modules/table` takes as its `table_design` variable."""
        return {
            "hash_key": self.hash_key.name,
            "range_key": self.range_key.name,
            "attributes": [{"name": a.name, "type": a.type} for a in self.attribute_definitions()],
            "global_secondary_indexes": [
                {
                    "name": gsi.name,
                    "hash_key": gsi.hash_key.name,
                    "range_key": gsi.range_key.name if gsi.range_key else None,
                    "projection_type": gsi.projection_type,
                }
                for gsi in self.global_secondary_indexes
            ],
            "ttl_attribute": self.ttl_attribute,
            "stream_view_type": self.stream_view_type,
            "billing_mode": self.billing_mode,
        }


TABLE_DESIGN = TableDesign(
    hash_key=KeyAttribute(name="PK"),
    range_key=KeyAttribute(name="SK"),
    global_secondary_indexes=(
        GlobalSecondaryIndex(
            name="GSI1", hash_key=KeyAttribute(name="GSI1PK"), range_key=KeyAttribute(name="GSI1SK")
        ),
        GlobalSecondaryIndex(
            name="GSI2", hash_key=KeyAttribute(name="GSI2PK"), range_key=KeyAttribute(name="GSI2SK")
        ),
    ),
    ttl_attribute="expires_at",
    stream_view_type="NEW_AND_OLD_IMAGES",
)
