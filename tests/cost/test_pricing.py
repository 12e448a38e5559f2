"""The price table (ops/pricing/aws_prices.json): dated, sourced, the same meters in every region, tiers
applied as AWS applies them, and a broken file refused with one line."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ops.cost.model import service_of
from ops.pricing import GLOBAL, PRICES_FILE, PriceError, load, parse


def test_the_table_is_dated_and_every_rate_has_an_https_source() -> None:
    prices = load()
    assert date(2025, 1, 1) <= prices.checked_on <= date.today()
    assert prices.currency == "USD"
    assert prices.regions == ["us-east-1", "us-west-2"]  # the blueprint's default primary and DR regions
    for region, meters in prices.rates.items():
        for meter, rate in meters.items():
            assert prices.source_of(rate).startswith("https://aws.amazon.com/"), (region, meter)
            assert rate.unit and rate.per > 0, (region, meter)
            service_of(meter)  # every meter belongs to a service the reports name


def test_every_region_prices_the_same_meters_and_global_ones_are_only_global() -> None:
    prices = load()
    east, west = (set(prices.rates[r]) for r in prices.regions)
    assert east == west
    assert not set(prices.rates[GLOBAL]) & east
    assert {m.split(".", 1)[0] for m in prices.rates[GLOBAL]} == {"cloudfront", "route53"}


def test_the_meters_the_issue_names_are_priced() -> None:
    prices = load()
    for meter in (
        "lambda.requests",
        "lambda.duration.arm64",
        "lambda.duration.x86_64",
        "apigateway.http.requests",
        "dynamodb.ondemand.read_request_units",
        "dynamodb.ondemand.write_request_units",
        "dynamodb.provisioned.rcu_hours",
        "dynamodb.provisioned.wcu_hours",
        "dynamodb.ondemand.replicated_write_request_units",
        "s3.standard.storage",
        "s3.intelligent_tiering.deep_archive.storage",
        "s3.requests.tier1",
        "cognito.mau.essentials",
        "sns.mobile_push",
        "sqs.standard.requests",
        "firehose.ingestion",
        "firehose.format_conversion",
        "athena.data_scanned",
        "kms.keys",
        "cloudwatch.logs.ingestion.standard",
        "cloudwatch.metrics.custom",
        "cloudwatch.alarms.standard",
        "secretsmanager.secrets",
    ):
        assert prices.has(meter, "us-east-1"), meter
    for meter in ("cloudfront.data_transfer_out.north_america", "route53.health_checks.aws_endpoint"):
        assert prices.has(meter), meter


def test_tiers_apply_to_the_month_s_quantity_as_aws_bills_them() -> None:
    prices = load()
    out = prices.rate("data_transfer.out_to_internet", "us-east-1")
    # 60,000 GB: the first 10,240 at $0.09, the next 40,960 at $0.085, the last 8,800 at $0.07.
    assert out.list_cost(60_000) == pytest.approx(10_240 * 0.09 + 40_960 * 0.085 + 8_800 * 0.07)
    # The always-free 100 GB come off the first (dearest) tier.
    assert out.cost(60_000, free_tier=True) == pytest.approx(out.list_cost(60_000) - 100 * 0.09)
    assert out.cost(50, free_tier=True) == 0.0
    requests = prices.rate("lambda.requests", "us-east-1")
    assert requests.unit_price == pytest.approx(0.2 / 1e6)
    with pytest.raises(ValueError, match="negative"):
        requests.list_cost(-1)


def test_a_meter_or_region_the_table_lacks_is_one_line() -> None:
    prices = load()
    with pytest.raises(PriceError, match=r"no prices for region eu-central-1 in aws_prices\.json"):
        prices.rate("lambda.requests", "eu-central-1")
    with pytest.raises(PriceError, match=r"no price for meter 'lambda\.gpu'"):
        prices.rate("lambda.gpu", "us-east-1")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["regions"]["us-east-1"]["lambda.requests"].update(source="nowhere"), "not listed"),
        (
            lambda d: d["regions"]["us-east-1"]["s3.standard.storage"].update(tiers=[[100, 1.0], [50, 0.5]]),
            "tiers must ascend",
        ),
        (lambda d: d["regions"]["us-east-1"]["kms.keys"].pop("unit"), "kms.keys"),
    ],
    ids=["unknown source", "tiers out of order", "no unit"],
)
def test_a_broken_table_is_refused_with_one_line(change, message: str) -> None:
    document = json.loads(PRICES_FILE.read_text())
    change(document)
    with pytest.raises(PriceError, match=message) as caught:
        parse(document)
    assert "\n" not in str(caught.value)
