"""Every resource type in the three envs' plans is priced (with meters the price table has) or declared
free with a reason, and everything the model reads off a plan has a usage model: no bucket without a role,
no log group without a producer, no function without a workload. A new resource type, bucket, log group or
function in the blueprint fails here until someone decides what it costs."""

from __future__ import annotations

import pytest

from ops.cost.coverage import RESOURCE_PRICING, Free, Priced, unpriced
from ops.cost.deployment import DR, PRIMARY, Deployment
from ops.cost.model import SERVICES, estimate, service_of
from ops.cost.profile import load as load_profile
from ops.pricing import GLOBAL
from ops.pricing import load as load_prices


def test_every_resource_type_in_the_plan_is_priced_or_declared_free(env_deployment: Deployment) -> None:
    assert env_deployment.resource_types, "the plan has no managed resources"
    assert unpriced(env_deployment.resource_types) == [], (
        f"env {env_deployment.env}: add these types to ops/cost/coverage.py RESOURCE_PRICING, priced with "
        "meters of ops/pricing/aws_prices.json or Free(reason)"
    )


def test_unpriced_names_a_type_that_is_in_neither_list() -> None:
    assert unpriced({"aws_lambda_function", "aws_rds_cluster", "aws_iam_role"}) == ["aws_rds_cluster"]


def test_every_meter_named_for_a_type_is_in_the_price_table_and_every_free_type_says_why() -> None:
    prices = load_prices()
    for resource_type, how in RESOURCE_PRICING.items():
        if isinstance(how, Free):
            assert len(how.reason) > 10, resource_type
            continue
        assert isinstance(how, Priced) and how.meters and how.how, resource_type
        for meter in how.meters:
            regions = [GLOBAL] if prices.has(meter) else prices.regions
            assert all(prices.has(meter, r) for r in regions), f"{resource_type}: no price for {meter}"
            assert service_of(meter) in SERVICES.values()


def test_every_bucket_log_group_and_function_has_a_usage_model(env_deployment: Deployment) -> None:
    d = env_deployment
    assert [b.address for b in d.buckets if b.role == "unknown"] == [], (
        "give the bucket a role in BUCKET_ROLES"
    )
    assert [g.name for g in d.log_groups if g.producer == "unknown"] == [], "give the log group a producer"
    result = estimate(d, load_profile(), 10_000)
    assert result.notes == [] or all("planned disabled" in n for n in result.notes), result.notes
    assert result.total(PRIMARY) > 0 and result.total(DR) > 0


def test_each_priced_line_is_of_a_service_the_plan_deploys(env_deployment: Deployment) -> None:
    """The model prices no service the plan does not deploy (data transfer belongs to every service)."""
    result = estimate(env_deployment, load_profile(), 10_000)
    deployed = {
        meter.split(".", 1)[0]
        for resource_type, how in RESOURCE_PRICING.items()
        if isinstance(how, Priced) and resource_type in env_deployment.resource_types
        for meter in how.meters
    }
    stray = sorted({line.meter for line in result.lines if line.meter.split(".", 1)[0] not in deployed})
    assert stray == []
    without_cdn = env_deployment.with_changes(
        cdn=None, resource_types=env_deployment.resource_types - {"aws_cloudfront_distribution"}
    )
    assert not estimate(without_cdn, load_profile(), 10_000).lines_of("cloudfront.")


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_the_envs_differ_where_their_tfvars_do(env: str) -> None:
    from tests.cost.plans import load

    d = load(env)
    stage = next(s for s in d.stages if s.site == PRIMARY)
    api = d.function("mobile_api", PRIMARY)
    assert api is not None and api.architecture == "arm64"
    if env == "prod":
        assert (stage.rate_limit, api.memory_mb, api.reserved_concurrency, d.user_pool_tier) == (
            1000,
            1024,
            200,
            "PLUS",
        )
        assert d.cdn is not None and d.cdn.price_class == "PriceClass_All" and d.rpo_minutes == 5
    else:
        assert (stage.rate_limit, api.memory_mb, api.reserved_concurrency) == (50, 512, None)
    assert d.table is not None and d.table.replica_regions == (d.dr_region,)
    assert {f.key for f in d.functions if f.site == DR} >= {"mobile_api", "notify_worker"}
