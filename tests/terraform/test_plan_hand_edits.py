"""Each plan check of a contract copy fails when Terraform's copy is changed by hand (issue 12).

The checks in the other test_plan_*.py files compare what Terraform plans with the Python definitions
(lambdas/backend_core, drill, ops/analytics). Here each one is run against a copy of the plan with one
planned value edited the way a hand edit of the blueprint would change it, and must fail: a check that
passed on the edited plan would be a copy nobody keeps in step.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from backend_core import item_keys
from backend_core.usage_events import TABLE_NAME
from drill.settings import CANARY_PREFIX
from tests.terraform import (
    test_plan_analytics,
    test_plan_archival,
    test_plan_contract,
    test_plan_properties,
    test_plan_runs_in_aws,
)
from tests.terraform.conftest import changes

Edit = Callable[[dict[str, Any]], bool]  # changes one planned resource's `after` in place; True if it did


def _pattern_edit(marker: str, old: str, new: str) -> Edit:
    def edit(after: dict[str, Any]) -> bool:
        criteria = after.get("filter_criteria") or []
        pattern = criteria[0]["filter"][0]["pattern"] if criteria else ""
        if marker not in pattern or old not in pattern:
            return False
        criteria[0]["filter"][0]["pattern"] = pattern.replace(old, new)
        return True

    return edit


def _first_route(after: dict[str, Any]) -> bool:
    if after["route_key"] != "GET /me":
        return False
    after["route_key"] = "GET /me/"
    return True


def _firehose_prefix(after: dict[str, Any]) -> bool:
    after["extended_s3_configuration"][0]["prefix"] = (
        "events/" + after["extended_s3_configuration"][0]["prefix"]
    )
    return True


def _glue_partition(after: dict[str, Any]) -> bool:
    if after["name"] != TABLE_NAME:
        return False
    after["partition_keys"][0]["name"] = "date"
    return True


def _named_query(after: dict[str, Any]) -> bool:
    after["query"] += "\nLIMIT 10"
    return True


def _canary_prefix(after: dict[str, Any]) -> bool:
    edited = False
    for rule in after["rule"]:
        for rule_filter in rule.get("filter") or []:
            if rule_filter.get("prefix") == CANARY_PREFIX:
                rule_filter["prefix"] = "canary-by-hand/"
                edited = True
    return edited


def _archive_after_days(after: dict[str, Any]) -> bool:
    for rule in after["rule"]:
        for transition in rule.get("transition") or []:
            transition["days"] += 30
            return True
    return False


def _group_name(after: dict[str, Any]) -> bool:
    after["name"] += "s"
    return True


def _replication_prefix(after: dict[str, Any]) -> bool:
    after["rule"][0]["filter"][0]["prefix"] = "by-hand/"
    return True


def _runtime(after: dict[str, Any]) -> bool:
    after["runtime"] = "python3.11"
    return True


def _restore_prefix(after: dict[str, Any]) -> bool:
    if "lambda_function" not in after or not after["lambda_function"]:
        return False
    after["lambda_function"][0]["filter_prefix"] = "media/"
    return True


# (contract, check, resource type, edit): one hand edit each check of a copy must catch.
CASES: list[tuple[str, Callable[[dict], None], str, Edit]] = [
    ("api routes", test_plan_properties.test_every_route_of_the_table_in_both_regions_and_only_public_ones_without_a_jwt,
     "aws_apigatewayv2_route", _first_route),
    ("ttl removal filter", test_plan_properties.test_the_ttl_archiver_filter_is_the_contract,
     "aws_lambda_event_source_mapping", _pattern_edit("userIdentity", "dynamodb.amazonaws.com", "dynamodb.aws")),
    ("device key prefix", test_plan_properties.test_the_endpoint_cleanup_filter_passes_device_removals_only,
     "aws_lambda_event_source_mapping", _pattern_edit('"Keys"', item_keys.DEVICE_PREFIX, "DEVICES#")),
    ("firehose prefix", test_plan_analytics.test_firehose_delivers_where_the_contract_says,
     "aws_kinesis_firehose_delivery_stream", _firehose_prefix),
    ("glue table layout", test_plan_analytics.test_the_glue_table_is_the_contracts_name_and_layout,
     "aws_glue_catalog_table", _glue_partition),
    ("athena named queries", test_plan_analytics.test_every_query_file_is_a_named_query,
     "aws_athena_named_query", _named_query),
    ("archival policy", test_plan_archival.test_media_lifecycle_and_tiering_are_the_archival_contract,
     "aws_s3_bucket_lifecycle_configuration", _archive_after_days),
    ("media prefix", test_plan_archival.test_both_regions_notify_restores_and_archive_ttl_expiries,
     "aws_s3_bucket_notification", _restore_prefix),
    ("cognito groups", test_plan_contract.test_the_app_client_and_groups_are_the_identity_contract,
     "aws_cognito_user_group", _group_name),
    ("media replication", test_plan_contract.test_media_replication_rules_are_the_contract_the_local_stack_uses,
     "aws_s3_bucket_replication_configuration", _replication_prefix),
    ("lambda runtime", test_plan_runs_in_aws.test_functions_are_planned_as_the_lambda_runtime_contract,
     "aws_lambda_function", _runtime),
    ("drill canary prefix",
     lambda plan: test_plan_runs_in_aws.test_drill_canaries_expire_in_both_media_buckets(
         plan, test_plan_runs_in_aws.MEDIA_PRIMARY),
     "aws_s3_bucket_lifecycle_configuration", _canary_prefix),
]  # fmt: skip


def edited(plan: dict, resource_type: str, edit: Edit) -> dict:
    """A copy of the plan with `edit` applied to every planned resource of the type (those it fits)."""
    copied = copy.deepcopy(plan)
    if not any([edit(after) for after in changes(copied, resource_type)]):
        pytest.fail(f"nothing of type {resource_type} to edit: the case no longer matches the blueprint")
    return copied


@pytest.mark.parametrize(("contract", "check", "resource_type", "edit"), CASES, ids=[c[0] for c in CASES])
def test_a_hand_edited_copy_fails_its_check(
    plan: dict, contract: str, check: Callable[[dict], None], resource_type: str, edit: Edit
) -> None:
    check(plan)  # the committed blueprint passes
    with pytest.raises(AssertionError):
        check(edited(plan, resource_type, edit))
