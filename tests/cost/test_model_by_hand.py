"""The estimate for a small fixed deployment and profile equals the cost worked out by hand below, meter by
meter, with the prices of ops/pricing/aws_prices.json (us-east-1 and us-west-2, no free tier)."""

from __future__ import annotations

import tomllib

import pytest

from ops.cost.deployment import DR, PRIMARY, ApiStage, Deployment, Function, LogGroup, Table
from ops.cost.model import estimate
from ops.cost.profile import parse

# One API function, one stage, a global table (no index) with a replica in DR, a user pool, one log group.
DEPLOYMENT = Deployment(
    env="handmade",
    primary_region="us-east-1",
    dr_region="us-west-2",
    resource_types=frozenset(),
    functions=(
        Function(
            key="mobile_api",
            name="api",
            site=PRIMARY,
            region="us-east-1",
            memory_mb=1024,
            architecture="arm64",
            timeout_s=10,
            reserved_concurrency=None,
            tracing_active=False,
        ),
    ),
    log_groups=(
        LogGroup(
            address="lg",
            name="/aws/lambda/api",
            site=PRIMARY,
            region="us-east-1",
            retention_days=30,
            log_class="STANDARD",
            producer="function:mobile_api",
        ),
    ),
    stages=(ApiStage(PRIMARY, "us-east-1", False, False, None, None),),
    routes=("GET /me", "PUT /me"),
    table=Table(
        region="us-east-1",
        billing_mode="PAY_PER_REQUEST",
        gsi_count=0,
        pitr=False,
        replica_regions=("us-west-2",),
        replica_pitr=(False,),
    ),
    user_pool_tier="ESSENTIALS",
)

# Ten active days a month; a day: 10 GET /me (a 1 KB profile) and 1 PUT /me; nothing else. The sections
# the deployment above does not use (media, notifications, analytics, ...) cannot change the result.
PROFILE = parse(
    tomllib.loads(
        """
name = "small"
[audience]
active_days_per_month = 10.0
token_refreshes_per_active_day = 0.0
[requests_per_active_day]
"GET /me" = 10.0
"PUT /me" = 1.0
[handler_ms]
"GET /me" = 20.0
"PUT /me" = 40.0
[sync]
item_kb = 1.0
changes_per_pull = 1.0
items_per_user = 0.0
profile_kb = 1.0
[media]
upload_mb = 1.0
downloads_per_url = 1.0
cdn_cache_hit_ratio = 0.5
still_read_share = 0.0
[notifications]
recipients_per_notification = 0.0
devices_per_user = 0.0
notification_kb = 0.5
inbox_page_items = 10.0
idempotency_key_share = 0.0
[lambda]
invoke_overhead_ms = 0.0
cold_start_share = 0.0
init_ms = 0.0
log_bytes_per_invocation = 1024.0
worker_ms_per_message = 0.0
drill_seconds = 0.0
[api]
response_kb = 1.0
access_log_bytes = 0.0
[logs]
compression_ratio = 0.15
cdn_log_bytes_per_request = 0.0
s3_access_log_bytes_per_request = 0.0
cloudtrail_base_events_per_month = 0.0
cloudtrail_event_bytes = 0.0
[traffic]
peak_to_mean = 1.0
burst_factor = 1.0
[history]
months = 1.0
[analytics]
queries_per_month = 0.0
days_per_query = 1.0
column_share = 1.0
parquet_bytes_per_event = 50.0
[kms]
rotations_so_far = 0
[viewers]
north_america = 1.0
"""
    ),
    "the test's profile",
)

MAU = 10_000
GB = 2**30
KB = 1024

# 10,000 MAU x 10 active days = 100,000 user-days: 1,000,000 GET /me and 100,000 PUT /me a month.
GETS, PUTS = 1_000_000, 100_000
REQUESTS = GETS + PUTS  # 1,100,000
EXPECTED = {
    # Lambda, arm64, 1,024 MB: 1.1 M requests x $0.20/M; (1 M x 20 ms + 0.1 M x 40 ms) = 24,000 s x 1 GB
    # = 24,000 GB-s x $0.0000133334 (no cold-start init: init_ms = 0).
    "Lambda": REQUESTS * 0.20 / 1e6 + 24_000 * 1.33334e-05,  # 0.22 + 0.3200016
    # HTTP API: 1.1 M requests x $1.00/M.
    "API Gateway": REQUESTS * 1.00 / 1e6,  # 1.10
    # DynamoDB on-demand. GET /me: a consistent GetItem of 1 KB = 1 RRU. PUT /me: the same read (1 RRU) and
    # an UpdateItem of 1 KB = 1 WRU, replicated to us-west-2 as 1 replicated WRU. Storage: the profile
    # (1 KB) + two sync counters (2 x 0.15 KB) = 1.3 KB per MAU x 10,000 in each region, x $0.25/GB-month.
    "DynamoDB": (GETS + PUTS) * 0.125 / 1e6  # 1.1 M RRU: 0.1375
    + PUTS * 0.625 / 1e6  # 0.1 M WRU: 0.0625
    + PUTS * 0.625 / 1e6  # 0.1 M replicated WRU in us-west-2: 0.0625
    + 2 * (1.3 * MAU * KB / GB) * 0.25,  # 2 x 0.0123978 GB x 0.25 = 0.0061989
    # Data transfer: responses of 1 KB each to the internet (1.1 M KB = 1.0490 GB x $0.09) and the replicated
    # item bytes to us-west-2 (0.1 M KB = 0.0954 GB x $0.02).
    "Data transfer": REQUESTS * KB / GB * 0.09 + PUTS * KB / GB * 0.02,  # 0.0944138 + 0.0019073
    # Cognito Essentials: 10,000 MAU x $0.015 (no free tier).
    "Cognito": MAU * 0.015,  # 150.00
    # CloudWatch: 1,024 log bytes per invocation = 1.0490 GB ingested x $0.50; stored compressed (x 0.15) for
    # 30 of the month's 30.4167 days x $0.03/GB-month; one EMF metric (NotificationsAccepted) with data in
    # every hour = 1 metric-month x $0.30.
    "CloudWatch": REQUESTS * KB / GB * 0.50
    + REQUESTS * KB / GB * 0.15 * (30 / (730 / 24)) * 0.03
    + 0.30,  # 0.5245209 + 0.0046560 + 0.30
}
EXPECTED_TOTAL = 152.834198  # the sum of the above, worked out by hand
# The DR standby: the replicated writes, the replica's storage and the replication transfer.
EXPECTED_DR = PUTS * 0.625 / 1e6 + (1.3 * MAU * KB / GB) * 0.25 + PUTS * KB / GB * 0.02  # 0.0675068


def test_the_estimate_equals_the_cost_worked_out_by_hand() -> None:
    result = estimate(DEPLOYMENT, PROFILE, MAU)
    assert result.by_service() == pytest.approx(EXPECTED, rel=1e-9)
    assert sum(EXPECTED.values()) == pytest.approx(EXPECTED_TOTAL, abs=1e-6)
    assert result.total() == pytest.approx(EXPECTED_TOTAL, abs=1e-6)
    assert result.total(DR) == pytest.approx(EXPECTED_DR, rel=1e-9)
    assert result.notes == []


def test_costs_that_follow_the_audience_scale_with_it_and_tiers_apply_to_the_whole_quantity() -> None:
    small, large = estimate(DEPLOYMENT, PROFILE, MAU), estimate(DEPLOYMENT, PROFILE, 100 * MAU)
    # Everything here is linear in the audience except Cognito's Essentials (flat $0.015) and the one metric.
    assert large.by_service()["Lambda"] == pytest.approx(100 * small.by_service()["Lambda"], rel=1e-9)
    assert large.by_service()["Cognito"] == pytest.approx(100 * 150.0)
    assert large.by_service()["CloudWatch"] - 0.30 == pytest.approx(
        100 * (small.by_service()["CloudWatch"] - 0.30), rel=1e-9
    )
    # Lite is tiered: 1,000,000 MAU = 100,000 x $0.0055 + 900,000 x $0.0046 = $550 + $4,140.
    lite = estimate(DEPLOYMENT.with_changes(user_pool_tier="LITE"), PROFILE, 100 * MAU)
    assert lite.by_service()["Cognito"] == pytest.approx(4_690.0)


def test_free_tiers_come_off_only_when_asked() -> None:
    paid, free = estimate(DEPLOYMENT, PROFILE, MAU), estimate(DEPLOYMENT, PROFILE, MAU, free_tier=True)
    # Lambda: the first 1 M requests and 400,000 GB-s are free: 0.1 M x $0.20/M is left, and no duration.
    assert free.by_service()["Lambda"] == pytest.approx(PUTS * 0.20 / 1e6)
    # Cognito Essentials: 10,000 MAU free. CloudWatch: the first 5 GB of ingestion, the first 10 metrics.
    assert free.by_service().get("Cognito", 0.0) == 0.0
    assert free.by_service()["CloudWatch"] == pytest.approx(
        EXPECTED["CloudWatch"] - 0.5245209 - 0.30, rel=1e-5
    )
    assert paid.total() == pytest.approx(EXPECTED_TOTAL, abs=1e-6)
