"""The function environment: one Settings model per function, read by field name. The local stack builds each
function's Settings from one dict of values (ops/local/stack.py `function_settings`); pydantic ignores a key
that names no field, so a typo there would silently leave a setting at its default. Terraform's side (each
function's environment map against its model) is tests/terraform/test_plan_runs_in_aws.py."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from ops.local.config import Names, StackConfig
from ops.local.provision import RegionResources
from ops.local.stack import (
    LIVE_FUNCTION_PACKAGE,
    STREAM_FUNCTION_PACKAGES,
    TRIGGER_FUNCTION_PACKAGE,
    LocalStack,
)

LOCAL_FUNCTIONS = (
    "mobile_api",
    "notify_worker",
    "media_restored",
    LIVE_FUNCTION_PACKAGE,
    *STREAM_FUNCTION_PACKAGES,
    TRIGGER_FUNCTION_PACKAGE,
)  # the drill runs from ops


def local_values() -> dict:
    names, config = Names(env="local"), StackConfig()
    res = RegionResources(
        region=config.primary_region, table_name=names.table, table_stream_arn="arn:stream",
        media_bucket=names.media_bucket(config.primary_region), notify_queue_url="http://queue",
        notify_dlq_url="http://dlq", usage_stream_name=names.usage_stream, platform_app_arns={}, kms_key_arn="arn:key",
    )  # fmt: skip
    stack = SimpleNamespace(config=config, live_fronts={})  # no live fronts: live_connections_url is ""
    return LocalStack.function_settings(stack, res, "http://127.0.0.1:1")  # type: ignore[arg-type]


def local_drift(values: dict) -> list[str]:
    """Keys no local function's Settings has (typos), and fields a function requires that the values lack."""
    models = {f: importlib.import_module(f"{f}.settings").Settings for f in LOCAL_FUNCTIONS}
    known = set().union(*(m.model_fields for m in models.values()))
    problems = [f"local value {k!r} is no function's setting" for k in sorted(set(values) - known)]
    for function, model in models.items():
        required = {name for name, field in model.model_fields.items() if field.is_required()}
        problems += [f"{function}: local stack lacks required {n!r}" for n in sorted(required - set(values))]
    return problems


def test_the_local_stack_sets_fields_by_their_names() -> None:
    assert local_drift(local_values()) == []


def test_a_misspelt_or_missing_local_value_is_reported() -> None:
    values = local_values()
    values["table_nam"] = values.pop("table_name")
    assert local_drift(values) == ["local value 'table_nam' is no function's setting"] + [
        f"{f}: local stack lacks required 'table_name'" for f in LOCAL_FUNCTIONS
    ]


def test_every_function_model_reads_the_shared_environment_by_field_name() -> None:
    from backend_core.settings import ENV_VARS, FunctionSettings

    assert set(ENV_VARS) == {name.upper() for name in FunctionSettings.model_fields if name != "region"} - {
        "PLATFORM_APP_ARNS"
    } | {"PLATFORM_APP_ARNS_APNS", "PLATFORM_APP_ARNS_FCM"}
    for function in (*LOCAL_FUNCTIONS, "drill"):
        model = importlib.import_module(f"{function}.settings").Settings
        assert set(ENV_VARS) <= set(model.env_vars()), function
