"""The DR drill and cross-region push publishing, read from plan JSON.

Two kinds of plan: each env's blueprint plan (`make validate` writes reports/plans/<env>.json), where the
drill's settings, timeout and placement are known but its policy is not (key and table ARNs exist only
after apply); and an offline plan of modules/api alone with known input ARNs, planned here with the
stand-in provider, where every policy document is known and can be read statement by statement.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backend_core import item_keys
from tests.prerequisites import missing
from tests.terraform.conftest import REPO, variable

ACCOUNT = "123456789012"  # what the stand-in provider's aws_caller_identity answers
DRILL_ENV = {"DR_REGION", "DR_TABLE_NAME", "DR_MEDIA_BUCKET", "DR_API_URL", "ALERTS_TOPIC_ARN"}


def _functions(plan: dict) -> dict[str, dict]:
    """address -> planned change of every Lambda function."""
    return {
        c["address"]: c["change"]
        for c in plan["resource_changes"]
        if c["mode"] == "managed" and c["type"] == "aws_lambda_function"
    }


def _variable_names(change: dict) -> set[str]:
    (environment,) = change["after"]["environment"]
    unknown = (change["after_unknown"].get("environment") or [{}])[0].get("variables") or {}
    return set(environment["variables"]) | set(unknown)


# --- the blueprint plan of every env ---------------------------------------------------------------


def test_drill_runs_at_the_primary_only_with_its_dr_settings(plan: dict) -> None:
    from drill.settings import ENV_VARS

    assert set(ENV_VARS) == DRILL_ENV, "drill.settings.ENV_VARS changed: update this wiring"
    functions = _functions(plan)
    drills = [a for a in functions if a.endswith('.this["drill"]')]
    assert drills == ['module.api_primary.aws_lambda_function.this["drill"]'], drills
    drill = functions[drills[0]]
    variables = drill["after"]["environment"][0]["variables"]
    assert variables["DR_REGION"] == variable(plan, "dr_region")
    assert variables["DR_MEDIA_BUCKET"].startswith(f"{variable(plan, 'project')}-{plan['_env']}-media-")
    assert variables["DR_MEDIA_BUCKET"].endswith(f"-{variable(plan, 'dr_region')}-{ACCOUNT}")
    # Known only after apply, but present: the DR API's URL and the alerts topic.
    assert {"DR_API_URL", "ALERTS_TOPIC_ARN"} <= _variable_names(drill)
    assert "DR_TABLE_NAME" not in _variable_names(drill), "the replica shares the table's name"
    for address, change in functions.items():
        if address not in drills:
            assert not DRILL_ENV & _variable_names(change), f"{address} got the drill's settings"


def test_drill_timeout_covers_the_rpo_target(plan: dict) -> None:
    rpo_seconds = variable(plan, "dr")["rpo_minutes"] * 60
    drill = _functions(plan)['module.api_primary.aws_lambda_function.this["drill"]']
    timeout = drill["after"]["timeout"]
    assert timeout == min(900, rpo_seconds + 20)
    # A target the drill cannot poll within one invocation is said in the plan (a check warning).
    (check,) = [
        c for c in plan["checks"]
        if c["address"] == {**c["address"], "module": "module.api_primary", "name": "drill_polls_the_whole_rpo_target"}
    ]  # fmt: skip
    assert check["status"] == ("fail" if rpo_seconds + 20 > 900 else "pass")


def test_drill_is_scheduled_with_a_failure_destination(plan: dict) -> None:
    changes = {c["address"]: c["change"]["after"] for c in plan["resource_changes"]}
    invoke = changes['module.api_primary.aws_lambda_function_event_invoke_config.async["drill"]']
    assert invoke["qualifier"] == "live" and invoke["maximum_retry_attempts"] == 2
    assert len(invoke["destination_config"][0]["on_failure"]) == 1
    schedule = changes["module.dr.aws_scheduler_schedule.drill[0]"]
    target_input = json.loads(schedule["target"][0]["input"])
    assert target_input == {
        "mode": "non-destructive",
        "rto_minutes": variable(plan, "dr")["rto_minutes"],
        "rpo_minutes": variable(plan, "dr")["rpo_minutes"],
    }


def test_each_site_knows_the_other_region_and_the_drill_the_dr_copies(plan: dict) -> None:
    calls = plan["configuration"]["root_module"]["module_calls"]
    assert calls["api_primary"]["expressions"]["peer_region"]["references"] == ["var.dr_region"]
    assert calls["api_dr"]["expressions"]["peer_region"]["references"] == ["var.primary_region"]
    assert "drill" not in calls["api_dr"]["expressions"]
    references = set(calls["api_primary"]["expressions"]["drill"]["references"])
    assert {
        "module.table.replica_arns",
        "module.storage.media_bucket_dr_arn",
        "module.api_dr.api_url",
        "module.observability_primary.alerts_topic_arn",
        'module.kms_keys.dr_key_arns["data"]',
        'module.kms_keys.dr_key_arns["media"]',
    } <= references


# --- modules/api planned alone, with known input ARNs -------------------------------------------------

TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/mbt-dev-main"
REPLICA = f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/mbt-dev-main"
MEDIA, DR_MEDIA = "arn:aws:s3:::mbt-media-primary", "arn:aws:s3:::mbt-media-dr"
KEYS = {p: f"arn:aws:kms:us-east-1:{ACCOUNT}:key/mrk-{p}" for p in ("data", "media", "messaging", "logs")}
DR_KEYS = {p: f"arn:aws:kms:us-west-2:{ACCOUNT}:key/mrk-{p}" for p in ("data", "media")}
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:mbt-dev-alerts"
FN = {"zip": "build/lambda/{0}.zip", "handler": "{0}.app.lambda_handler", "source_code_hash": "aGFzaA=="}


def _api_inputs(site: str) -> dict:
    from backend_core.lambda_runtime import LAMBDA_RUNTIME
    from drill.settings import CANARY_PREFIX

    target = {"runtime": LAMBDA_RUNTIME.runtime, "architecture": LAMBDA_RUNTIME.architecture}
    inputs = {
        "name_prefix": "mbt-dev",
        "env_name": "dev",
        "site": site,
        "functions": {
            name: {**{k: v.format(name) for k, v in FN.items()}, **target}
            for name in (
                "mobile_api",
                "notify_worker",
                "ttl_archiver",
                "media_restored",
                "drill",
                "live_socket",
            )
        },
        **target,
        "jwt_issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example",
        "jwt_audience": ["client"],
        "throttling": {"rate_limit": 10, "burst_limit": 20},
        "kms_key_arns": KEYS,
        "table": {"name": "mbt-dev-main", "arn": TABLE, "stream_arn": f"{TABLE}/stream/x"},
        "media_bucket": {"name": "mbt-media-primary", "arn": MEDIA},
        "notify_queue": {
            "url": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/mbt-dev-notify",
            "arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:mbt-dev-notify",
        },
        "peer_region": "us-west-2" if site == "primary" else "us-east-1",
        # The exported contracts, as the blueprint passes them.
        "routes": contract("api_routes.json"),
        "media_prefix": contract("s3_layout.json")["media_prefix"],
        "archive_prefix": contract("s3_layout.json")["ttl_archive_prefix"],
        "ttl_removal_filter": json.dumps(contract("ttl_removal.json")["lambda_event_filter"]),
        "device_key_prefix": contract("item_keys.json")["sort_key_prefixes"]["device"],
        "owner_partition_prefixes": contract("item_keys.json")["owner_partition_prefixes"],
        "signing_keys_prefix": contract("item_keys.json")["partition_prefixes"]["signing_keys"],
        "live": {
            "api_id": "wsapi1",
            "execution_arn": f"arn:aws:execute-api:us-east-1:{ACCOUNT}:wsapi1",
            "stage": "live",
        },
    }
    if site == "primary":
        inputs["drill"] = {
            "rpo_minutes": 5,
            "dr_table": {"name": "mbt-dev-main", "arn": REPLICA},
            "dr_media_bucket": {"name": "mbt-media-dr", "arn": DR_MEDIA},
            "dr_api_url": "https://dr.execute-api.us-west-2.amazonaws.com",
            "canary_prefix": CANARY_PREFIX,
            "canary_partition": contract("drill_canary.json")["canary_partition"],
            "dr_kms_key_arns": DR_KEYS,
            "alerts_topic": {"arn": TOPIC, "kms_key_arn": KEYS["messaging"]},
        }
    return inputs


def contract(name: str) -> dict:
    return json.loads((REPO / "terraform" / "contracts" / name).read_text())


def _plan_api_module(tmp: Path, site: str) -> dict:
    from ops.terraform.terraform_rc import terraform_environment

    terraform = shutil.which("terraform", path=str(Path(sys.executable).parent))
    if terraform is None:
        missing("no terraform command next to this Python (run `make setup`)")
    work = tmp / f"api-{site}"
    shutil.copytree(
        REPO / "terraform" / "modules" / "api", work, ignore=shutil.ignore_patterns("tests", ".terraform*")
    )
    region = "us-east-1" if site == "primary" else "us-west-2"
    (work / "zz_provider_override.tf").write_text(f'provider "aws" {{\n  region = "{region}"\n}}\n')
    (work / "inputs.auto.tfvars.json").write_text(json.dumps(_api_inputs(site)))
    env = terraform_environment("offline") | {"TF_INPUT": "0"}

    def tf(*args: str) -> str:
        run = subprocess.run([terraform, *args], cwd=work, env=env, capture_output=True, text=True)
        assert run.returncode == 0, f"terraform {args[0]} failed:\n{run.stdout}\n{run.stderr}"
        return run.stdout

    tf("init", "-input=false", "-no-color")
    tf("plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=api.tfplan")
    return json.loads(tf("show", "-json", "api.tfplan"))


@pytest.fixture(scope="module")
def api_plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("api-plan")
    return {site: _plan_api_module(tmp, site) for site in ("primary", "dr")}


def _statements(plan: dict, function: str) -> dict[str, dict]:
    (policy,) = [
        c["change"]
        for c in plan["resource_changes"]
        if c["type"] == "aws_iam_role_policy" and c["address"].endswith(f'function["{function}"]')
    ]
    assert "policy" not in policy["after_unknown"], "with known inputs the whole policy is planned"
    return {s["Sid"]: s for s in json.loads(policy["after"]["policy"])["Statement"]}


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_drill_touches_only_drill_items_and_canary_objects(api_plans: dict[str, dict]) -> None:
    statements = _statements(api_plans["primary"], "drill")
    for sid, statement in statements.items():
        actions = set(_as_list(statement["Action"]))
        assert all(":" in a and "*" not in a for a in actions), f"{sid}: no wildcard actions"
        if actions & {"dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:GetItem"}:
            condition = statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
            assert condition == [contract("drill_canary.json")["canary_partition"]], sid
        if any(a.startswith("s3:") and a.endswith(("Object", "ObjectVersion")) for a in actions):
            assert all(r.endswith("/drill/canary/*") for r in _as_list(statement["Resource"])), sid
    by_action = {
        (a, r): sid
        for sid, s in statements.items()
        for a in _as_list(s["Action"])
        for r in _as_list(s["Resource"])
    }
    expected = {
        ("dynamodb:DescribeTable", TABLE), ("dynamodb:DescribeTable", REPLICA),
        ("dynamodb:PutItem", TABLE), ("dynamodb:DeleteItem", TABLE), ("dynamodb:GetItem", REPLICA),
        ("s3:GetReplicationConfiguration", MEDIA),
        ("s3:PutObject", f"{MEDIA}/drill/canary/*"), ("s3:DeleteObjectVersion", f"{MEDIA}/drill/canary/*"),
        ("s3:GetObject", f"{DR_MEDIA}/drill/canary/*"), ("s3:DeleteObjectVersion", f"{DR_MEDIA}/drill/canary/*"),
        ("s3:ListBucket", DR_MEDIA), ("sns:Publish", TOPIC),
        ("kms:GenerateDataKey", KEYS["data"]), ("kms:GenerateDataKey", KEYS["media"]),
        ("kms:Decrypt", DR_KEYS["data"]), ("kms:Decrypt", DR_KEYS["media"]), ("kms:Decrypt", KEYS["messaging"]),
    }  # fmt: skip
    assert expected <= set(by_action), sorted(expected - set(by_action))
    # Never writes in the DR region, never the whole table, never another function's key.
    assert ("dynamodb:GetItem", TABLE) not in by_action
    assert not any(a in {"kms:GenerateDataKey"} and r in DR_KEYS.values() for a, r in by_action)
    assert not any(r == KEYS["logs"] for _, r in by_action)
    listing = statements[by_action[("s3:ListBucket", DR_MEDIA)]]
    assert listing["Condition"]["StringLikeIfExists"]["s3:prefix"] == ["drill/canary/*"]


def test_no_other_function_gets_drill_access(api_plans: dict[str, dict]) -> None:
    for site, plan in api_plans.items():
        for function in ("mobile_api", "notify_worker"):
            document = json.dumps(_statements(plan, function))
            assert item_keys.DRILL not in document and REPLICA not in document, f"{site} {function}"
    dr_functions = {
        c["address"] for c in api_plans["dr"]["resource_changes"] if c["type"] == "aws_lambda_function"
    }
    assert not any("drill" in a for a in dr_functions), "no drill at the DR site"


@pytest.mark.parametrize("site", ["primary", "dr"])
def test_notify_worker_publishes_to_endpoints_of_its_own_region_only(
    api_plans: dict[str, dict], site: str
) -> None:
    """Each region's worker publishes through its own region's endpoints (made lazily there): after a
    failover the DR worker never reaches into the dark region (backend_core/README.md, push)."""
    statements = _statements(api_plans[site], "notify_worker")
    own = "us-east-1" if site == "primary" else "us-west-2"
    publish = [s for s in statements.values() if "sns:Publish" in _as_list(s["Action"])]
    assert len(publish) == 1
    assert sorted(_as_list(publish[0]["Resource"])) == [f"arn:aws:sns:{own}:{ACCOUNT}:endpoint/*"]
    attributes = [s for s in statements.values() if "sns:SetEndpointAttributes" in _as_list(s["Action"])]
    assert [s["Resource"] for s in attributes] == [f"arn:aws:sns:{own}:{ACCOUNT}:endpoint/*"]


# What each encrypted resource is encrypted with in these inputs (modules/api: the failure queue and the
# function environment use kms_key_arns.messaging; the blueprint encrypts the notify queue with it too).
ENCRYPTED_WITH = {
    f"{MEDIA}/": KEYS["media"],
    f"{DR_MEDIA}/": DR_KEYS["media"],
    f"arn:aws:sqs:us-east-1:{ACCOUNT}:": KEYS["messaging"],
    f"arn:aws:sqs:us-west-2:{ACCOUNT}:": KEYS["messaging"],
    TOPIC: KEYS["messaging"],
}
# What S3, SQS and SNS ask KMS for on the caller's behalf when the data is SSE-KMS encrypted
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms,
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
NEEDS_KMS = {
    "s3:GetObject": {"kms:Decrypt"},
    "s3:GetObjectVersion": {"kms:Decrypt"},
    "s3:PutObject": {"kms:GenerateDataKey"},
    "sqs:SendMessage": {"kms:GenerateDataKey", "kms:Decrypt"},
    "sqs:ReceiveMessage": {"kms:Decrypt"},
    "sns:Publish": {"kms:GenerateDataKey", "kms:Decrypt"},
}


def _key_of(resource: str) -> str | None:
    return next((key for prefix, key in ENCRYPTED_WITH.items() if resource.startswith(prefix)), None)


@pytest.mark.parametrize(
    ("site", "function"),
    [("primary", f) for f in ("mobile_api", "notify_worker", "ttl_archiver", "media_restored", "drill")]
    + [
        ("dr", f) for f in ("mobile_api", "notify_worker", "ttl_archiver", "media_restored")
    ],  # the drill: primary
)
def test_every_function_may_use_the_key_of_what_it_reads_and_writes(
    api_plans: dict[str, dict], site: str, function: str
) -> None:
    """S3 answers AccessDenied to a GetObject/PutObject (also through a URL the function presigned) on an
    SSE-KMS object when the caller lacks the key; SQS and SNS likewise. IAM simulation is not offline, so
    this reads the planned policies: for every such action, the same policy grants what KMS is asked for."""
    statements = [s for s in _statements(api_plans[site], function).values() if s.get("Effect") == "Allow"]
    granted: set[tuple[str, str]] = {
        (action, key)
        for s in statements
        for action in _as_list(s["Action"])
        for key in _as_list(s["Resource"])
    }
    missing_grants = []
    for statement in statements:
        for action in _as_list(statement["Action"]):
            for resource in _as_list(statement["Resource"]):
                key = _key_of(resource)
                if key is None:
                    continue
                missing_grants += [
                    f"{action} on {resource} needs {needed} on {key}"
                    for needed in sorted(NEEDS_KMS.get(action, set()))
                    if (needed, key) not in granted
                ]
    assert not missing_grants, f"{site} {function}: " + "; ".join(missing_grants)


def test_live_socket_reads_only_the_signing_keys_it_keeps(api_plans: dict[str, dict]) -> None:
    """Its one read (live_socket/signing_keys.py) is held to the signing-key partitions: no user data."""
    from backend_core import item_keys

    for site, plan in api_plans.items():
        reads = [
            s
            for s in _statements(plan, "live_socket").values()
            if "dynamodb:GetItem" in _as_list(s["Action"])
        ]
        assert len(reads) == 1, site
        (read,) = reads
        prefix = contract("item_keys.json")["partition_prefixes"]["signing_keys"]
        assert read["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{prefix}*"]}}, (
            site
        )
        assert read["Resource"] == TABLE and _as_list(read["Action"]) == ["dynamodb:GetItem"], site
        assert item_keys.signing_keys("https://cognito-idp.us-east-1.amazonaws.com/p")["PK"].startswith(
            prefix
        )
