"""The planned analytics stack agrees with the Python definitions the local stack and the query layer use:
Firehose prefixes and timestamp formats (backend_core.usage_events), and one Athena named query per
file of ops/analytics/queries in the analysts' workgroup."""

from __future__ import annotations

from backend_core.usage_events import PARTITION_KEY, S3_ERROR_PREFIX, S3_PREFIX, TABLE_NAME, TIMESTAMP_FORMATS
from ops.analytics.catalog import named_queries
from tests.terraform.conftest import changes


def test_firehose_delivers_where_the_contract_says(plan: dict) -> None:
    (stream,) = changes(plan, "aws_kinesis_firehose_delivery_stream")
    (s3,) = stream["extended_s3_configuration"]
    assert s3["prefix"] == S3_PREFIX
    assert s3["error_output_prefix"] == S3_ERROR_PREFIX
    (conversion,) = s3["data_format_conversion_configuration"]
    (hive,) = conversion["input_format_configuration"][0]["deserializer"][0]["hive_json_ser_de"]
    assert tuple(hive["timestamp_formats"]) == TIMESTAMP_FORMATS


def test_the_glue_table_is_the_contracts_name_and_layout(plan: dict) -> None:
    (table,) = [t for t in changes(plan, "aws_glue_catalog_table") if t["name"] == TABLE_NAME]
    assert [k["name"] for k in table["partition_keys"]] == [PARTITION_KEY]
    template = table["parameters"]["storage.location.template"]
    assert template.endswith(f"/{TABLE_NAME}/{PARTITION_KEY}=${{{PARTITION_KEY}}}/")


def test_every_query_file_is_a_named_query(plan: dict) -> None:
    planned = {q["name"]: q for q in changes(plan, "aws_athena_named_query")}
    expected = {q["name"]: q for q in named_queries()}
    assert set(planned) == set(expected)
    for name, query in expected.items():
        assert (
            planned[name]["query"] == query["query"] and planned[name]["description"] == query["description"]
        )
