"""mbt_policy_lib: reading checkov's view of a resource, including what checkov leaves unevaluated."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from tests.policies.checkov_run import POLICIES


@pytest.fixture(scope="module")
def lib() -> ModuleType:
    # The helpers import nothing from checkov, so they load in the project's own environment.
    spec = importlib.util.spec_from_file_location("mbt_policy_lib", POLICIES / "mbt_policy_lib.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mbt_policy_lib", module)
    spec.loader.exec_module(module)
    return module


def test_jsonencode_left_as_text_with_interpolated_arns_is_read(lib: ModuleType) -> None:
    text = (
        "jsonencode({'Version': '2012-10-17', 'Statement': [{'Effect': 'Deny', 'Principal': '*', "
        "'Action': 's3:*', 'Resource': ['aws_s3_bucket.b.arn', ''aws_s3_bucket.b.arn'/*'], "
        "'Condition': {'Bool': {'aws:SecureTransport': 'False'}}}]})"
    )
    document = lib.policy_document([text])
    assert document["Statement"][0]["Resource"] == ["aws_s3_bucket.b.arn", "aws_s3_bucket.b.arn/*"]


def test_concat_of_statements_left_as_text_is_flattened(lib: ModuleType) -> None:
    document = lib.policy_document(
        [{"Version": "2012-10-17", "Statement": "concat([{'Sid': 'A', 'Effect': 'Deny'}],[{'Sid': 'B'}])"}]
    )
    assert [s["Sid"] for s in lib.statements(document)] == ["A", "B"]


@pytest.mark.parametrize(
    "raw",
    [
        ["aws_s3_bucket.media.arn"],  # plan: the policy embeds an ARN known only after apply
        [{"Statement": "concat([], var.extra_statements)"}],  # a statement list from a variable
        ["(known after apply)"],
        None,
    ],
)
def test_a_policy_that_cannot_be_read_is_undecided_not_empty(lib: ModuleType, raw: object) -> None:
    assert lib.policy_document(raw) is None


def test_json_string_policies_from_plan_json_are_parsed(lib: ModuleType) -> None:
    assert lib.policy_document(['{"Statement": [{"Effect": "Allow"}]}']) == {
        "Statement": [{"Effect": "Allow"}]
    }


@pytest.mark.parametrize(
    ("raw", "unresolved"),
    [
        ("aws_kms_key.data.arn", False),  # a resource reference: checkov resolved what it could
        ("alias/aws/sns", False),
        ("GET /sync/{collection}/{id}", False),
        ("var.kms_key_arn", True),
        ("module.kms_keys.primary_key_arns", True),
        ("local.events_key_arn", True),
        ("data.aws_kms_key.managed.arn", True),
        ("each.key", True),  # a for_each over a module input (the API's routes)
        ("repo:${var.github_repository}:ref:refs/heads/main", True),
    ],
)
def test_unresolved_expressions_are_told_from_resource_references(
    lib: ModuleType, raw: str, unresolved: bool
) -> None:
    assert lib.is_unresolved(raw) is unresolved


def test_only_the_gate_marker_means_configured_later(lib: ModuleType) -> None:
    assert lib.is_configured_later(["(known after apply)"])
    assert not lib.is_configured_later(["true_after_unknown"])  # checkov marks unset values too
    assert lib.is_unknown(["true_after_unknown"]) and lib.is_unknown("(known after apply)")
    assert not lib.is_set("(known after apply)")


def test_customer_managed_keys(lib: ModuleType) -> None:
    assert lib.is_customer_managed_key("aws_kms_key.data.arn")
    assert lib.is_customer_managed_key("arn:aws:kms:us-east-1:123456789012:key/abc")
    assert not lib.is_customer_managed_key("alias/aws/sns")
    assert not lib.is_customer_managed_key("arn:aws:kms:us-east-1:123456789012:alias/aws/sqs")
    assert not lib.is_customer_managed_key(None)


def test_blocks_skip_the_empty_lists_plan_json_uses_for_absent_blocks(lib: ModuleType) -> None:
    conf = {"rule": [{"transition": [[]]}, {"transition": [{"days": [90]}]}]}
    transitions = [t for rule in lib.blocks(conf, "rule") for t in lib.blocks(rule, "transition")]
    assert transitions == [{"days": [90]}]


def test_conditions_checkov_could_not_evaluate_are_ignored_not_fatal(lib: ModuleType) -> None:
    assert lib.condition_values({"Condition": "local.conditions"}, ("Bool",), "aws:SecureTransport") == []
    assert lib.condition_values({"Condition": {"Bool": "var.x"}}, ("Bool",), "aws:SecureTransport") == []
    statement = {"Condition": {"Bool": {"aws:SecureTransport": "False"}}}
    assert lib.condition_values(statement, ("Bool", "BoolIfExists"), "aws:SecureTransport") == ["False"]


def test_archive_floor_is_the_archival_contracts(lib: ModuleType) -> None:
    """checkov's virtualenv cannot import lambdas/backend_core: the copy of the floor must stay equal."""
    from backend_core.archival import NO_ARCHIVE_BEFORE_DAYS

    assert lib.NO_ARCHIVE_BEFORE_DAYS == lib.ARCHIVE_WITHIN_DAYS == NO_ARCHIVE_BEFORE_DAYS == 180


def test_dynamic_blocks_are_recognised(lib: ModuleType) -> None:
    rendered = {"dynamic": [{"tiering": {"content": [{}], "for_each": ["var.x"]}}], "tiering": [{}]}
    assert lib.has_dynamic(rendered, "tiering")
    assert not lib.has_dynamic(rendered, "rule")
    assert not lib.has_dynamic({"tiering": [{}]}, "tiering")
