"""The planned blueprint of every env exposes exactly the stack-outputs contract (ops/stack_outputs.py)."""

from __future__ import annotations

from ops.stack_outputs import required_keys


def _keys(after: object, unknown: object, prefix: str = "") -> set[str]:
    """Dotted keys of a planned output value, known or known-after-apply."""
    keys: set[str] = set()
    names = set(after or {}) if isinstance(after, dict) else set()
    names |= set(unknown or {}) if isinstance(unknown, dict) else set()
    for name in names:
        path = f"{prefix}{name}"
        keys.add(path)
        sub_after = after.get(name) if isinstance(after, dict) else None
        sub_unknown = unknown.get(name) if isinstance(unknown, dict) else None
        if isinstance(sub_after, dict) or isinstance(sub_unknown, dict):
            keys |= _keys(sub_after, sub_unknown, f"{path}.")
    return keys


def test_stack_outputs_has_every_contract_key(plan: dict) -> None:
    output = plan["output_changes"]["stack_outputs"]
    planned = _keys(output["after"], output["after_unknown"])
    missing = set(required_keys()) - planned
    assert not missing, f"{plan['_env']}: stack_outputs lacks {sorted(missing)}"


def test_stack_outputs_known_values_match_the_env(plan: dict) -> None:
    after = plan["output_changes"]["stack_outputs"]["after"]
    variables = plan["variables"]
    assert after["env"] == plan["_env"]
    assert after["primary_region"] == variables["primary_region"]["value"]
    assert after["dr_region"] == variables["dr_region"]["value"]
    assert after["endpoint_url"] is None, "endpoint_url is null in AWS"
    assert after["analytics"]["table"] == "usage_events"
    domain = variables["dns"]["value"]["domain"]
    assert after["api"]["public"] == f"https://api.{domain}"
    assert after["dr"]["failover_record"] == f"api.{domain}"
    assert after["media"]["cdn_domain"] == f"media.{domain}"


def test_functions_receive_every_setting_the_lambdas_read(plan: dict) -> None:
    """The function environment (modules/api) covers backend_core.settings.ENV_VARS; ENDPOINT_URL is local-only."""
    from backend_core.settings import ENV_VARS

    expected = set(ENV_VARS) - {"ENDPOINT_URL"}
    functions = [c for c in plan["resource_changes"] if c["type"] == "aws_lambda_function"]
    assert functions
    for function in functions:
        (environment,) = function["change"]["after"]["environment"]
        names = set(environment["variables"]) | set(
            (function["change"]["after_unknown"].get("environment") or [{}])[0].get("variables") or {}
        )
        assert expected <= names, f"{function['address']} lacks {sorted(expected - names)}"


def test_media_replication_rules_are_the_contract_the_local_stack_uses(plan: dict) -> None:
    """The blueprint's two replication rules and the local stack's come from one definition."""
    from backend_core.media_replication import MEDIA_REPLICATION
    from tests.terraform.conftest import changes

    planned = {}
    for after in changes(plan, "aws_s3_bucket_replication_configuration"):
        (rule,) = after["rule"]
        planned[rule["id"]] = rule
    assert set(planned) == {MEDIA_REPLICATION.to_dr.id, MEDIA_REPLICATION.to_primary.id}
    for contract in (MEDIA_REPLICATION.to_dr, MEDIA_REPLICATION.to_primary):
        rule = planned[contract.id]
        expected = contract.s3_rule("arn", "key")
        assert rule["filter"][0]["prefix"] == contract.prefix
        assert rule["delete_marker_replication"][0]["status"] == expected["DeleteMarkerReplication"]["Status"]
        criteria = rule["source_selection_criteria"][0]
        assert criteria["sse_kms_encrypted_objects"][0]["status"] == "Enabled"
        assert (
            criteria["replica_modifications"][0]["status"]
            == expected["SourceSelectionCriteria"]["ReplicaModifications"]["Status"]
        )
        destination = rule["destination"][0]
        assert destination["storage_class"] == contract.storage_class
        assert destination["replication_time"][0]["time"][0]["minutes"] == contract.replication_time_minutes


def test_the_app_client_and_groups_are_the_identity_contract(plan: dict) -> None:
    from backend_core.identity import IDENTITY
    from tests.terraform.conftest import changes

    (client,) = changes(plan, "aws_cognito_user_pool_client")
    assert sorted(client["explicit_auth_flows"]) == sorted(
        IDENTITY.app_client_auth_flows
    )  # a set in the schema
    groups = {c["name"] for c in changes(plan, "aws_cognito_user_group")}
    assert groups == set(IDENTITY.groups)
