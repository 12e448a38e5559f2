"""The cost model: a deployment (what the plan deploys, ops/cost/deployment.py) and a usage profile
(ops/cost/profile.py) at an audience size -> monthly quantities per AWS meter -> USD (ops/pricing).

    result = estimate(deployment, profile, mau=100_000)        # Estimate
    result.total(), result.total("dr"), result.by_service("primary")
    result.lines                                              # every meter with its quantity, USD and why

Every cost is a `Line`: a meter of the price table, the region it is billed in, the quantity and what
it is for. Lines are priced together per (region, meter), so tiers apply to the region's whole quantity.
Sites: `primary` is the serving region plus the account's global services (CloudFront, Route 53);
`dr` is what the warm standby costs while it stands by: its own resources, the replicas' storage and
replicated writes, replication transfer and its health check. During a failover the DR region costs
what the primary does for the hours it serves.

Conventions (AWS's): a month is 730 hours; GB = 2^30 bytes; storage is what `history.months` of this
audience's activity leaves behind, within each store's retention.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from ops.cost.deployment import DR, PRIMARY, Bucket, Deployment
from ops.cost.profile import HEALTH_ROUTE, UsageProfile
from ops.cost.route_work import (
    BROADCAST_PAGE_SIZE,
    COUNTER_KB,
    DEVICE_KB,
    IDEMPOTENCY_KB,
    INBOX_OVERHEAD_KB,
    LOG_KB,
    MEDIA_ROW_KB,
    SUBSCRIPTION_KB,
    Work,
    claims_sync,
    route_work,
    worker_message,
)
from ops.pricing import GLOBAL, MONTH_HOURS, PriceTable
from ops.pricing import load as load_prices

MONTH_SECONDS = MONTH_HOURS * 3600
MONTH_DAYS = MONTH_HOURS / 24
KB, MB, GB, TB = 1024, 2**20, 2**30, 2**40

# Service behaviour the model relies on, each with its source.
# Route 53 health checkers: 8 default checker regions, each checking at the request interval from more
# than one location (Route 53 developer guide, "How Amazon Route 53 determines whether a health check is
# healthy": checkers do not coordinate, "several requests per second"); the console lists 16 checkers.
ROUTE53_CHECKERS = 16
HEALTH_RESPONSE_KB = 0.1
# HTTP API detailed metrics: 4xx, 5xx, Count, IntegrationLatency, Latency, DataProcessed per route
# (API Gateway developer guide, "Monitor CloudWatch metrics for HTTP APIs"), billed as custom metrics.
DETAILED_METRICS_PER_ROUTE = 6
# S3 Replication metrics per rule: bytes and operations pending, latency, operations failed (S3 user guide,
# "Monitoring progress with replication metrics"; billed as custom metrics).
REPLICATION_METRICS_PER_RULE = 4
# X-Ray's default sampling rule: the first request each second and 5 % of the rest (X-Ray developer guide,
# "Sampling rules").
XRAY_RESERVOIR_PER_SECOND = 1.0
XRAY_FIXED_RATE = 0.05
# Lambda's SQS event source: five long-polling connections to start with, 20-second polls while idle
# (Lambda developer guide, "Using Lambda with Amazon SQS", scaling behaviour).
SQS_IDLE_POLLERS = 5
SQS_LONG_POLL_SECONDS = 20
# Data keys are reused for 5 minutes (SQS kms_data_key_reuse_period_seconds = 300 in modules/api and
# notifications; S3 bucket keys, DynamoDB and CloudWatch Logs cache theirs likewise): about one KMS request
# per key per principal per 5 minutes.
KMS_REQUESTS_PER_KEY = MONTH_SECONDS / 300
# An execution environment idle for several minutes is reclaimed: at least one cold start per 10-minute
# window that sees traffic (Lambda developer guide, "Lambda execution environment lifecycle").
COLD_WINDOW_SECONDS = 600
# Provisioned capacity with auto scaling (what-if for the advice): target tracking at 70 % utilisation
# (Application Auto Scaling's default for DynamoDB), a floor of 5 units per table and index (the console's
# default minimum); capacity follows the daily curve but scales in slowly (a few decreases per day), so it
# is taken to sit halfway between the mean and the peak hour's rate.
AUTOSCALING_TARGET = 0.70
AUTOSCALING_MIN_UNITS = 5
# Work of the functions the profile does not describe per request.
ENDPOINT_CLEANUP_MS = 100.0
TTL_ARCHIVER_MS = 60.0
ACCOUNT_ERASER_MS = 15.0  # one small GetItem per record; a late write of an erased user is rare
ARCHIVE_OBJECT_KB = 1.0
# Custom metrics each function publishes as CloudWatch EMF (metric x dimension sets), from
# `metrics.add_metric` in lambdas/*/ (tests/cost/test_route_work.py keeps this in step).
CUSTOM_METRICS = {
    "mobile_api": 1,  # NotificationsAccepted
    "notify_worker": 3,  # PushesDelivered, EndpointsDisabled, BroadcastRecipients
    "ttl_archiver": 2,  # ItemsArchived, ItemsAlreadyArchived
    "media_restored": 1,  # RestoresNotified
    "endpoint_cleanup": 1,  # EndpointsRetired
    "drill": 3,  # DrillPassed, RpoSeconds per Store (table, s3)
    "onboarding": 1,  # UsersOnboarded
    "account_eraser": 2,  # AccountsErased, LateMediaErased
    "live_socket": 1,  # LiveConnections
    "live_delivery": 2,  # LiveEventsPosted, LiveEventsPushed
}
# CloudFront price classes: the edge geographies each includes (CloudFront developer guide, "Price
# classes"); a viewer elsewhere is served, and billed, by an edge in the class (taken as North America's).
PRICE_CLASSES = {
    "PriceClass_100": ("north_america", "europe"),
    "PriceClass_200": (
        "north_america",
        "europe",
        "south_africa_middle_east",
        "japan",
        "asia_pacific",
        "india",
    ),
}
SERVICES = {  # meter prefix -> the service the table shows
    "lambda": "Lambda",
    "apigateway": "API Gateway",
    "dynamodb": "DynamoDB",
    "s3": "S3",
    "cloudfront": "CloudFront",
    "cognito": "Cognito",
    "sns": "SNS",
    "sqs": "SQS",
    "firehose": "Firehose",
    "athena": "Athena + Glue",
    "glue": "Athena + Glue",
    "kms": "KMS",
    "cloudwatch": "CloudWatch",
    "xray": "X-Ray",
    "route53": "Route 53",
    "secretsmanager": "Secrets Manager",
    "scheduler": "EventBridge Scheduler",
    "cloudtrail": "CloudTrail",
    "data_transfer": "Data transfer",
    "fis": "Fault Injection Service",
    "budgets": "Budgets",
}


def service_of(meter: str) -> str:
    return SERVICES[meter.split(".", 1)[0]]


@dataclass
class Line:
    site: str  # primary | dr
    region: str  # an AWS region, or "global"
    meter: str
    quantity: float
    what: str
    cost: float = 0.0

    @property
    def service(self) -> str:
        return service_of(self.meter)


@dataclass
class Traffic:
    """The month's traffic at this audience, per site."""

    mau: float
    user_days: float
    route_requests: dict[str, float]  # signed-in requests by route (served by the primary)
    health_requests: dict[str, float]  # Route 53 health-check requests per site
    messages: float  # notify_worker messages (recipients)
    pushes: float
    work: Work  # everything the primary's requests, token refreshes and the worker make DynamoDB do
    peak_rps: float  # busiest second, all signed-in routes

    def api_requests(self, site: str) -> float:
        return (sum(self.route_requests.values()) if site == PRIMARY else 0.0) + self.health_requests.get(
            site, 0
        )

    def requests(self, route: str) -> float:
        return self.route_requests.get(route, 0.0)


@dataclass
class Estimate:
    env: str
    mau: float
    profile: str
    free_tier: bool
    traffic: Traffic
    lines: list[Line]
    notes: list[str] = field(default_factory=list)

    def total(self, site: str | None = None) -> float:
        return sum(line.cost for line in self.lines if site in (None, line.site))

    def by_service(self, site: str | None = None) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for line in self.lines:
            if site in (None, line.site):
                out[line.service] += line.cost
        return dict(out)

    def lines_of(self, meter_prefix: str, site: str | None = None) -> list[Line]:
        return [
            line for line in self.lines if line.meter.startswith(meter_prefix) and site in (None, line.site)
        ]


@cache
def usage_event_bytes() -> int:
    """Bytes of one usage event as the API sends it to Firehose (mobile_api/usage.py: the contract's record
    as compact JSON plus a newline), for a signed-in request with every field set."""
    from backend_core.usage_events import UsageEvent

    event = UsageEvent(
        event_id="0" * 32,
        ts=datetime(2025, 1, 1, 12, 0, tzinfo=UTC),
        env="prod",
        region="us-east-1",
        route="PUT /sync/{collection}/{id}",
        method="PUT",
        status=200,
        latency_ms=42.125,
        user_id="00000000-0000-4000-8000-000000000000",
        role="consumer",
        platform="android",
        app_version="2.10.0",
    )
    return len(json.dumps(event.to_record(), separators=(",", ":"))) + 1


def _hours_with_data(events_per_month: float) -> float:
    """Share of the month's hours with at least one event (a custom metric is billed for those hours)."""
    return 1 - math.exp(-events_per_month / MONTH_HOURS) if events_per_month > 0 else 0.0


def _cold_starts(invocations: float, share: float) -> float:
    windows = MONTH_SECONDS / COLD_WINDOW_SECONDS
    return max(invocations * share, windows * (1 - math.exp(-invocations / windows))) if invocations else 0.0


def eraser_records(t: Traffic) -> float:
    """Stream records the account eraser's filter passes in each region per month: the items written in
    user-owned partitions (taken as every replicated write: an upper bound, condition checks excluded)."""
    return sum(w.count for w in t.work.writes if w.replicated)


def eraser_media_events(t: Traffic) -> float:
    """S3 `ObjectCreated` events the account eraser takes in each region per month: every media upload creates
    the object in one region's bucket and its replica in the other's (terraform/modules/api media_events)."""
    return t.requests("POST /media/uploads")


def _eraser_reads(d: Deployment, t: Traffic, site: str) -> float:
    """Read request units of the account eraser's tombstone reads at `site` (0 where it is not deployed): an
    eventually consistent GetItem per stream record, a strongly consistent one per media object created."""
    deployed = any(f.key == "account_eraser" and f.site == site for f in d.functions)
    return eraser_records(t) * 0.5 + eraser_media_events(t) * 1.0 if deployed else 0.0


def _traced(invocations: float) -> float:
    reservoir = XRAY_RESERVOIR_PER_SECOND * MONTH_SECONDS
    return min(invocations, reservoir) + XRAY_FIXED_RATE * max(0.0, invocations - reservoir)


def _sum_work(parts: list[tuple[float, Work]]) -> Work:
    reads, writes = [], []
    totals: dict[str, float] = defaultdict(float)
    for times, work in parts:
        if not times:
            continue
        reads.extend(type(r)(r.kb, r.consistent, r.count * times) for r in work.reads)
        writes.extend(
            type(w)(w.kb, w.gsis, w.transactional, w.replicated, w.count * times) for w in work.writes
        )
        for name in ("sns_requests", "sqs_requests", "messages", "uploads", "downloads", "ttl_expiries"):
            totals[name] += getattr(work, name) * times
        totals["device_removals"] += work.device_removals * times
    return Work(reads=tuple(reads), writes=tuple(writes), **totals)


def traffic(deployment: Deployment, profile: UsageProfile, mau: float) -> Traffic:
    user_days = mau * profile.audience.active_days_per_month
    route_requests = {
        route: user_days * n for route, n in profile.requests_per_active_day.items() if route != HEALTH_ROUTE
    }
    health: dict[str, float] = defaultdict(float)
    for check in deployment.health_checks:
        health[check.site] += ROUTE53_CHECKERS * MONTH_SECONDS / check.interval_s
    parts = [(n, route_work(route, profile)) for route, n in route_requests.items()]
    parts.append((user_days * profile.audience.token_refreshes_per_active_day, claims_sync(profile)))
    routes_work = _sum_work(parts)
    worker = worker_message(profile)
    messages = routes_work.messages
    work = _sum_work([(1, routes_work), (messages, worker.work)])
    mean_rps = sum(route_requests.values()) / MONTH_SECONDS
    return Traffic(
        mau=mau,
        user_days=user_days,
        route_requests=route_requests,
        health_requests=dict(health),
        messages=messages,
        pushes=messages * worker.pushes,
        work=work,
        peak_rps=mean_rps * profile.traffic.peak_to_mean * profile.traffic.burst_factor,
    )


@dataclass(frozen=True)
class LiveWork:
    """The live channel's month (all at the primary, where the traffic is; DR holds connections only after a
    failover). Both regions' live_delivery read every inbox entry's records (INSERT and the `sent` MODIFY pass
    the filter), the replicated ones included."""

    connects: float
    connection_minutes: float
    frames_in: float  # client frames; each is answered by one frame (the route response)
    posts: float  # events posted to a connected recipient
    records_per_site: float  # stream records live_delivery takes in each region

    @property
    def messages(self) -> float:
        """WebSocket messages billed (in and out; each fits in one 32 KB increment)."""
        return 2 * self.frames_in + self.posts

    @property
    def socket_invocations(self) -> float:
        """live_socket: the $connect authorizer, $connect, $disconnect, and one per client frame."""
        return 3 * self.connects + self.frames_in


def live_work(p: UsageProfile, t: Traffic) -> LiveWork:
    connects = t.user_days * p.live.connects_per_active_day
    minutes = t.user_days * p.live.connection_minutes_per_active_day
    online_share = min(1.0, p.live.connection_minutes_per_active_day / (24 * 60))
    return LiveWork(
        connects=connects,
        connection_minutes=minutes,
        frames_in=connects * p.live.frames_per_connect,
        posts=t.messages * online_share,
        records_per_site=2 * t.messages,
    )


def _live(out: _Lines, d: Deployment, p: UsageProfile, t: Traffic) -> None:
    """The WebSocket API (connection minutes, messages) and the connection items it writes."""
    if not d.live_stages:
        return
    w = live_work(p, t)
    for stage in d.live_stages:
        if stage.site != PRIMARY:
            continue
        out.add(
            stage.site,
            "apigateway.websocket.connection_minutes",
            w.connection_minutes,
            "live channel: minutes connected",
        )
        out.add(
            stage.site,
            "apigateway.websocket.messages",
            w.messages,
            "live channel: client frames, replies, events",
        )
    if d.table is not None and d.table.billing_mode == "PAY_PER_REQUEST":
        # One PutItem on $connect, one DeleteItem on $disconnect (1 WRU each), replicated to the other region;
        # live_delivery's Query of the recipient's connections in each region (0.5 RRU, eventually consistent).
        out.add(PRIMARY, "dynamodb.ondemand.write_request_units", 2 * w.connects, "live connections written")
        out.add(
            DR,
            "dynamodb.ondemand.replicated_write_request_units",
            2 * w.connects,
            "live connections replicated",
        )
        for site in (PRIMARY, DR):
            out.add(
                site,
                "dynamodb.ondemand.read_request_units",
                0.5 * w.records_per_site,
                "live_delivery: connections",
            )


class _Lines:
    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.lines: list[Line] = []
        self.notes: list[str] = []

    def add(self, site: str, meter: str, quantity: float, what: str, region: str | None = None) -> None:
        if quantity > 0:
            self.lines.append(Line(site, region or self.deployment.region_of(site), meter, quantity, what))


def estimate(
    deployment: Deployment,
    profile: UsageProfile,
    mau: float,
    prices: PriceTable | None = None,
    free_tier: bool = False,
) -> Estimate:
    """The month's cost at `mau` monthly active users. Raises PriceError for a meter or region the price
    table lacks."""
    prices = prices or load_prices()
    t = traffic(deployment, profile, mau)
    out = _Lines(deployment)
    invocations = _lambda(out, deployment, profile, t)
    _api(out, deployment, profile, t)
    _live(out, deployment, profile, t)
    _dynamodb(out, deployment, profile, t)
    downloads = _media(out, deployment, profile, t)
    _cdn(out, deployment, profile, t, downloads)
    _identity_and_messaging(out, deployment, profile, t, invocations)
    _analytics(out, deployment, profile, t)
    kms_requests = _kms(out, deployment, profile)
    trail_events = _trail_events(deployment, profile, t, invocations, kms_requests)
    _other_buckets(out, deployment, profile, t, trail_events)
    _logs_and_metrics(out, deployment, profile, t, invocations, trail_events)
    _edges(out, deployment)
    _price(out.lines, prices, free_tier)
    notes = list(deployment.notes) + out.notes
    return Estimate(deployment.env, mau, profile.name, free_tier, t, out.lines, notes)


# ---- compute -------------------------------------------------------------------------------------------
def _lambda(out: _Lines, d: Deployment, p: UsageProfile, t: Traffic) -> dict[tuple[str, str], float]:
    """Requests and GB-seconds of every function; returns invocations per (function key, site)."""
    lam = p.lambda_
    invocations: dict[tuple[str, str], float] = {}
    for f in d.functions:
        n, busy_ms, share = 0.0, 0.0, lam.cold_start_share
        if f.key == "mobile_api":
            health = t.health_requests.get(f.site, 0.0)
            n = t.api_requests(f.site)
            busy_ms = health * (p.handler_ms.get(HEALTH_ROUTE, 0.0) + lam.invoke_overhead_ms)
            if f.site == PRIMARY:
                busy_ms += sum(
                    count * (p.handler_ms.get(route, 0.0) + lam.invoke_overhead_ms)
                    for route, count in t.route_requests.items()
                )
        elif f.key == "notify_worker":
            if f.site == PRIMARY and t.messages:
                # One invocation per fan-out page (a notification's recipients, up to a page's worth).
                batch = min(BROADCAST_PAGE_SIZE, max(1.0, p.notifications.recipients_per_notification))
                n = t.messages / batch
                busy_ms = t.messages * lam.worker_ms_per_message + n * lam.invoke_overhead_ms
        elif f.key == "endpoint_cleanup":
            n = t.work.device_removals  # the REMOVE reaches every region's stream
            busy_ms = n * ENDPOINT_CLEANUP_MS
        elif f.key == "ttl_archiver":
            # Each region's archiver takes the TTL deletes its own region made; the two add up to the expiries
            # (an item expires once in the steady state), taken here as all in the primary.
            n = t.work.ttl_expiries if f.site == PRIMARY else 0.0
            busy_ms = n * TTL_ARCHIVER_MS
        elif f.key == "media_restored":
            # One invocation per restore, which only a download of an object unused for 180 days starts: not in
            # the usage profile, priced at 0 (an invocation costs what a request does).
            n = 0.0
        elif f.key == "account_eraser":
            # Filtered to INSERT/MODIFY of user-owned items: every replicated write reaches each region's stream
            # (the local write and the replica's copy), and each record costs one eventually consistent GetItem
            # of the owner's tombstone. One invocation per record is an upper bound (a busy shard's poll
            # carries up to batch_size = 100 records).
            # S3 also invokes it once per media object created in the region's bucket (an upload or its replica),
            # one strongly consistent GetItem each: a late replica of an erased user's media is erased again.
            n = eraser_records(t) + eraser_media_events(t)
            busy_ms = n * ACCOUNT_ERASER_MS
        elif f.key == "onboarding":
            # Cognito's post-confirmation trigger: one short invocation per new user, which the usage profile
            # (active users, not sign-ups) does not describe: priced at 0 (an invocation costs what a request does).
            n = 0.0
        elif f.key == "live_socket":
            # API Gateway invokes it on the site where the app is connected (the primary unless failed over).
            n = live_work(p, t).socket_invocations if f.site == PRIMARY else 0.0
            busy_ms = n * p.live.socket_ms
        elif f.key == "live_delivery":
            # Every region's stream carries every inbox entry's records (its own writes and the replicas).
            n = live_work(p, t).records_per_site
            busy_ms = n * p.live.delivery_ms_per_record
        elif f.key == "drill":
            n = sum(s.per_month for s in d.schedules if s.site == f.site)
            busy_ms = n * min(lam.drill_seconds, f.timeout_s) * 1000
        else:
            out.notes.append(f"function {f.key} ({f.site}) has no workload model: priced at 0 invocations")
        invocations[(f.key, f.site)] = n
        if not n:
            continue
        cold = _cold_starts(n, share)
        gb_seconds = (busy_ms + cold * lam.init_ms) / 1000 * f.memory_mb / 1024
        where = f"{f.name} ({f.memory_mb} MB, {f.architecture})"
        out.add(f.site, "lambda.requests", n, f"{where}: {n:,.0f} invocations")
        out.add(f.site, f"lambda.duration.{f.architecture}", gb_seconds, f"{where}: {cold:,.0f} cold starts")
        if f.ephemeral_mb > 512:
            out.add(
                f.site, "lambda.ephemeral_storage", gb_seconds * (f.ephemeral_mb - 512) / f.memory_mb, where
            )
        if f.tracing_active:
            out.add(f.site, "xray.traces_recorded", _traced(n), f"{f.name}: active tracing, default sampling")
    return invocations


def _api(out: _Lines, d: Deployment, p: UsageProfile, t: Traffic) -> None:
    for stage in d.stages:
        n = t.api_requests(stage.site)
        health = t.health_requests.get(stage.site, 0.0)
        out.add(stage.site, "apigateway.http.requests", n, "HTTP API requests (health checks included)")
        out.add(
            stage.site,
            "data_transfer.out_to_internet",
            ((n - health) * p.api.response_kb + health * HEALTH_RESPONSE_KB) * KB / GB,
            "API responses",
        )
        if stage.detailed_metrics:
            metric_months = sum(
                DETAILED_METRICS_PER_ROUTE * _hours_with_data(n_route)
                for n_route in (
                    *(
                        (t.requests(r) if stage.site == PRIMARY else 0.0)
                        for r in d.routes
                        if r != HEALTH_ROUTE
                    ),
                    health,
                )
            )
            out.add(
                stage.site,
                "cloudwatch.metrics.custom",
                metric_months,
                "HTTP API detailed (per-route) metrics",
            )


def stored_kb_per_mau(d: Deployment, p: UsageProfile, t: Traffic) -> float:
    """Table data per monthly active user after `history.months` (both regions hold all of it)."""
    months = p.history.months
    per_mau = 1 / t.mau if t.mau else 0.0
    sync_writes = t.requests("PUT /sync/{collection}/{id}") + t.requests("DELETE /sync/{collection}/{id}")
    gsi = 2  # items in an index are stored again there (projection ALL)
    inbox_months = months if d.inbox_ttl_days is None else min(months, d.inbox_ttl_days / MONTH_DAYS)
    return (
        p.sync.profile_kb
        + p.notifications.devices_per_user * DEVICE_KB * gsi
        + p.sync.items_per_user * p.sync.item_kb
        + 2 * COUNTER_KB
        + sync_writes * per_mau * months * LOG_KB
        + t.messages * per_mau * inbox_months * (p.notifications.notification_kb + INBOX_OVERHEAD_KB) * gsi
        + t.requests("POST /providers/{id}/subscribe") * per_mau * months * SUBSCRIPTION_KB * gsi
        + t.requests("POST /media/uploads") * per_mau * months * MEDIA_ROW_KB
        + t.work.ttl_expiries * per_mau / MONTH_DAYS * IDEMPOTENCY_KB  # a day's idempotency records
    )


def _dynamodb(out: _Lines, d: Deployment, p: UsageProfile, t: Traffic) -> None:
    table = d.table
    if table is None:
        return
    w = t.work
    replicated_units = w.replicated_units + w.ttl_expiries * 1  # TTL deletes replicate too
    storage_gb = stored_kb_per_mau(d, p, t) * t.mau * KB / GB
    if table.billing_mode == "AUTOSCALED":
        _autoscaled(out, d, p, w, replicated_units, storage_gb)
        return
    if table.billing_mode == "PAY_PER_REQUEST":
        out.add(PRIMARY, "dynamodb.ondemand.read_request_units", w.read_units, "table and index reads")
        out.add(PRIMARY, "dynamodb.ondemand.write_request_units", w.write_units, "table and index writes")
        out.add(
            PRIMARY,
            "dynamodb.ondemand.read_request_units",
            _eraser_reads(d, t, PRIMARY),
            "account eraser: a tombstone read per user-owned write",
        )
    else:
        out.add(
            PRIMARY,
            "dynamodb.provisioned.rcu_hours",
            (table.read_capacity + table.gsi_read_capacity) * MONTH_HOURS,
            "provisioned reads",
        )
        out.add(
            PRIMARY,
            "dynamodb.provisioned.wcu_hours",
            (table.write_capacity + table.gsi_write_capacity) * MONTH_HOURS,
            "provisioned writes",
        )
    out.add(PRIMARY, "dynamodb.storage", storage_gb, f"{p.history.months:g} months of data")
    if table.pitr:
        out.add(PRIMARY, "dynamodb.pitr", storage_gb, "point-in-time recovery")
    for region, pitr in zip(table.replica_regions, table.replica_pitr, strict=True):
        site = DR if region == d.dr_region else PRIMARY
        if table.billing_mode == "PAY_PER_REQUEST":
            out.add(
                site,
                "dynamodb.ondemand.replicated_write_request_units",
                replicated_units,
                "global table replica",
                region,
            )
            out.add(
                site,
                "dynamodb.ondemand.write_request_units",
                w.replica_index_units,
                "replica's index writes",
                region,
            )
            out.add(
                site,
                "dynamodb.ondemand.read_request_units",
                _eraser_reads(d, t, site),
                "account eraser: a tombstone read per user-owned write",
                region,
            )
        else:
            out.add(
                site,
                "dynamodb.provisioned.replicated_wcu_hours",
                table.write_capacity * MONTH_HOURS,
                "replica writes",
                region,
            )
            out.add(
                site,
                "dynamodb.provisioned.rcu_hours",
                (table.read_capacity + table.gsi_read_capacity) * MONTH_HOURS,
                "replica reads",
                region,
            )
            out.add(
                site,
                "dynamodb.provisioned.wcu_hours",
                table.gsi_write_capacity * MONTH_HOURS,
                "replica's index writes",
                region,
            )
        out.add(site, "dynamodb.storage", storage_gb, "global table replica", region)
        if pitr:
            out.add(site, "dynamodb.pitr", storage_gb, "replica point-in-time recovery", region)
        out.add(
            site,
            "data_transfer.inter_region",
            w.replicated_kb * KB / GB,
            "global table replication",
            table.region,
        )


def autoscaled_units(units_per_month: float, indexes: int, p: UsageProfile) -> float:
    """Mean provisioned capacity (units) auto scaling keeps for a month's request units, floor included."""
    mean = units_per_month / MONTH_SECONDS
    followed = mean * (1 + p.traffic.peak_to_mean) / 2 / AUTOSCALING_TARGET
    return max(AUTOSCALING_MIN_UNITS * (1 + indexes), followed)


def _autoscaled(
    out: _Lines, d: Deployment, p: UsageProfile, w: Work, replicated: float, storage_gb: float
) -> None:
    """Provisioned capacity with auto scaling on the table, its indexes and every replica (a global table's
    replicas keep the same write capacity settings; the standby's reads stay at the floor)."""
    table = d.table
    assert table is not None
    gsis = table.gsi_count
    why = f"auto scaling at {AUTOSCALING_TARGET:.0%}, at least {AUTOSCALING_MIN_UNITS} units per table and index"
    hours = MONTH_HOURS
    out.add(PRIMARY, "dynamodb.provisioned.rcu_hours", autoscaled_units(w.read_units, gsis, p) * hours, why)
    out.add(PRIMARY, "dynamodb.provisioned.wcu_hours", autoscaled_units(w.write_units, gsis, p) * hours, why)
    out.add(PRIMARY, "dynamodb.storage", storage_gb, f"{p.history.months:g} months of data")
    if table.pitr:
        out.add(PRIMARY, "dynamodb.pitr", storage_gb, "point-in-time recovery")
    for region, pitr in zip(table.replica_regions, table.replica_pitr, strict=True):
        site = DR if region == d.dr_region else PRIMARY
        replica_writes = autoscaled_units(replicated, 0, p) * hours
        out.add(site, "dynamodb.provisioned.replicated_wcu_hours", replica_writes, f"replica: {why}", region)
        if gsis:
            index_writes = autoscaled_units(w.replica_index_units, gsis - 1, p) * hours
            out.add(site, "dynamodb.provisioned.wcu_hours", index_writes, "replica's indexes", region)
        floor = AUTOSCALING_MIN_UNITS * (1 + gsis) * hours
        out.add(site, "dynamodb.provisioned.rcu_hours", floor, "replica reads (the floor)", region)
        out.add(site, "dynamodb.storage", storage_gb, "global table replica", region)
        if pitr:
            out.add(site, "dynamodb.pitr", storage_gb, "replica point-in-time recovery", region)
        out.add(
            site,
            "data_transfer.inter_region",
            w.replicated_kb * KB / GB,
            "global table replication",
            table.region,
        )


def _it_split(b: Bucket, months: float, still_read: float) -> dict[str, float]:
    """Share of a bucket's bytes in each Intelligent-Tiering tier, objects evenly spread in age over
    `months` and read only in their first 30 days (but `still_read` of the older ones)."""
    days = months * MONTH_DAYS
    if days <= 0:
        return {"frequent": 1.0}

    def share(start: float, end: float | None) -> float:
        end = days if end is None else min(end, days)
        return max(0.0, end - start) / days if start < days else 0.0

    archive_from = b.archive_after_days or b.deep_archive_after_days
    split = {
        "frequent": share(0, 30) + still_read * share(30, None),
        "infrequent": (1 - still_read) * share(30, 90),
        "archive_instant": (1 - still_read) * share(90, archive_from),
    }
    if b.archive_after_days:
        split["archive"] = (1 - still_read) * share(b.archive_after_days, b.deep_archive_after_days)
    if b.deep_archive_after_days:
        split["deep_archive"] = (1 - still_read) * share(b.deep_archive_after_days, None)
    return split


def _media(out: _Lines, d: Deployment, p: UsageProfile, t: Traffic) -> float:
    """The media buckets (both regions) and their replication; returns CDN downloads."""
    uploads = t.requests("POST /media/uploads")
    archived = t.work.ttl_expiries  # ttl_archiver writes one object per expired item into the media bucket
    objects_month = uploads + archived
    bytes_month = uploads * p.media.upload_mb * MB + archived * ARCHIVE_OBJECT_KB * KB
    downloads = t.work.downloads
    origin_gets = downloads * (1 - p.media.cdn_cache_hit_ratio) if d.cdn else downloads
    for b in (b for b in d.buckets if b.role == "media"):
        source = b.site == PRIMARY
        stored_gb = bytes_month * p.history.months / GB
        what = "media (primary)" if source else "media (DR copy)"
        out.add(
            b.site,
            "s3.requests.tier1",
            objects_month,
            f"{what}: {'uploads' if source else 'replication PUTs'}",
            b.region,
        )
        if source:
            out.add(b.site, "s3.requests.tier2", origin_gets, "media: CDN origin fetches", b.region)
        if b.tiering_after_days is not None:
            out.add(
                b.site,
                "s3.lifecycle.transition_intelligent_tiering",
                objects_month,
                f"{what}: into Intelligent-Tiering",
                b.region,
            )
            for tier, share in _it_split(b, p.history.months, p.media.still_read_share).items():
                out.add(
                    b.site,
                    f"s3.intelligent_tiering.{tier}.storage",
                    stored_gb * share,
                    f"{what}: {tier} tier",
                    b.region,
                )
            if p.media.upload_mb * KB >= 128:
                out.add(
                    b.site,
                    "s3.intelligent_tiering.monitoring",
                    uploads * p.history.months,
                    f"{what}: monitored objects",
                    b.region,
                )
        else:
            out.add(b.site, "s3.standard.storage", stored_gb, what, b.region)
        reports = d.inventory_reports_per_month.get(b.site, 0.0)
        if reports:  # every report lists every object the bucket holds
            listed = objects_month * p.history.months * reports
            out.add(b.site, "s3.inventory.objects_listed", listed, f"{what}: S3 Inventory", b.region)
    for r in d.replications:
        source_is_primary = r.site == PRIMARY
        if not source_is_primary:
            continue  # the fail-back rule replicates only what DR writes while it serves
        gb = bytes_month / GB
        out.add(DR, "data_transfer.inter_region", gb, "media replication to DR", r.region)
        if r.time_control:
            out.add(
                DR, "s3.replication_time_control", gb, "media replication: Replication Time Control", r.region
            )
        if r.metrics:
            out.add(
                DR,
                "cloudwatch.metrics.custom",
                REPLICATION_METRICS_PER_RULE * _hours_with_data(objects_month),
                "media replication metrics",
                r.region,
            )
    return downloads


def _cdn(out: _Lines, d: Deployment, p: UsageProfile, t: Traffic, downloads: float) -> None:
    if d.cdn is None:
        return
    if not d.cdn.enabled:
        out.notes.append(
            "the media distribution is planned disabled (no URL-signing key in the tfvars): priced as it will "
            "serve once the key is set"
        )
    in_class = PRICE_CLASSES.get(d.cdn.price_class)
    gb = downloads * p.media.upload_mb * MB / GB
    for geography, share in p.viewers.items():
        billed = geography if in_class is None or geography in in_class else "north_america"
        what = f"viewers in {geography}" + ("" if billed == geography else f" (served from {billed})")
        out.add(PRIMARY, f"cloudfront.data_transfer_out.{billed}", gb * share, what, GLOBAL)
        out.add(PRIMARY, f"cloudfront.https_requests.{billed}", downloads * share, what, GLOBAL)
    if d.cdn.logs_to_s3:
        log_gb = downloads * p.logs.cdn_log_bytes_per_request / GB
        out.add(PRIMARY, "cloudwatch.logs.vended_to_s3", log_gb, "CloudFront standard logs to S3")
        if d.cdn.log_format == "parquet":
            out.add(
                PRIMARY, "cloudwatch.logs.vended_parquet_conversion", log_gb, "CloudFront logs as Parquet"
            )


def _retained_months(p: UsageProfile, retention_days: int | None) -> float:
    kept = (
        p.history.months * MONTH_DAYS
        if retention_days is None
        else min(retention_days, p.history.months * MONTH_DAYS)
    )
    return kept / MONTH_DAYS


def _trail_events(
    d: Deployment, p: UsageProfile, t: Traffic, invocations: dict, kms_requests: float
) -> float:
    if not d.trail:
        return 0.0
    cold = sum(_cold_starts(n, p.lambda_.cold_start_share) for n in invocations.values())
    auth = t.user_days * p.audience.token_refreshes_per_active_day
    endpoints = t.requests("POST /devices") + t.work.device_removals * 2
    return p.logs.cloudtrail_base_events_per_month + kms_requests + cold + auth + endpoints


def _other_buckets(out: _Lines, d: Deployment, p: UsageProfile, t: Traffic, trail_events: float) -> None:
    events = t.api_requests(PRIMARY) if d.firehose else 0.0
    parquet_month = events * p.analytics.parquet_bytes_per_event
    media_requests = 2 * t.requests("POST /media/uploads") + t.work.downloads * (
        1 - p.media.cdn_cache_hit_ratio
    )
    for b in d.buckets:
        kept = _retained_months(p, b.expire_after_days)
        if b.role == "media":
            continue
        if b.role == "analytics_events":
            out.add(
                b.site, "s3.standard.storage", parquet_month * kept / GB, "usage events (Parquet)", b.region
            )
            if d.firehose:
                flushes = max(
                    MONTH_SECONDS / d.firehose.buffering_interval_s,
                    parquet_month / (d.firehose.buffering_size_mb * MB),
                )
                out.add(
                    b.site, "s3.requests.tier1", flushes if events else 0.0, "Firehose deliveries", b.region
                )
                per_day_objects = flushes / MONTH_DAYS
                out.add(
                    b.site,
                    "s3.requests.tier2",
                    p.analytics.queries_per_month * p.analytics.days_per_query * per_day_objects
                    if events
                    else 0.0,
                    "Athena reads",
                    b.region,
                )
        elif b.role == "athena_results":
            out.add(
                b.site,
                "s3.standard.storage",
                p.analytics.queries_per_month * 1 * MB * min(kept, 1) / GB,
                "query results",
                b.region,
            )
            out.add(b.site, "s3.requests.tier1", p.analytics.queries_per_month * 2, "query results", b.region)
        elif b.role == "access_logs":
            requests = media_requests if b.site == PRIMARY else t.requests("POST /media/uploads")
            monthly = requests * p.logs.s3_access_log_bytes_per_request
            if b.site == PRIMARY and d.cdn and d.cdn.logs_to_s3:
                monthly += t.work.downloads * p.logs.cdn_log_bytes_per_request * 0.3  # Parquet, compressed
            out.add(
                b.site,
                "s3.standard.storage",
                monthly * kept / GB,
                "access logs (S3 server, CloudFront)",
                b.region,
            )
        elif b.role == "cloudtrail":
            gzipped = trail_events * p.logs.cloudtrail_event_bytes * 0.1  # CloudTrail writes gzip (~10:1)
            out.add(b.site, "s3.standard.storage", gzipped * kept / GB, "CloudTrail logs", b.region)
        else:
            out.notes.append(f"bucket {b.address} has no usage model: its storage is not priced")


def _identity_and_messaging(
    out: _Lines, d: Deployment, p: UsageProfile, t: Traffic, invocations: dict
) -> None:
    if d.user_pool_tier:
        out.add(
            PRIMARY,
            f"cognito.mau.{d.user_pool_tier.lower()}",
            t.mau,
            f"user pool, {d.user_pool_tier} feature plan",
        )
    if d.function("notify_worker", PRIMARY) or t.pushes:
        out.add(PRIMARY, "sns.mobile_push", t.pushes, "push deliveries (APNs/FCM)")
        out.add(PRIMARY, "sns.requests", t.pushes + t.work.sns_requests, "Publish and endpoint calls")
    for site in (PRIMARY, DR):
        if d.function("endpoint_cleanup", site):
            out.add(
                site,
                "sns.requests",
                invocations.get(("endpoint_cleanup", site), 0.0),
                "endpoint_cleanup: DeleteEndpoint",
            )
    for q in d.queues:
        if q.polled_by is None:
            continue
        batches = invocations.get((q.polled_by, q.site), 0.0)
        idle = SQS_IDLE_POLLERS * MONTH_SECONDS / SQS_LONG_POLL_SECONDS
        sends = t.work.sqs_requests if q.site == PRIMARY else 0.0
        out.add(
            q.site,
            "sqs.standard.requests",
            sends + max(idle, batches) + batches,
            f"{q.name}: sends, Lambda's polls, deletes",
            q.region,
        )
    secrets_calls = _cold_starts(invocations.get(("mobile_api", PRIMARY), 0.0), p.lambda_.cold_start_share)
    for index, site in enumerate(d.secrets):
        out.add(site, "secretsmanager.secrets", 1, "URL-signing key" + (" (replica)" if index else ""))
    if d.secrets:
        out.add(
            PRIMARY,
            "secretsmanager.api_calls",
            secrets_calls if t.work.downloads else 0.0,
            "signing key read once per container",
        )
    for s in d.schedules:
        out.add(s.site, "scheduler.invocations", s.per_month, s.name, s.region)


def _analytics(out: _Lines, d: Deployment, p: UsageProfile, t: Traffic) -> None:
    if d.firehose:
        events = t.api_requests(PRIMARY)
        per_record = max(1, d.usage_events_per_record)
        record_bytes = usage_event_bytes() * per_record
        billed_bytes = math.ceil(record_bytes / (5 * KB)) * 5 * KB  # each record rounds up to 5 KB
        gb = events / per_record * billed_bytes / GB
        # The log subscription sends gzip batches of log lines as records; a quiet minute's batch may hold one
        # line, so one event per record (each rounded up to 5 KB) is the upper bound priced here.
        how = (
            f"{events:,.0f} usage events from the log subscription, {per_record} per record of {record_bytes:,} B "
            f"billed as {billed_bytes // KB} KB"
        )
        out.add(PRIMARY, "firehose.ingestion", gb, how, d.firehose.region)
        if d.firehose.format_conversion:
            out.add(PRIMARY, "firehose.format_conversion", gb, "JSON to Parquet", d.firehose.region)
    if d.athena:
        a = p.analytics
        daily = t.api_requests(PRIMARY) / MONTH_DAYS * a.parquet_bytes_per_event
        per_query = max(10 * MB, daily * a.days_per_query * a.column_share)
        out.add(
            PRIMARY,
            "athena.data_scanned",
            a.queries_per_month * per_query / TB,
            f"{a.queries_per_month:g} queries",
        )
        out.add(PRIMARY, "glue.catalog.requests", a.queries_per_month * 3, "catalog lookups of the queries")
        out.add(PRIMARY, "glue.catalog.storage", d.glue_tables, "database and table")


def _kms(out: _Lines, d: Deployment, p: UsageProfile) -> float:
    total = 0.0
    for site in (PRIMARY, DR):
        keys = sum(1 for s in d.kms_keys if s == site)
        out.add(site, "kms.keys", keys, "customer-managed keys (multi-Region replicas included)")
        out.add(site, "kms.rotations", keys * min(p.kms.rotations_so_far, 2), "rotated key material")
        requests = keys * KMS_REQUESTS_PER_KEY + sum(
            2 * KMS_REQUESTS_PER_KEY for q in d.queues if q.site == site and q.kms and q.polled_by
        )
        out.add(site, "kms.requests", requests, "data keys, reused for 5 minutes")
        total += requests
    return total


def _logs_and_metrics(
    out: _Lines, d: Deployment, p: UsageProfile, t: Traffic, invocations: dict, trail_events: float
) -> None:
    if d.trail:
        out.add(
            PRIMARY, "cloudtrail.management_events.first_copy", trail_events, "management events (first copy)"
        )
    for lg in d.log_groups:
        ingested = 0.0
        if lg.producer.startswith("function:"):
            function = lg.producer.split(":", 1)[1]
            ingested = invocations.get((function, lg.site), 0.0) * p.lambda_.log_bytes_per_invocation
            if function == "mobile_api" and d.firehose:
                # Every request's usage event is a log line (mobile_api/usage.py) the subscription filter sends on.
                ingested += t.api_requests(lg.site) * usage_event_bytes()
        elif lg.producer == "live_access":
            live = live_work(p, t)
            ingested = (
                (live.connects * 2 + live.frames_in) * p.api.access_log_bytes if lg.site == PRIMARY else 0.0
            )
        elif lg.producer == "api_access":
            stage = next((s for s in d.stages if s.site == lg.site), None)
            ingested = (
                t.api_requests(lg.site) * p.api.access_log_bytes if stage and stage.access_logs else 0.0
            )
        elif lg.producer == "cloudtrail":
            ingested = trail_events * p.logs.cloudtrail_event_bytes if d.trail_to_logs else 0.0
        elif lg.producer == "firehose":
            ingested = 0.0  # delivery errors only
        else:
            out.notes.append(f"log group {lg.name} ({lg.site}) has no producer model: not priced")
        gb = ingested / GB
        meter = "infrequent_access" if lg.log_class == "INFREQUENT_ACCESS" else "standard"
        out.add(lg.site, f"cloudwatch.logs.ingestion.{meter}", gb, lg.name, lg.region)
        stored = gb * p.logs.compression_ratio * _retained_months(p, lg.retention_days)
        out.add(
            lg.site,
            "cloudwatch.logs.storage",
            stored,
            f"{lg.name} ({lg.retention_days or 'no'} days retention)",
            lg.region,
        )
    for f in d.functions:
        series = CUSTOM_METRICS.get(f.key, 0)
        n = invocations.get((f.key, f.site), 0.0)
        out.add(
            f.site,
            "cloudwatch.metrics.custom",
            series * _hours_with_data(n),
            f"{f.name}: EMF metrics",
            f.region,
        )
    for a in d.alarms:
        meter = "cloudwatch.alarms.high_resolution" if a.high_resolution else "cloudwatch.alarms.standard"
        out.add(a.site, meter, a.metrics, a.name, a.region)
    for site in d.dashboards:
        out.add(site, "cloudwatch.dashboards", 1, "dashboard")


def _edges(out: _Lines, d: Deployment) -> None:
    for check in d.health_checks:
        out.add(
            check.site,
            "route53.health_checks.aws_endpoint",
            1,
            f"health check of the {check.site} API",
            GLOBAL,
        )
        out.add(
            check.site,
            "route53.health_checks.optional_feature.aws_endpoint",
            len(check.optional_features),
            f"{check.site} health check: {', '.join(check.optional_features) or 'no optional features'}",
            GLOBAL,
        )


# ---- price -------------------------------------------------------------------------------------------
def _price(lines: list[Line], prices: PriceTable, free_tier: bool) -> None:
    """Cost of each line: its (region, meter) group priced at once (tiers), shared by quantity; with
    `free_tier`, each meter's always-free units come off its whole quantity, all regions together."""
    groups: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for line in lines:
        groups[(line.region, line.meter)].append(line)
    for (region, meter), members in groups.items():
        rate = prices.rate(meter, region)
        quantity = sum(m.quantity for m in members)
        cost = rate.list_cost(quantity)
        for m in members:
            m.cost = cost * m.quantity / quantity if quantity else 0.0
    if not free_tier:
        return
    by_meter: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        by_meter[line.meter].append(line)
    for meter, members in by_meter.items():
        rate = prices.rate(meter, members[0].region)
        quantity = sum(m.quantity for m in members)
        if not rate.free_per_month or not quantity:
            continue
        discount = rate.list_cost(min(quantity, rate.free_per_month))
        list_total = sum(m.cost for m in members)
        factor = max(0.0, list_total - discount) / list_total if list_total else 0.0
        for m in members:
            m.cost *= factor
