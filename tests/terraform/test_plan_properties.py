"""Properties that matter, read from each env's offline plan (values the plan already knows)."""

from __future__ import annotations

import json

import pytest

from backend_core import item_keys, ttl_removal
from backend_core.api_routes import API_ROUTES
from ops.env.plan_summary import counts, resource_sites
from tests.terraform.conftest import addresses, changes, http_api_changes, variable


def test_both_regions_get_a_full_serving_stack(plan: dict) -> None:
    per_site: dict[str, dict[str, int]] = {"primary": {}, "dr": {}}
    for _, resource_type, site in resource_sites(plan):
        if site in per_site:
            per_site[site][resource_type] = per_site[site].get(resource_type, 0) + 1
    for site, types in per_site.items():
        assert types.get("aws_apigatewayv2_api") == 2, (
            f"{site}: one HTTP API and the live channel's WebSocket API"
        )
        assert types.get("aws_lambda_function", 0) >= 2, f"{site}: API and notify worker functions"
        assert types.get("aws_sqs_queue", 0) >= 3, f"{site}: notify queue, its DLQ and the failure queue"
        assert types.get("aws_sns_topic") == 1, f"{site}: alerts topic"
    assert per_site["dr"].get("aws_kms_replica_key", 0) >= 2, "replicated data uses multi-Region replica keys"
    c = counts(plan)
    assert c["primary"] > c["dr"] > 0


def test_table_is_a_global_table_replicated_to_the_dr_region(plan: dict) -> None:
    (table,) = changes(plan, "aws_dynamodb_table")
    assert [r["region_name"] for r in table["replica"]] == [variable(plan, "dr_region")]
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    assert table["point_in_time_recovery"][0]["enabled"] is True
    assert table["stream_enabled"] is True


def test_media_replicates_to_the_dr_bucket_and_back(plan: dict) -> None:
    config = plan["configuration"]["root_module"]["module_calls"]["storage"]["module"]
    rules = {
        r["name"]: r["expressions"]["rule"][0]
        for r in config["resources"]
        if r["type"] == "aws_s3_bucket_replication_configuration"
    }
    assert "module.media_dr.arn" in rules["media"]["destination"][0]["bucket"]["references"]
    assert "module.media_primary.arn" in rules["media_failback"]["destination"][0]["bucket"]["references"]
    for change in plan["resource_changes"]:
        if change["type"] == "aws_s3_bucket_replication_configuration":
            destination = change["change"]["after"]["rule"][0]["destination"][0]
            assert destination["replication_time"][0]["status"] == "Enabled", change["address"]
            assert destination["metrics"][0]["status"] == "Enabled", change["address"]


def test_no_bucket_is_public(plan: dict) -> None:
    blocks = changes(plan, "aws_s3_bucket_public_access_block")
    assert len(blocks) == len(changes(plan, "aws_s3_bucket")) > 0
    for block in blocks:
        assert all(
            block[k] is True
            for k in (
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            )
        )


def test_user_buckets_reach_deep_archive_after_180_days(plan: dict) -> None:
    tiering = changes(plan, "aws_s3_bucket_intelligent_tiering_configuration")
    assert len(tiering) == 1, "the primary media bucket (the DR copy never archives: test_plan_runs_in_aws)"
    for config in tiering:
        days = {t["access_tier"]: t["days"] for t in config["tiering"]}
        assert days["DEEP_ARCHIVE_ACCESS"] == 180


def test_every_route_of_the_table_in_both_regions_and_only_public_ones_without_a_jwt(plan: dict) -> None:
    routes = http_api_changes(plan, "aws_apigatewayv2_route")
    keys = sorted(route["route_key"] for route in routes)
    assert keys == sorted(API_ROUTES.keys() * 2), "each route of backend_core/api_routes.py once per region"
    public = set(API_ROUTES.keys(public=True))
    for route in routes:
        expected = "NONE" if route["route_key"] in public else "JWT"
        assert route["authorization_type"] == expected, route["route_key"]


def test_the_ttl_archiver_filter_is_the_contract(plan: dict) -> None:
    mappings = [
        m
        for m in changes(plan, "aws_lambda_event_source_mapping")
        if m.get("filter_criteria") and "userIdentity" in m["filter_criteria"][0]["filter"][0]["pattern"]
    ]
    assert mappings, "a filtered TTL archiver mapping at each site"
    for mapping in mappings:
        assert (
            json.loads(mapping["filter_criteria"][0]["filter"][0]["pattern"])
            == ttl_removal.lambda_event_filter()
        )


def test_the_endpoint_cleanup_filter_passes_device_removals_only(plan: dict) -> None:
    """Its prefix comes from backend_core/item_keys.py (terraform/contracts/item_keys.json)."""
    patterns = [
        [json.loads(f["pattern"]) for f in m["filter_criteria"][0]["filter"]]
        for m in mappings_of(plan, "endpoint_cleanup")
    ]
    assert len(patterns) == 2, "a filtered endpoint cleanup mapping at each site"
    device = {
        "eventName": ["REMOVE"],
        "dynamodb": {"Keys": {"SK": {"S": [{"prefix": item_keys.DEVICE_PREFIX}]}}},
    }
    assert patterns == [[device], [device]]
    assert item_keys.is_device(item_keys.device("u1", "d1")["SK"])


def test_the_account_eraser_filter_passes_writes_to_owned_partitions(plan: dict) -> None:
    """Its prefixes come from backend_core/item_keys.py (terraform/contracts/item_keys.json): every partition
    `owners_of` reads an owner from, so no late write of a deleted user escapes the eraser."""
    # `filter` is a set block: the plan lists the patterns in its own order.
    patterns = [
        sorted(
            json.dumps(json.loads(f["pattern"]), sort_keys=True) for f in m["filter_criteria"][0]["filter"]
        )
        for m in mappings_of(plan, "account_eraser")
    ]
    assert len(patterns) == 2, "a filtered account eraser mapping at each site"
    owned = sorted(
        json.dumps(
            {"eventName": ["INSERT", "MODIFY"], "dynamodb": {"Keys": {"PK": {"S": [{"prefix": prefix}]}}}},
            sort_keys=True,
        )
        for prefix in item_keys.OWNER_PARTITION_PREFIXES
    )
    assert patterns == [owned, owned]
    for prefix in item_keys.OWNER_PARTITION_PREFIXES:
        sk = f"{item_keys.SUBSCRIBER_PREFIX}c1" if prefix == item_keys.PROVIDER else "ANY"
        assert item_keys.owners_of(f"{prefix}u1#x", sk), f"owners_of reads no owner from {prefix}"


def test_the_account_eraser_hears_media_created_in_both_buckets_and_knows_the_owning_pool(plan: dict) -> None:
    """A media version S3 replication lands after both regions' sweeps is erased again: each region's media
    bucket sends every object created under the media prefix (replicas included) to that region's eraser, which
    S3 may invoke; each eraser gets the pool that owns the users (it deletes Cognito users in the pool's home
    region only, so exactly once)."""
    from account_eraser.settings import ENV_VARS, user_pool_id_parameter
    from backend_core.s3_layout import MEDIA_PREFIX

    assert ENV_VARS == ("USER_POOL_ID_PARAMETER",), (
        "account_eraser.settings.ENV_VARS changed: update this wiring"
    )
    after = {c["address"]: c["change"] for c in plan["resource_changes"] if c["mode"] == "managed"}
    parameter = user_pool_id_parameter(f"mbt-{plan['_env']}")
    for site in ("primary", "dr"):
        notification = after[f"module.api_{site}.aws_s3_bucket_notification.media_events[0]"]["after"]
        (eraser,) = [t for t in notification["lambda_function"] if t["id"] == "account-eraser"]
        assert eraser["events"] == ["s3:ObjectCreated:*"] and eraser["filter_prefix"] == MEDIA_PREFIX
        permission = after[f'module.api_{site}.aws_lambda_permission.media_events["account_eraser"]']["after"]
        assert (
            permission["principal"] == "s3.amazonaws.com" and permission["action"] == "lambda:InvokeFunction"
        )
        (environment,) = after[f'module.api_{site}.aws_lambda_function.this["account_eraser"]']["after"][
            "environment"
        ]
        assert environment["variables"]["USER_POOL_ID_PARAMETER"] == parameter, site
        written = after[f"module.api_{site}.aws_ssm_parameter.user_pool_id[0]"]
        assert written["after"]["name"] == parameter and written["after_unknown"].get("insecure_value"), site
        # Its role may read that parameter only: modules/api/tests (the policy is known after apply here).
    # Cognito deletions happen in the owning pool's home region only: the DR eraser has no grant to make them.
    assert "module.api_primary.aws_iam_role_policy.account_eraser_user_pool[0]" in after
    assert not [
        a for a in after if a.startswith("module.api_dr.aws_iam_role_policy.account_eraser_user_pool")
    ]


def mappings_of(plan: dict, function: str) -> list[dict]:
    """The planned event source mappings whose address names the function (module.*.aws_lambda_event_source_
    mapping.<function>...)."""
    return [
        c["change"]["after"]
        for c in plan["resource_changes"]
        if c["mode"] == "managed"
        and c["type"] == "aws_lambda_event_source_mapping"
        and f"aws_lambda_event_source_mapping.{function}" in c["address"]
    ]


def test_every_provider_tags_project_env_owner(plan: dict) -> None:
    providers = plan["configuration"]["provider_config"]
    for key in ("aws", "aws.dr"):
        references = providers[key]["expressions"]["default_tags"][0]["tags"]["references"]
        assert {"var.project", "var.env", "var.owner"} <= set(references), key
    user_buckets = [
        b for b in changes(plan, "aws_s3_bucket") if (b.get("tags") or {}).get("data_class") == "user"
    ]
    assert len(user_buckets) == 2


@pytest.mark.parametrize("env", ["prod"])
def test_prod_requires_mfa_and_protects_data(env: str) -> None:
    from tests.terraform.conftest import load_plan

    prod = load_plan(env)
    (pool,) = changes(prod, "aws_cognito_user_pool")
    assert pool["mfa_configuration"] == "ON"
    (table,) = changes(prod, "aws_dynamodb_table")
    assert table["deletion_protection_enabled"] is True
    assert not any(b["force_destroy"] for b in changes(prod, "aws_s3_bucket"))
    assert addresses(prod, "aws_route53_record"), "prod has failover records"
