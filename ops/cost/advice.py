"""What to change, per audience size: each piece of advice prices a variant of the deployment (or of the
app's behaviour) with the same model and reports the monthly saving, or a limit the traffic would hit.

    for item in advise(deployment, profile, mau=1_000_000):
        item.verdict, item.setting, item.change, item.saving, item.why

Verdicts: `needed` (the traffic would hit a limit: throttling), `change` (saves at least MIN_SAVING_USD a
month and gives nothing up the model knows of), `consider` (saves that much, at a price named in `why`),
`keep` (saves less, or would cost more). The settings named are Terraform variables in
`terraform/envs/<env>.tfvars`, module arguments, or the app's code, each with its file.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from ops.cost.deployment import DR, PRIMARY, Deployment
from ops.cost.model import (
    AUTOSCALING_MIN_UNITS,
    AUTOSCALING_TARGET,
    MONTH_SECONDS,
    PRICE_CLASSES,
    Estimate,
    Traffic,
    estimate,
    traffic,
)
from ops.cost.profile import HEALTH_ROUTE, UsageProfile
from ops.pricing import PriceTable
from ops.pricing import load as load_prices

MIN_SAVING_USD = 5.0  # a month: below this a change is not worth a deploy
ACCOUNT_CONCURRENCY = 1000  # Lambda's default concurrent executions quota per region
UNRESERVED_MINIMUM = 100  # AWS keeps this much of the quota unreserved
HEADROOM = 0.7  # size limits so that the peak uses at most 70 % of them
INBOX_TTL_DAYS = 90
DR_FIXED_SHARE = 0.25  # the standby's fixed costs "dominate" when they are this share of the bill or more


@dataclass(frozen=True)
class Advice:
    topic: str
    verdict: str  # needed | change | consider | keep
    setting: str  # where it is set
    change: str  # what to set it to
    saving: float  # USD a month (0 for limits)
    why: str

    def document(self) -> dict[str, object]:
        return {
            "topic": self.topic,
            "verdict": self.verdict,
            "setting": self.setting,
            "change": self.change,
            "saving_usd": round(self.saving, 2),
            "why": self.why,
        }


class _Context:
    def __init__(
        self, d: Deployment, p: UsageProfile, mau: float, prices: PriceTable, free_tier: bool, base: Estimate
    ):
        self.d, self.p, self.mau, self.prices, self.free_tier, self.base = d, p, mau, prices, free_tier, base

    def price(
        self, d: Deployment | None = None, p: UsageProfile | None = None, mau: float | None = None
    ) -> Estimate:
        return estimate(
            d or self.d, p or self.p, self.mau if mau is None else mau, self.prices, self.free_tier
        )

    def saving(self, d: Deployment | None = None, p: UsageProfile | None = None) -> float:
        return self.base.total() - self.price(d, p).total()

    def tfvars(self, key: str) -> str:
        return f"terraform/envs/{self.d.env}.tfvars: {key}"


def _verdict(saving: float, trade_off: bool) -> str:
    if saving < MIN_SAVING_USD:
        return "keep"
    return "consider" if trade_off else "change"


def _money(usd: float) -> str:
    return f"${usd:,.2f}" if abs(usd) < 100 else f"${usd:,.0f}"


def _audience(mau: float) -> str:
    """An audience found by search, to three significant figures (the search stops within 1 %)."""
    digits = max(0, len(str(int(mau))) - 3)
    return f"{round(mau, -digits):,.0f}"


def _share(x: float) -> str:
    return f"{x:.0%}" if x >= 0.01 or x == 0 else f"{x:.1%}"


def _dynamodb_cost(e: Estimate) -> float:
    return sum(line.cost for line in e.lines if line.meter.startswith("dynamodb."))


def _dynamodb_capacity(c: _Context) -> Advice | None:
    table = c.d.table
    if table is None or table.billing_mode != "PAY_PER_REQUEST":
        return None
    autoscaled = c.d.with_changes(table=replace(table, billing_mode="AUTOSCALED"))
    on_demand, provisioned = _dynamodb_cost(c.base), _dynamodb_cost(c.price(autoscaled))
    saving = on_demand - provisioned

    def gain(mau: float) -> float:
        return _dynamodb_cost(c.price(mau=mau)) - _dynamodb_cost(c.price(autoscaled, mau=mau))

    crossing = _first_audience(lambda mau: gain(mau) >= 0)
    where = ""
    if crossing and crossing > 1:
        t = traffic(c.d, c.p, crossing)
        where = (
            f" Provisioned wins above ~{_audience(crossing)} MAU with this profile: "
            f"{sum(t.route_requests.values()) / MONTH_SECONDS:,.1f} signed-in requests/s on average, "
            f"{t.work.read_units / MONTH_SECONDS:,.1f} read and {t.work.write_units / MONTH_SECONDS:,.1f} "
            "write request units/s on the table and its indexes."
        )
    return Advice(
        topic="dynamodb-capacity",
        verdict=_verdict(saving, trade_off=True),
        setting="terraform/modules/table: billing_mode (with aws_appautoscaling_* targets for table and indexes)",
        change=f"PROVISIONED with auto scaling (target {AUTOSCALING_TARGET:.0%}, min {AUTOSCALING_MIN_UNITS})",
        saving=saving,
        why=(
            f"on-demand {_money(on_demand)} vs provisioned {_money(provisioned)} a month for this traffic, both "
            f"regions.{where} Auto scaling lags sudden spikes (throttling until it catches up): keep on-demand "
            "while the traffic is unknown or spiky."
        ),
    )


def _cognito_plan(c: _Context) -> Advice | None:
    if c.d.user_pool_tier != "PLUS":
        return None
    saving = c.saving(c.d.with_changes(user_pool_tier="ESSENTIALS"))
    return Advice(
        topic="cognito-feature-plan",
        verdict=_verdict(saving, trade_off=True),
        setting=c.tfvars("identity.advanced_security_mode"),
        change='"OFF" (Essentials feature plan instead of Plus)',
        saving=saving,
        why=(
            "Plus bills every MAU for threat protection (compromised credentials, adaptive authentication); "
            "Essentials keeps MFA and the rest. Keep Plus if account takeover is the bigger risk."
        ),
    )


def _peak_concurrency(c: _Context, key: str, t: Traffic | None = None) -> tuple[float, float]:
    """(peak concurrent executions, peak invocations/s) of a function at the primary, for `t` (default: the
    traffic of the audience advised on)."""
    t, p = t or c.base.traffic, c.p
    if key == "mobile_api":
        health_rps = t.health_requests.get(PRIMARY, 0.0) / MONTH_SECONDS
        requests = sum(t.route_requests.values())
        busy = sum(
            n * (p.handler_ms.get(r, 0.0) + p.lambda_.invoke_overhead_ms) for r, n in t.route_requests.items()
        )
        mean_s = busy / requests / 1000 if requests else p.handler_ms.get(HEALTH_ROUTE, 0.0) / 1000
        rps = t.peak_rps + health_rps
        return rps * mean_s, rps
    if key == "notify_worker":
        # A provider's notification fans out at once: the worker's peak follows the peak of messages.
        rate = t.messages / MONTH_SECONDS * p.traffic.peak_to_mean * p.traffic.burst_factor
        return rate * p.lambda_.worker_ms_per_message / 1000, rate
    return 0.0, 0.0


def _first_audience(reaches: Callable[[float], bool], low: float = 1.0, high: float = 1e9) -> float | None:
    """The smallest MAU (to 1 %) in [low, high] for which `reaches(mau)` holds, `reaches` being false below
    some audience and true above it; None when it never holds."""
    if not reaches(high):
        return None
    if reaches(low):
        return low
    while high / low > 1.01:
        mid = math.sqrt(low * high)
        low, high = (low, mid) if reaches(mid) else (mid, high)
    return high


def _audience_at(c: _Context, reaches: Callable[[Traffic], bool]) -> float | None:
    """The smallest MAU whose traffic `reaches` a limit (see _first_audience)."""
    return _first_audience(lambda mau: reaches(traffic(c.d, c.p, mau)))


def _concurrency(c: _Context) -> list[Advice]:
    out = []
    for key in ("mobile_api", "notify_worker"):
        f = c.d.function(key, PRIMARY)
        if f is None:
            continue
        peak, rps = _peak_concurrency(c, key)
        reserved = f.reserved_concurrency
        need = math.ceil(peak / HEADROOM) if peak else 0
        if reserved is not None and peak > HEADROOM * reserved:
            out.append(
                Advice(
                    topic=f"reserved-concurrency-{key}",
                    verdict="needed",
                    setting=c.tfvars(f"api.functions.{key}.reserved_concurrency"),
                    change=f"{need} (now {reserved}); raise the account's Lambda quota in both regions to match",
                    saving=0.0,
                    why=(
                        f"the busiest second needs ~{peak:,.0f} concurrent executions ({rps:,.0f} invocations/s); "
                        f"above {reserved} Lambda throttles (429s, retried messages). Reserved concurrency costs "
                        "nothing; it needs quota."
                    ),
                )
            )
        elif reserved is None and peak > HEADROOM * (ACCOUNT_CONCURRENCY - UNRESERVED_MINIMUM):
            out.append(
                Advice(
                    topic=f"reserved-concurrency-{key}",
                    verdict="needed",
                    setting=f"Service Quotas: Lambda concurrent executions, and {c.tfvars(f'api.functions.{key}.reserved_concurrency')}",
                    change=f"quota above {need + UNRESERVED_MINIMUM}, reserve {need} for {key}",
                    saving=0.0,
                    why=(
                        f"~{peak:,.0f} concurrent executions at the busiest second share the account's default "
                        f"{ACCOUNT_CONCURRENCY} with every other function: reserve them so a burst elsewhere "
                        "cannot throttle the API."
                    ),
                )
            )
        else:
            limit = reserved if reserved is not None else ACCOUNT_CONCURRENCY - UNRESERVED_MINIMUM
            named = f"reserved {reserved}" if reserved is not None else f"the account's {ACCOUNT_CONCURRENCY}"
            up_to = _audience_at(
                c, lambda t, key=key, limit=limit: _peak_concurrency(c, key, t)[0] > HEADROOM * limit
            )
            action = "raise it (and the quota) above" if reserved is not None else "reserve it above"
            until = f"; {action} ~{_audience(up_to)} MAU with this profile" if up_to else ""
            out.append(
                Advice(
                    topic=f"reserved-concurrency-{key}",
                    verdict="keep",
                    setting=c.tfvars(f"api.functions.{key}.reserved_concurrency"),
                    change="as it is",
                    saving=0.0,
                    why=(
                        f"peak ~{peak:,.1f} concurrent executions ({rps:,.1f} invocations/s at the busiest "
                        f"second), within {HEADROOM:.0%} of {named}{until}"
                    ),
                )
            )
    return out


def _throttling(c: _Context) -> Advice | None:
    stage = next((s for s in c.d.stages if s.site == PRIMARY), None)
    if stage is None or not stage.rate_limit:
        return None
    _, rps = _peak_concurrency(c, "mobile_api")
    limit = stage.rate_limit
    if rps <= HEADROOM * limit:
        up_to = _audience_at(c, lambda t: _peak_concurrency(c, "mobile_api", t)[1] > HEADROOM * limit)
        until = f"; raise it above ~{_audience(up_to)} MAU with this profile" if up_to else ""
        return Advice(
            "api-throttling",
            "keep",
            c.tfvars("api.rate_limit"),
            "as it is",
            0.0,
            f"peak ~{rps:,.1f} requests/s, within {HEADROOM:.0%} of the stage's {limit:,.0f}/s{until}",
        )
    rate = math.ceil(rps / HEADROOM)
    # A burst beyond the API function's reserved concurrency is answered 500 (the blueprint refuses it).
    api_function = next((f for f in c.d.functions if f.key == "mobile_api" and f.site == PRIMARY), None)
    reserved = api_function.reserved_concurrency if api_function else None
    burst = min(2 * rate, reserved) if reserved else 2 * rate
    within = (
        f", at most mobile_api's reserved concurrency {reserved}" if reserved and burst == reserved else ""
    )
    return Advice(
        topic="api-throttling",
        verdict="needed",
        setting=c.tfvars("api.rate_limit and api.burst_limit"),
        change=(
            f"rate_limit {rate}, burst_limit {burst}{within} "
            f"(now {stage.rate_limit:,.0f} and {stage.burst_limit})"
        ),
        saving=0.0,
        why=f"the busiest second brings ~{rps:,.0f} requests/s: above {stage.rate_limit:,.0f}/s the API answers 429",
    )


def _price_class(c: _Context) -> Advice | None:
    cdn = c.d.cdn
    if cdn is None:
        return None
    if cdn.price_class == "PriceClass_100":
        wider = c.price(c.d.with_changes(cdn=replace(cdn, price_class="PriceClass_All")))
        extra = wider.total() - c.base.total()
        outside = sum(s for g, s in c.p.viewers.items() if g not in PRICE_CLASSES["PriceClass_100"])
        return Advice(
            "cdn-price-class",
            "keep",
            c.tfvars("cdn.price_class"),
            '"PriceClass_100" (as it is)',
            -extra,
            f"{outside:.0%} of the media is watched outside North America and Europe; PriceClass_All would "
            f"serve it from nearer edges for {_money(extra)} more a month",
        )
    saving = c.saving(c.d.with_changes(cdn=replace(cdn, price_class="PriceClass_100")))
    return Advice(
        topic="cdn-price-class",
        verdict=_verdict(saving, trade_off=True),
        setting=c.tfvars("cdn.price_class"),
        change=f'"PriceClass_100" (now "{cdn.price_class}")',
        saving=saving,
        why="viewers outside North America and Europe are then served from those edges: slower for them",
    )


def _log_retention(c: _Context) -> Advice | None:
    groups = [g for g in c.d.log_groups if g.producer != "cloudtrail" and (g.retention_days or 10**6) > 30]
    if not groups:
        return None
    shorter = tuple(replace(g, retention_days=30) if g in groups else g for g in c.d.log_groups)
    saving = c.saving(c.d.with_changes(log_groups=shorter))
    days = sorted({g.retention_days for g in groups}, key=lambda d: d or 10**6)
    return Advice(
        topic="log-retention",
        verdict=_verdict(saving, trade_off=True),
        setting=c.tfvars("api.log_retention_days"),
        change=f"30 (now {', '.join(str(d or 'never') for d in days)} days on {len(groups)} log groups)",
        saving=saving,
        why="older logs are gone from CloudWatch (the usage events keep the analytics for longer)",
    )


def _log_class(c: _Context) -> Advice | None:
    candidates = [
        g
        for g in c.d.log_groups
        if g.log_class != "INFREQUENT_ACCESS"
        and (g.producer == "api_access" or g.producer.startswith("function:"))
        # The API function's log group carries the usage events' subscription filter (mobile_api/usage.py),
        # which the Infrequent Access class does not offer.
        and not (c.d.firehose and g.producer == "function:mobile_api")
    ]
    if not candidates:
        return None
    cheaper = tuple(
        replace(g, log_class="INFREQUENT_ACCESS") if g in candidates else g for g in c.d.log_groups
    )
    saving = c.saving(c.d.with_changes(log_groups=cheaper))
    return Advice(
        topic="log-class",
        verdict=_verdict(saving, trade_off=True),
        setting="terraform/modules/api: aws_cloudwatch_log_group log_group_class",
        change='"INFREQUENT_ACCESS" on the API access log groups and the function log groups but the API\'s',
        saving=saving,
        why=(
            "half the ingestion price; those log groups lose Live Tail, metric and subscription filters "
            "(the API function's group keeps Standard for the usage events' filter) and Logs Insights stays"
        ),
    )


def _detailed_metrics(c: _Context) -> Advice | None:
    if not any(s.detailed_metrics for s in c.d.stages):
        return None
    plain = tuple(replace(s, detailed_metrics=False) for s in c.d.stages)
    saving = c.saving(c.d.with_changes(stages=plain))
    return Advice(
        topic="api-detailed-metrics",
        verdict=_verdict(saving, trade_off=True),
        setting="terraform/modules/api: aws_apigatewayv2_stage default_route_settings.detailed_metrics_enabled",
        change="false (both regions)",
        saving=saving,
        why=(
            "per-route CloudWatch metrics are custom metrics; the per-route health stays available from the "
            "usage events (ops analytics: api_health_by_route)"
        ),
    )


def _tracing(c: _Context, site: str) -> Advice | None:
    traced = [f for f in c.d.functions if f.site == site and f.tracing_active]
    if not traced:
        return None
    untraced = tuple(replace(f, tracing_active=False) if f in traced else f for f in c.d.functions)
    saving = c.saving(c.d.with_changes(functions=untraced))
    if site == DR:
        why = (
            "during standby the DR functions trace only Route 53's health checks; turn it back on with a "
            "failover (or keep it: traces of the first minutes of a failover help)"
        )
    else:
        why = "X-Ray records 1 request/s and 5 % of the rest; PassThrough traces only requests that carry a trace"
    return Advice(
        topic=f"xray-{site}",
        verdict=_verdict(saving, trade_off=True),
        setting="terraform/modules/api: aws_lambda_function tracing_config.mode"
        + (" (api_dr)" if site == DR else " (api_primary)"),
        change='"PassThrough"',
        saving=saving,
        why=why,
    )


def _lambda_memory(c: _Context) -> Advice | None:
    f = c.d.function("mobile_api", PRIMARY)
    if f is None or f.memory_mb < 1024:
        return None
    halved = tuple(
        replace(g, memory_mb=g.memory_mb // 2) if g.key == "mobile_api" else g for g in c.d.functions
    )
    saving = c.saving(c.d.with_changes(functions=halved))
    return Advice(
        topic="lambda-memory",
        verdict=_verdict(saving, trade_off=True),
        setting=c.tfvars("api.functions.mobile_api.memory_mb"),
        change=f"{f.memory_mb // 2} (now {f.memory_mb})",
        saving=saving,
        why=(
            "if the handler's time stays the same: it mostly waits on DynamoDB, but CPU scales with memory, "
            "so measure first (AWS Lambda Power Tuning)"
        ),
    )


def _replication_time_control(c: _Context) -> Advice | None:
    rules = [r for r in c.d.replications if r.time_control]
    if not rules:
        return None
    plain = tuple(replace(r, time_control=False) for r in c.d.replications)
    saving = c.saving(c.d.with_changes(replications=plain))
    rpo = f"the env's RPO target is {c.d.rpo_minutes:g} min" if c.d.rpo_minutes else "check the RPO target"
    return Advice(
        topic="s3-replication-time-control",
        verdict=_verdict(saving, trade_off=True),
        setting="terraform/modules/storage: replication_time and metrics in the replication rules",
        change="Replication Time Control off",
        saving=saving,
        why=f"RTC is the 15-minute replication SLA behind the media RPO; {rpo}",
    )


def _firehose_buffering(c: _Context) -> Advice | None:
    hose = c.d.firehose
    if hose is None or hose.buffering_interval_s >= 900:
        return None
    saving = c.saving(c.d.with_changes(firehose=replace(hose, buffering_interval_s=900)))
    return Advice(
        topic="firehose-buffering",
        verdict=_verdict(saving, trade_off=True),
        setting=c.tfvars("analytics.buffering_interval_s"),
        change=f"900 (now {hose.buffering_interval_s})",
        saving=saving,
        why="fewer, larger Parquet objects (fewer PUTs and Athena reads); events reach Athena later",
    )


def _inbox_ttl(c: _Context) -> Advice | None:
    if c.d.table is None or c.d.inbox_ttl_days is not None or not c.base.traffic.messages:
        return None
    saving = c.saving(c.d.with_changes(inbox_ttl_days=INBOX_TTL_DAYS))
    return Advice(
        topic="inbox-ttl",
        verdict=_verdict(saving, trade_off=True),
        setting="lambdas/backend_core/inbox_store.py: InboxStore.begin (the table's TTL attribute, expires_at)",
        change=f"expire inbox entries after {INBOX_TTL_DAYS} days",
        saving=saving,
        why=(
            "inbox entries are never deleted and are stored twice (GSI1) in both regions; older entries would "
            "be gone from GET /notifications (ttl_archiver keeps a copy in S3)"
        ),
    )


def _dr_standby(c: _Context) -> Advice | None:
    dr, total = c.base.total(DR), c.base.total()
    if not dr:
        return None
    idle = c.price(mau=0)
    fixed = idle.total(DR)
    biggest = sorted(idle.by_service(DR).items(), key=lambda kv: -kv[1])[:4]
    parts = ", ".join(f"{name} {_money(cost)}" for name, cost in biggest)
    # While it stands by, the DR API serves only Route 53's health checks: its traces and per-route metrics
    # record those. Turning them on is part of failing over (ops drill) or left to the first minutes of one.
    lean = c.d.with_changes(
        functions=tuple(replace(f, tracing_active=False) if f.site == DR else f for f in c.d.functions),
        stages=tuple(replace(s, detailed_metrics=False) if s.site == DR else s for s in c.d.stages),
    )
    saving = c.saving(lean)
    share = fixed / total

    def dominates(mau: float) -> bool:
        return fixed / c.price(mau=mau).total() >= DR_FIXED_SHARE

    below = ""
    if dominates(1.0):
        until = _first_audience(lambda mau: not dominates(mau))
        if until:
            below = f"; they are more than {DR_FIXED_SHARE:.0%} of the bill below ~{_audience(until)} MAU"
    return Advice(
        topic="dr-standby",
        verdict="consider" if share >= DR_FIXED_SHARE and saving >= MIN_SAVING_USD else "keep",
        setting="terraform/modules/api: tracing_config.mode and detailed_metrics_enabled (a variable, off for api_dr)",
        change='DR region: Lambda tracing "PassThrough", API detailed metrics off while standing by',
        saving=saving,
        why=(
            f"the standby costs {_money(dr)} of {_money(total)} ({dr / total:.0%}); {_money(fixed)} of it is "
            f"fixed whatever the audience ({parts}), {_share(share)} of the bill{below}. Its traces and per-route "
            "metrics record only health checks until a failover; the rest (keys, alarms, health checks, "
            "replicas) is what a warm standby is"
        ),
    )


ADVISORS: tuple[Callable[[_Context], Advice | list[Advice] | None], ...] = (
    _dynamodb_capacity,
    _cognito_plan,
    _concurrency,
    _throttling,
    _price_class,
    _log_retention,
    _log_class,
    _detailed_metrics,
    lambda c: _tracing(c, PRIMARY),
    lambda c: _tracing(c, DR),
    _lambda_memory,
    _replication_time_control,
    _firehose_buffering,
    _inbox_ttl,
    _dr_standby,
)
ORDER = {"needed": 0, "change": 1, "consider": 2, "keep": 3}


def advise(
    deployment: Deployment,
    profile: UsageProfile,
    mau: float,
    prices: PriceTable | None = None,
    free_tier: bool = False,
    base: Estimate | None = None,
) -> list[Advice]:
    """Every piece of advice for this audience, most pressing first, then by saving."""
    prices = prices or load_prices()
    base = base or estimate(deployment, profile, mau, prices, free_tier)
    context = _Context(deployment, profile, mau, prices, free_tier, base)
    found: list[Advice] = []
    for advisor in ADVISORS:
        result = advisor(context)
        if result is None:
            continue
        found.extend(result if isinstance(result, list) else [result])
    return sorted(found, key=lambda a: (ORDER[a.verdict], -a.saving, a.topic))
