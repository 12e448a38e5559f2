"""Identifiers that reach a module through its inputs and are known only after apply count as set for checkov."""

from __future__ import annotations

from ops.terraform.plan_for_checkov import KNOWN_AFTER_APPLY, enrich


def _plan(expressions: dict, after: dict, after_unknown: dict) -> dict:
    address = "module.logs.aws_cloudwatch_log_group.this"
    return {
        "planned_values": {
            "root_module": {"child_modules": [{"resources": [{"address": address, "values": dict(after)}]}]}
        },
        "resource_changes": [
            {
                "address": address,
                "mode": "managed",
                "type": "aws_cloudwatch_log_group",
                "change": {"after": dict(after), "after_unknown": after_unknown},
            }
        ],
        "configuration": {
            "root_module": {
                "module_calls": {
                    "logs": {
                        "module": {
                            "resources": [
                                {"address": "aws_cloudwatch_log_group.this", "expressions": expressions}
                            ]
                        }
                    }
                }
            }
        },
    }


def _after(plan: dict) -> tuple[dict, dict]:
    planned = plan["planned_values"]["root_module"]["child_modules"][0]["resources"][0]["values"]
    return plan["resource_changes"][0]["change"]["after"], planned


def test_module_input_identifier_known_after_apply_is_marked_set() -> None:
    plan = _plan({"name": {"constant_value": "x"}, "kms_key_id": {"references": ["var.kms_key_arn"]}},
                 {"name": "x"}, {"kms_key_id": True, "arn": True})  # fmt: skip
    change_after, planned = _after(enrich(plan))
    assert change_after["kms_key_id"] == KNOWN_AFTER_APPLY == planned["kms_key_id"]
    assert "arn" not in change_after  # computed but not configured: stays absent


def test_unset_attribute_stays_missing_so_its_check_still_fails() -> None:
    plan = _plan({"name": {"constant_value": "x"}}, {"name": "x"}, {"kms_key_id": True})
    change_after, planned = _after(enrich(plan))
    assert "kms_key_id" not in change_after and "kms_key_id" not in planned


def test_direct_resource_references_are_left_to_checkov() -> None:
    plan = _plan(
        {"kms_key_id": {"references": ["aws_kms_key.logs.arn", "aws_kms_key.logs"]}}, {}, {"kms_key_id": True}
    )
    change_after, _ = _after(enrich(plan))
    assert "kms_key_id" not in change_after  # checkov adds the reference itself and draws the graph edge


def test_non_identifier_settings_are_not_guessed() -> None:
    plan = _plan({"log_group_class": {"references": ["var.class"]}}, {}, {"log_group_class": True})
    change_after, _ = _after(enrich(plan))
    assert "log_group_class" not in change_after


def test_the_original_plan_is_not_modified() -> None:
    plan = _plan({"kms_key_id": {"references": ["var.k"]}}, {}, {"kms_key_id": True})
    enrich(plan)
    assert "kms_key_id" not in plan["resource_changes"][0]["change"]["after"]


def test_identifiers_inside_nested_blocks_are_marked_too() -> None:
    address = "module.table.aws_dynamodb_table.main"
    after = {"name": "t", "server_side_encryption": [{"enabled": True}]}
    plan = {
        "planned_values": {
            "root_module": {"child_modules": [{"resources": [{"address": address, "values": {}}]}]}
        },
        "resource_changes": [
            {
                "address": address,
                "mode": "managed",
                "type": "aws_dynamodb_table",
                "change": {
                    "after": after,
                    "after_unknown": {"server_side_encryption": [{"kms_key_arn": True}]},
                },
            }
        ],
        "configuration": {
            "root_module": {
                "module_calls": {
                    "table": {
                        "module": {
                            "resources": [
                                {
                                    "address": "aws_dynamodb_table.main",
                                    "expressions": {
                                        "server_side_encryption": [
                                            {
                                                "enabled": {"constant_value": True},
                                                "kms_key_arn": {"references": ["var.kms"]},
                                            }
                                        ]
                                    },
                                }
                            ]
                        }
                    }
                }
            }
        },
    }
    change_after = enrich(plan)["resource_changes"][0]["change"]["after"]
    assert change_after["server_side_encryption"][0]["kms_key_arn"] == KNOWN_AFTER_APPLY
