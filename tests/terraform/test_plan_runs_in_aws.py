"""What would pass `terraform plan` here and then fail, or misbehave, in AWS: read from each env's plan JSON.

Each test is one way a plan that looks fine breaks in a real account: functions that cannot import their
own code, archive tiers on objects users still read, a DR copy that goes cold, a destroy that stops half
way, settings the code never reads. Plans are the ones `make validate` writes (reports/plans/<env>.json).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.prerequisites import missing
from tests.terraform.conftest import REPO, addresses, changes, is_live_channel, variable

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

MEDIA_PRIMARY = "module.storage.module.media_primary"
MEDIA_DR = "module.storage.module.media_dr"


def _managed(plan: dict) -> list[dict]:
    return [c for c in plan["resource_changes"] if c["mode"] == "managed"]


def _only(plan: dict, address: str) -> dict:
    (change,) = [c["change"]["after"] for c in _managed(plan) if c["address"] == address]
    return change


# --- functions: built for what they are deployed as ------------------------------------------------


def test_functions_are_planned_as_the_lambda_runtime_contract(plan: dict) -> None:
    from backend_core.lambda_runtime import LAMBDA_RUNTIME

    contract = json.loads((REPO / "terraform/contracts/lambda_runtime.json").read_text())
    assert (
        contract["runtime"] == LAMBDA_RUNTIME.runtime
        and contract["architecture"] == LAMBDA_RUNTIME.architecture
    )
    functions = changes(plan, "aws_lambda_function")
    assert len(functions) >= 6, "both sites' functions"
    for fn in functions:
        assert fn["runtime"] == LAMBDA_RUNTIME.runtime, fn["function_name"]
        assert fn["architectures"] == [LAMBDA_RUNTIME.architecture], fn["function_name"]


def test_the_manifest_records_the_target_the_plan_deploys() -> None:
    from backend_core.lambda_runtime import LAMBDA_RUNTIME

    manifest_path = REPO / "build/lambda/manifest.json"
    if not manifest_path.is_file():
        missing("no build/lambda/manifest.json: run `make build`")
    manifest = json.loads(manifest_path.read_text())
    assert manifest["target"]["runtime"] == LAMBDA_RUNTIME.runtime
    assert manifest["target"]["architecture"] == LAMBDA_RUNTIME.architecture
    for name, entry in manifest["functions"].items():
        assert (entry["runtime"], entry["architecture"]) == (
            LAMBDA_RUNTIME.runtime,
            LAMBDA_RUNTIME.architecture,
        ), name


def test_every_planned_zip_runs_as_its_function(plan: dict) -> None:
    """The `artefacts` gate's own check, on every env: native modules, handler, size."""
    from ops.terraform.lambda_artefacts import plan_problems

    problems = plan_problems(plan, REPO / "terraform" / "blueprint")
    assert not problems, "\n".join(problems)


# --- archive tiers: only what is inactive for six months, never the failover copy --------------------


def test_only_the_primary_media_bucket_archives_and_not_before_180_days(plan: dict) -> None:
    from backend_core.archival import ARCHIVAL_POLICY, NO_ARCHIVE_BEFORE_DAYS

    tiering = [c for c in _managed(plan) if c["type"] == "aws_s3_bucket_intelligent_tiering_configuration"]
    assert [c["address"] for c in tiering] == [
        f"{MEDIA_PRIMARY}.aws_s3_bucket_intelligent_tiering_configuration.archive[0]"
    ], "the DR copy (the failover read path) and non-user buckets never archive"
    (config,) = [c["change"]["after"] for c in tiering]
    tiers = {t["access_tier"]: t["days"] for t in config["tiering"]}
    assert tiers["DEEP_ARCHIVE_ACCESS"] == ARCHIVAL_POLICY.deep_archive_after_days == 180
    assert all(days >= NO_ARCHIVE_BEFORE_DAYS for days in tiers.values()), tiers
    assert config["status"] == "Enabled"


def test_the_dr_copy_is_marked_and_only_tiers_instantly_readable(plan: dict) -> None:
    bucket = _only(plan, f"{MEDIA_DR}.aws_s3_bucket.this")
    assert bucket["tags"]["failover_copy"] == "true" and bucket["tags"]["data_class"] == "user"
    lifecycle = _only(plan, f"{MEDIA_DR}.aws_s3_bucket_lifecycle_configuration.archive[0]")
    classes = {t["storage_class"] for rule in lifecycle["rule"] for t in rule["transition"]}
    assert classes <= {"INTELLIGENT_TIERING"}, f"current objects in DR must stay readable: {classes}"


@pytest.mark.parametrize("site", [MEDIA_PRIMARY, MEDIA_DR])
def test_drill_canaries_expire_in_both_media_buckets(plan: dict, site: str) -> None:
    from drill.settings import CANARY_OBJECT_EXPIRE_DAYS, CANARY_PREFIX

    lifecycle = _only(plan, f"{site}.aws_s3_bucket_lifecycle_configuration.archive[0]")
    canary = [r for r in lifecycle["rule"] if r["filter"] and r["filter"][0].get("prefix") == CANARY_PREFIX]
    expiring = [
        r for r in canary if r["expiration"] and r["expiration"][0].get("days") == CANARY_OBJECT_EXPIRE_DAYS
    ]
    assert len(expiring) == 1, (
        f"{site}: no rule expiring {CANARY_PREFIX} after {CANARY_OBJECT_EXPIRE_DAYS} day(s)"
    )
    (rule,) = expiring
    assert rule["status"] == "Enabled"
    assert rule["noncurrent_version_expiration"][0]["noncurrent_days"] == CANARY_OBJECT_EXPIRE_DAYS
    markers = [
        r for r in canary if r["expiration"] and r["expiration"][0].get("expired_object_delete_marker")
    ]
    assert len(markers) == 1, f"{site}: the delete markers under {CANARY_PREFIX} are never removed"


def test_the_drill_role_is_scoped_to_the_same_canary_prefix(plan: dict) -> None:
    from drill.settings import CANARY_PREFIX

    calls = plan["configuration"]["root_module"]["module_calls"]
    drill = calls["api_primary"]["expressions"]["drill"]
    assert "local.drill_canary" in json.dumps(drill), "the drill role's prefix comes from the contract"
    assert (
        json.loads((REPO / "terraform/contracts/drill_canary.json").read_text())["canary_prefix"]
        == CANARY_PREFIX
    )


# --- disposable envs go with one `make destroy` -------------------------------------------------------


@pytest.fixture(scope="module")
def force_destroy_types() -> set[str]:
    """Every resource type of the provider whose schema has a `force_destroy` argument."""
    from ops.errors import OpsError
    from ops.terraform.provider_schema import load_schema

    try:
        schemas = load_schema()["resource_schemas"]
    except OpsError as exc:
        missing(f"no provider schema to read force_destroy from: {exc}")
    return {t for t, s in schemas.items() if "force_destroy" in s["block"].get("attributes", {})}


def test_disposable_is_explicit_env_data() -> None:
    for tfvars in sorted((REPO / "terraform/envs").glob("*.tfvars")):
        assert re.search(r"^disposable\s*=\s*(true|false)\s*$", tfvars.read_text(), re.M), (
            f"{tfvars.name} must say whether the env is disposable"
        )


def test_every_force_destroy_follows_disposable(plan: dict, force_destroy_types: set[str]) -> None:
    """A disposable env must go in one `make destroy`: a non-empty bucket or an Athena workgroup with query
    history refuses deletion unless force_destroy is set. No other env may set it."""
    disposable = variable(plan, "disposable")
    assert isinstance(disposable, bool)
    if plan["_env"] == "prod":
        assert disposable is False
    found = [
        c for c in _managed(plan) if c["type"] in force_destroy_types and "create" in c["change"]["actions"]
    ]
    assert {c["type"] for c in found} >= {"aws_s3_bucket", "aws_athena_workgroup"}
    wrong = [
        f"{c['address']} force_destroy={c['change']['after'].get('force_destroy')}"
        for c in found
        if (c["change"]["after"].get("force_destroy") is True) is not disposable
    ]
    assert not wrong, f"{plan['_env']} (disposable={disposable}): " + "; ".join(wrong)


def test_a_disposable_env_protects_nothing_from_deletion(plan: dict) -> None:
    if not variable(plan, "disposable"):
        return  # protection is the env's own choice (prod: tests in test_plan_properties)
    protected = [
        c["address"]
        for c in _managed(plan)
        if c["change"]["after"].get("deletion_protection_enabled") is True
        or c["change"]["after"].get("deletion_protection") in (True, "ACTIVE")
        or any(r.get("deletion_protection_enabled") for r in c["change"]["after"].get("replica") or [])
    ]
    assert not protected, f"make destroy would stop at {protected}"
    (secret,) = changes(plan, "aws_secretsmanager_secret")
    assert secret["recovery_window_in_days"] == 0, "the next apply could not reuse the secret's name"


# --- function settings: what Terraform sets is what the code reads -----------------------------------

# Lambda refuses these keys in a function's environment (reserved by the runtime).
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
RESERVED = {
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
}  # fmt: skip
# Read by Powertools itself (checked against its installed source below).
POWERTOOLS = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_NAMESPACE"}


def settings_class(function: str) -> type:
    """The Settings model of a function package (lambdas/<function>/settings.py): its environment contract."""
    import importlib

    return importlib.import_module(f"{function}.settings").Settings


def environment_drift(function: str, names: set[str]) -> list[str]:
    """What is wrong with a function's planned environment keys against its Settings model, one line each."""
    settings = settings_class(function)
    contract = set(settings.env_vars())
    required = {
        var for var, path in settings.env_vars().items() if settings.model_fields[path[0]].is_required()
    }
    problems = [f"{function}: Lambda refuses reserved key {n}" for n in sorted(names & RESERVED)]
    if "ENDPOINT_URL" in names:
        problems.append(f"{function}: ENDPOINT_URL would point the function at an emulator")
    problems += [
        f"{function}: sets {n}, which its Settings does not read"
        for n in sorted(names - contract - POWERTOOLS)
    ]
    problems += [f"{function}: lacks {n}, which its Settings requires" for n in sorted(required - names)]
    return problems


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_variable_of_the_contract_reaches_its_field(function: str) -> None:
    """Read by field name: each variable of `env_vars()` sets the field it names (a tuple comma-separated)."""
    settings = settings_class(function)
    env = {"TABLE_NAME": "t", "DR_REGION": "us-west-2", "DR_MEDIA_BUCKET": "b", "DR_API_URL": "https://x"}
    for var in settings.env_vars():
        env.setdefault(var, "https://value" if var.endswith("_URL") else "value")
    env["REGIONS"] = "us-east-1,us-west-2"
    read = settings.from_env(env)
    for var, path in settings.env_vars().items():
        got = getattr(getattr(read, path[0]), path[1]) if len(path) == 2 else getattr(read, path[0])
        expected = tuple(env[var].split(",")) if var == "REGIONS" else env[var]
        assert got == expected, f"{function}: {var} -> {'.'.join(path)}"


def test_powertools_reads_the_variables_terraform_sets_for_it() -> None:
    import aws_lambda_powertools

    source = "\n".join(
        p.read_text() for p in Path(aws_lambda_powertools.__file__).parent.rglob("constants.py")
    )
    assert all(f'"{name}"' in source for name in POWERTOOLS)


def _planned_environment(change: dict) -> set[str]:
    after, unknown = change["change"]["after"], change["change"]["after_unknown"]
    return set(after["environment"][0]["variables"]) | set(
        (unknown.get("environment") or [{}])[0].get("variables") or {}
    )


def _function_of(address: str) -> str:
    return re.search(r'aws_lambda_function\.this\["([a-z_]+)"\]', address)[1]


def test_each_function_gets_exactly_what_its_settings_read(plan: dict) -> None:
    functions = [c for c in _managed(plan) if c["type"] == "aws_lambda_function"]
    assert functions
    problems = [
        p for c in functions for p in environment_drift(_function_of(c["address"]), _planned_environment(c))
    ]
    assert problems == []


def test_a_variable_set_or_dropped_by_hand_is_reported(plan: dict) -> None:
    (api,) = [c for c in _managed(plan) if c["address"].endswith('aws_lambda_function.this["mobile_api"]')][
        :1
    ]
    names = _planned_environment(api)
    assert environment_drift("mobile_api", names | {"TABLE_NAMES"}) == [
        "mobile_api: sets TABLE_NAMES, which its Settings does not read"
    ]
    assert environment_drift("drill", names) == [
        f"drill: lacks {n}, which its Settings requires"
        for n in ("DR_API_URL", "DR_MEDIA_BUCKET", "DR_REGION")
    ]


# --- names AWS accepts, for the longest project and env names the blueprint allows -------------------

LONGEST = {
    "project": 12,
    "env": 7,
    "region": 14,
}  # variables.tf: project 2-12 chars; "staging"; "ap-southeast-2"
LIMITS = {
    "aws_s3_bucket": ("bucket", 63),
    "aws_lambda_function": ("function_name", 64),
    "aws_iam_role": ("name", 64),
    "aws_sqs_queue": ("name", 80),
    "aws_sns_topic": ("name", 256),
    "aws_dynamodb_table": ("name", 255),
    "aws_athena_workgroup": ("name", 128),
    "aws_cognito_user_pool": ("name", 128),
}


def test_names_fit_aws_limits_for_the_longest_allowed_inputs(plan: dict) -> None:
    project, env = variable(plan, "project"), plan["_env"]
    regions = {variable(plan, "primary_region"), variable(plan, "dr_region")}
    too_long = []
    for resource_type, (attribute, limit) in LIMITS.items():
        for after in changes(plan, resource_type):
            name = after.get(attribute)
            if not isinstance(name, str):
                continue
            grown = len(name)
            grown += name.count(f"{project}-{env}") * (
                LONGEST["project"] - len(project) + LONGEST["env"] - len(env)
            )
            grown += sum(name.count(r) * (LONGEST["region"] - len(r)) for r in regions)
            if grown > limit:
                too_long.append(f"{resource_type} {name!r}: {grown} > {limit} characters at the longest")
    assert addresses(plan, "aws_s3_bucket")
    assert not too_long, "; ".join(too_long)


# --- limits AWS enforces between resources ------------------------------------------------------------


def _by_site(plan: dict, resource_type: str) -> dict[str, list[dict]]:
    sites: dict[str, list[dict]] = {"primary": [], "dr": []}
    for change in _managed(plan):
        if change["type"] == resource_type:
            site = "dr" if change["address"].split(".")[1].endswith("_dr") else "primary"
            sites[site].append(change)
    return sites


def test_the_notify_queue_hides_a_message_longer_than_the_worker_runs(plan: dict) -> None:
    """Lambda refuses an SQS event source whose visibility timeout is shorter than the function's timeout
    (and AWS advises six times it, so retries do not overlap a running batch)."""
    functions, queues = _by_site(plan, "aws_lambda_function"), _by_site(plan, "aws_sqs_queue")
    for site in ("primary", "dr"):
        (worker,) = [f for f in functions[site] if f["address"].endswith('["notify_worker"]')]
        (queue,) = [q for q in queues[site] if q["address"].endswith("aws_sqs_queue.notify")]
        timeout = worker["change"]["after"]["timeout"]
        visibility = queue["change"]["after"]["visibility_timeout_seconds"]
        assert visibility >= 6 * timeout, (
            f"{site}: visibility {visibility} s < 6 x worker timeout {timeout} s"
        )


def test_the_api_function_finishes_before_the_http_api_gives_up(plan: dict) -> None:
    """An HTTP API integration waits at most 30 s; a function allowed to run longer keeps writing after the
    client was told 503, and the client retries a change that may already be committed."""
    functions, integrations = (
        _by_site(plan, "aws_lambda_function"),
        _by_site(plan, "aws_apigatewayv2_integration"),
    )
    for site in ("primary", "dr"):
        (api,) = [f for f in functions[site] if f["address"].endswith('["mobile_api"]')]
        waits = {
            i["change"]["after"]["timeout_milliseconds"]
            for i in integrations[site]
            if not is_live_channel(i["address"])  # the WebSocket API's integration has its own limit
        }
        assert waits and max(waits) <= 30000
        assert api["change"]["after"]["timeout"] * 1000 <= min(waits), (
            f"{site}: mobile_api outlives {min(waits)} ms"
        )
