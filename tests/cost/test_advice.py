"""The advice names concrete settings with savings that the model itself gives, and the thresholds it states
(the DynamoDB break-even, the audience that needs more concurrency or a higher throttle) are where the
model crosses them."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from ops.cost.advice import Advice, advise
from ops.cost.deployment import DR, Deployment
from ops.cost.model import MONTH_HOURS, estimate
from ops.cost.profile import load
from tests.cost.plans import load as load_env

PROFILE = load()


def by_topic(items: list[Advice]) -> dict[str, Advice]:
    return {a.topic: a for a in items}


def audience_in(text: str, before: str = "MAU") -> float:
    found = re.search(r"~([\d,]+) " + before, text)
    assert found, text
    return float(found[1].replace(",", ""))


def dynamodb(e) -> float:
    return sum(line.cost for line in e.lines if line.meter.startswith("dynamodb."))


def test_provisioned_dynamodb_beats_on_demand_above_the_break_even_it_names(prod: Deployment) -> None:
    small = by_topic(advise(prod, PROFILE, 1_000))["dynamodb-capacity"]
    large = by_topic(advise(prod, PROFILE, 1_000_000))["dynamodb-capacity"]
    assert small.verdict == "keep" and small.saving < 0  # the provisioned floor costs more than the traffic
    assert large.verdict == "consider" and large.saving > 100
    assert "PROVISIONED with auto scaling" in large.change and "billing_mode" in large.setting
    crossing = audience_in(large.why)
    assert crossing == audience_in(small.why)  # one break-even for the table, whatever the audience asked
    autoscaled = prod.with_changes(table=replace(prod.table, billing_mode="AUTOSCALED"))
    for mau, cheaper in ((crossing * 0.97, "on-demand"), (crossing * 1.03, "provisioned")):
        on_demand = dynamodb(estimate(prod, PROFILE, mau))
        provisioned = dynamodb(estimate(autoscaled, PROFILE, mau))
        assert (on_demand < provisioned) == (cheaper == "on-demand"), (mau, on_demand, provisioned)
    assert re.search(r"[\d.]+ read and [\d.]+ write request units/s", large.why)


def test_the_saving_of_a_setting_is_the_difference_of_two_estimates(prod: Deployment) -> None:
    mau = 1_000_000
    advice = by_topic(advise(prod, PROFILE, mau))
    base = estimate(prod, PROFILE, mau).total()
    narrower = prod.with_changes(cdn=replace(prod.cdn, price_class="PriceClass_100"))
    assert advice["cdn-price-class"].saving == pytest.approx(base - estimate(narrower, PROFILE, mau).total())
    assert advice["cdn-price-class"].setting == "terraform/envs/prod.tfvars: cdn.price_class"
    essentials = prod.with_changes(user_pool_tier="ESSENTIALS")
    # Plus $0.02 vs Essentials $0.015 a MAU: $5,000 a month at a million.
    assert advice["cognito-feature-plan"].saving == pytest.approx(
        base - estimate(essentials, PROFILE, mau).total()
    )
    assert advice["cognito-feature-plan"].saving == pytest.approx(5_000)


def test_firehose_buffering_saving_worked_out_by_hand(prod: Deployment) -> None:
    advice = by_topic(advise(prod, PROFILE, 100_000))["firehose-buffering"]
    assert (advice.change, advice.verdict) == ("900 (now 300)", "keep")
    # Under 64 MB per flush, Firehose writes an object every interval: 2,628,000 s / 300 = 8,760 a month,
    # / 900 = 2,920. Each is a PUT ($0.005 per 1,000) and is read by every query of its day: 300 queries x
    # 7 days x objects per day (objects / 30.4167 days) GETs at $0.0004 per 1,000.
    fewer = 8_760 - 2_920
    per_day = fewer / (MONTH_HOURS / 24)
    assert advice.saving == pytest.approx(fewer * 0.005 / 1000 + 300 * 7 * per_day * 0.0004 / 1000)


def test_reserved_concurrency_and_throttling_are_needed_above_the_audience_they_name(
    prod: Deployment,
) -> None:
    calm = by_topic(advise(prod, PROFILE, 1_000_000))
    reserved = calm["reserved-concurrency-mobile_api"]
    assert reserved.verdict == "keep" and "within 70% of reserved 200" in reserved.why
    limit = audience_in(reserved.why)
    busy = by_topic(advise(prod, PROFILE, limit * 1.05))["reserved-concurrency-mobile_api"]
    assert busy.verdict == "needed" and busy.setting.endswith("api.functions.mobile_api.reserved_concurrency")
    wanted = int(busy.change.split()[0])
    assert wanted > 200 and busy.change.endswith("raise the account's Lambda quota in both regions to match")
    assert wanted >= 200 * 1.04  # sized for the busiest second with the headroom

    throttle = audience_in(calm["api-throttling"].why)
    assert by_topic(advise(prod, PROFILE, throttle * 0.95))["api-throttling"].verdict == "keep"
    raised = by_topic(advise(prod, PROFILE, throttle * 1.05))["api-throttling"]
    assert raised.verdict == "needed" and raised.change.endswith("(now 1,000 and 200)")
    # the burst stays within the reserved concurrency (the blueprint refuses more: AWS would answer 500)
    assert "burst_limit 200, at most mobile_api's reserved concurrency 200" in raised.change


def test_dev_s_small_throttle_is_needed_first() -> None:
    dev = load_env("dev")
    advice = by_topic(advise(dev, PROFILE, 1_000_000))["api-throttling"]
    assert (
        advice.verdict == "needed"
        and advice.setting == "terraform/envs/dev.tfvars: api.rate_limit and api.burst_limit"
    )


def test_the_dr_standby_s_fixed_costs_and_a_priced_change_to_them(prod: Deployment) -> None:
    small = by_topic(advise(prod, PROFILE, 500))["dr-standby"]
    idle = estimate(prod, PROFILE, 0).total(DR)
    assert f"${idle:,.2f} of it is fixed whatever the audience" in small.why
    assert small.verdict == "consider"  # at 500 MAU the fixed standby is over a quarter of the bill
    lean = prod.with_changes(
        functions=tuple(replace(f, tracing_active=False) if f.site == DR else f for f in prod.functions),
        stages=tuple(replace(s, detailed_metrics=False) if s.site == DR else s for s in prod.stages),
    )
    assert small.saving == pytest.approx(
        estimate(prod, PROFILE, 500).total() - estimate(lean, PROFILE, 500).total()
    )
    below = audience_in(small.why)
    assert (
        idle / estimate(prod, PROFILE, below * 0.98).total()
        >= 0.25
        > idle / estimate(prod, PROFILE, below * 1.03).total()
    )
    assert by_topic(advise(prod, PROFILE, 1_000_000))["dr-standby"].verdict == "keep"


def test_every_piece_of_advice_names_a_setting_and_a_change(prod: Deployment) -> None:
    for mau in (1_000, 1_000_000):
        for a in advise(prod, PROFILE, mau):
            assert a.verdict in {"needed", "change", "consider", "keep"}
            assert a.setting and a.change and a.why, a
            assert a.verdict != "keep" or a.saving < 5.0 or a.topic == "dr-standby", a
