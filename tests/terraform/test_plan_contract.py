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
