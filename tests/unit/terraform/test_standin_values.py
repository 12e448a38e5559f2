"""The stand-in provider's answers, checked against the real hashicorp/aws 6.47.0 schema."""

from __future__ import annotations

import pytest

from ops.terraform.provider_schema import load_schema
from ops.terraform.standin_provider import values
from ops.terraform.standin_provider.values import UNKNOWN


@pytest.fixture(scope="module")
def schema() -> dict:
    return load_schema()


def _empty(block: dict) -> dict:
    return {name: None for name in block["attributes"]}


def test_create_marks_only_null_computed_attributes_unknown(schema: dict) -> None:
    block = schema["resource_schemas"]["aws_sqs_queue"]["block"]
    proposed = _empty(block) | {"name": "jobs", "visibility_timeout_seconds": 60}
    planned = values.mark_computed_unknown(proposed, block)
    assert planned["arn"] is UNKNOWN and planned["url"] is UNKNOWN
    assert planned["name"] == "jobs" and planned["visibility_timeout_seconds"] == 60
    assert planned["tags"] is None  # optional, not computed: stays null


def test_nested_block_computed_attributes_become_unknown(schema: dict) -> None:
    block = schema["resource_schemas"]["aws_dynamodb_table"]["block"]
    replica_block = block["block_types"]["replica"]["block"]
    proposed = _empty(block) | {
        "name": "t",
        "replica": [_empty(replica_block) | {"region_name": "us-west-2"}],
    }
    planned = values.mark_computed_unknown(proposed, block)
    assert planned["replica"][0]["region_name"] == "us-west-2"
    assert planned["replica"][0]["arn"] is UNKNOWN


def test_msgpack_round_trip_keeps_unknowns() -> None:
    document = {"a": UNKNOWN, "b": [1, "x", None], "c": {"d": True}}
    assert values.decode(values.encode(document)) == document


def test_refined_unknown_from_terraform_decodes_as_unknown() -> None:
    import msgpack

    raw = msgpack.packb({"x": msgpack.ExtType(12, b"\x81\x01\xc3")})  # cty refined unknown: "not null"
    assert values.decode(raw) == {"x": UNKNOWN}


def test_deprecated_arguments_and_blocks_are_reported_with_paths(schema: dict) -> None:
    bucket = schema["resource_schemas"]["aws_s3_bucket"]["block"]
    config = _empty(bucket) | {
        "bucket": "b",
        "acl": "private",
        "versioning": [{"enabled": True, "mfa_delete": None}],
    }
    found = {d.path for d in values.deprecations(config, bucket)}
    assert ("acl",) in found and ("versioning",) in found
    assert ("bucket",) not in found


def test_gsi_key_attributes_deprecated_in_6_47_are_found_inside_sets(schema: dict) -> None:
    table = schema["resource_schemas"]["aws_dynamodb_table"]["block"]
    gsi = {"name": "GSI1", "hash_key": "GSI1PK", "projection_type": "ALL"}
    found = values.deprecations({"name": "t", "global_secondary_index": [gsi]}, table)
    assert [d.path for d in found] == [("global_secondary_index", 0, "hash_key")]


def test_data_sources_get_realistic_placeholders(schema: dict) -> None:
    identity = schema["data_source_schemas"]["aws_caller_identity"]["block"]
    answer = values.fill_data_source("aws_caller_identity", _empty(identity), identity, "eu-west-1")
    assert answer["account_id"] == "123456789012"
    zones = schema["data_source_schemas"]["aws_availability_zones"]["block"]
    answer = values.fill_data_source("aws_availability_zones", _empty(zones), zones, "eu-west-1")
    assert answer["names"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert None not in (answer[k] for k in ("id", "names"))


def test_named_placeholders_only_where_the_type_fits(schema: dict) -> None:
    # aws_ssmincidents_replication_set has a computed `region` that is a set of objects, not a string.
    block = schema["data_source_schemas"]["aws_ssmincidents_replication_set"]["block"]
    answer = values.fill_data_source("aws_ssmincidents_replication_set", _empty(block), block, "eu-west-1")
    assert answer.get("region") != "eu-west-1"


def test_stored_state_is_shaped_to_the_current_schema(schema: dict) -> None:
    block = schema["resource_schemas"]["aws_sqs_queue"]["block"]
    old_state = {"name": "jobs", "id": "https://sqs/jobs", "attribute_gone_in_6x": "x"}
    shaped = values.normalise_state(old_state, block)
    assert set(shaped) == set(block["attributes"]) | set(block.get("block_types", {}))
    assert shaped["name"] == "jobs" and shaped["arn"] is None
    bucket = schema["resource_schemas"]["aws_s3_bucket"]["block"]
    assert values.normalise_state({"bucket": "b"}, bucket)["versioning"] == []  # missing list block: empty
