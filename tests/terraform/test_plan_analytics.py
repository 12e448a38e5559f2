"""The planned analytics stack agrees with the Python definitions the local stack and the query layer use:
Firehose prefixes and timestamp formats (backend_core.usage_events), and one Athena named query per
file of ops/analytics/queries in the analysts' workgroup."""

from __future__ import annotations

from backend_core.usage_events import (
    LOG_FILTER_PATTERN,
    PARTITION_KEY,
    S3_ERROR_PREFIX,
    S3_PREFIX,
    TABLE_NAME,
    TIMESTAMP_FORMATS,
)
from ops.analytics.catalog import named_queries
from ops.local.provision import USAGE_LOG_PROCESSING
from tests.terraform.conftest import changes


def test_firehose_delivers_where_the_contract_says(plan: dict) -> None:
    streams = changes(plan, "aws_kinesis_firehose_delivery_stream")
    assert len(streams) == 2  # one per region: a log group can subscribe only a stream of its region
    for stream in streams:
        (s3,) = stream["extended_s3_configuration"]
        assert s3["prefix"] == S3_PREFIX
        assert s3["error_output_prefix"] == S3_ERROR_PREFIX
        (conversion,) = s3["data_format_conversion_configuration"]
        (hive,) = conversion["input_format_configuration"][0]["deserializer"][0]["hive_json_ser_de"]
        assert tuple(hive["timestamp_formats"]) == TIMESTAMP_FORMATS
        # The local stack's streams have the same processors (ops/local/provision.py).
        (processing,) = s3["processing_configuration"]
        planned = [
            {
                "Type": p["type"],
                "Parameters": [
                    {"ParameterName": q["parameter_name"], "ParameterValue": q["parameter_value"]}
                    for q in p["parameters"]
                ],
            }
            for p in processing["processors"]
        ]
        assert processing["enabled"] and planned == USAGE_LOG_PROCESSING["Processors"]


def test_each_regions_api_log_group_sends_only_usage_lines_to_its_regions_stream(plan: dict) -> None:
    filters = [
        c
        for c in plan["resource_changes"]
        if c["mode"] == "managed" and c["type"] == "aws_cloudwatch_log_subscription_filter"
    ]
    assert sorted(c["module_address"] for c in filters) == ["module.api_dr", "module.api_primary"]
    for change in filters:
        assert change["change"]["after"]["filter_pattern"] == LOG_FILTER_PATTERN
    # No function may call Firehose any more (the usage event is a log line): only CloudWatch Logs' role may.
    putters = {
        p["name"] for p in changes(plan, "aws_iam_role_policy") if "firehose:Put" in str(p.get("policy"))
    }
    assert putters <= {"send-usage-lines"}, putters


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
