"""The blueprint names its resources as ops/resource_names.py says (the scheme the local stack uses too):
read from each env's offline plan, where the account is the placeholder 123456789012."""

from __future__ import annotations

import copy

from ops.resource_names import ResourceNames
from tests.terraform.conftest import changes, variable

ACCOUNT = "123456789012"  # the offline provider's aws_caller_identity
FUNCTIONS = (
    "mobile_api",
    "notify_worker",
    "ttl_archiver",
    "endpoint_cleanup",
    "media_restored",
    "drill",
    "onboarding",
    "account_eraser",
    "live_socket",
    "live_delivery",
)


def planned_names(plan: dict) -> dict[str, set[str]]:
    """Kind -> the names the plan gives resources of that kind."""
    of = {
        "table": ("aws_dynamodb_table", "name"),
        "bucket": ("aws_s3_bucket", "bucket"),
        "queue": ("aws_sqs_queue", "name"),
        "usage_stream": ("aws_kinesis_firehose_delivery_stream", "name"),
        "glue_database": ("aws_glue_catalog_database", "name"),
        "workgroup": ("aws_athena_workgroup", "name"),
        "user_pool": ("aws_cognito_user_pool", "name"),
        "identity_pool": ("aws_cognito_identity_pool", "identity_pool_name"),
        "topic": ("aws_sns_topic", "name"),
        "function": ("aws_lambda_function", "function_name"),
    }
    return {kind: {c.get(attr) for c in changes(plan, rtype)} - {None} for kind, (rtype, attr) in of.items()}


def expected_names(names: ResourceNames, primary: str, dr: str) -> dict[str, set[str]]:
    return {
        "table": {names.table},
        "bucket": {names.media_bucket(primary), names.media_bucket(dr), names.analytics_bucket(primary)},
        "queue": {names.notify_queue, names.notify_dlq},
        "usage_stream": {names.usage_stream},
        "glue_database": {names.glue_database},
        "workgroup": {names.workgroup},
        "user_pool": {names.user_pool},
        "identity_pool": {names.identity_pool},
        "topic": {names.alerts_topic},
        "function": {names.function(f) for f in FUNCTIONS},
    }


def name_drift(plan: dict) -> list[str]:
    """'kind: name' for each name of the scheme that the plan does not give any resource."""
    names = ResourceNames(project=variable(plan, "project"), env=plan["_env"], account_id=ACCOUNT)
    planned = planned_names(plan)
    expected = expected_names(names, variable(plan, "primary_region"), variable(plan, "dr_region"))
    return [f"{kind}: {name}" for kind, wanted in expected.items() for name in sorted(wanted - planned[kind])]


def test_the_blueprint_names_things_as_the_scheme_does(plan: dict) -> None:
    assert name_drift(plan) == []


def test_a_name_changed_in_terraform_is_reported(plan: dict) -> None:
    renamed = copy.deepcopy(plan)
    for change in renamed["resource_changes"]:
        if change["type"] == "aws_dynamodb_table" and change["mode"] == "managed":
            change["change"]["after"]["name"] = change["change"]["after"]["name"].replace("-main", "-app")
    assert name_drift(renamed) == [f"table: {variable(plan, 'project')}-{plan['_env']}-main"]
