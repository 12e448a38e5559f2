"""What an env deploys and with which settings, read from its offline plan JSON (reports/plans/<env>.json).

The offline plan knows every setting the configuration writes (memory, architectures, billing mode,
retention, price class, intervals, ...) but not what AWS computes (ARNs, ids): the cost model reads only
the former. Values that are env data but not resource arguments (the RPO target, say) come from the plan's
`variables`, which are the env's tfvars as Terraform read them.

Each resource lands at a site: `primary` (the primary region and the account's global services) or `dr`
(the warm standby region), from the provider that plans it (ops.env.plan_summary.site_of); a few
primary-provider resources carry DR costs (a DynamoDB replica, the replication rule into DR, a secret's
replica, the DR region's health check) and say so below.

    deployment = load("prod")                     # reports/plans/prod.json (PLAN_REPORTS moves it)
    deployment = from_plan(plan_document, "prod")
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ops.env.plan_summary import resource_sites
from ops.errors import OpsError
from ops.paths import REPO_ROOT

PRIMARY, DR = "primary", "dr"

# The bucket of each storage module, by the module's name in the address (a new bucket must be given a
# role here: tests/cost/test_coverage.py fails on one it does not know).
BUCKET_ROLES = {
    "media_primary": "media",
    "media_dr": "media",
    "logs_primary": "access_logs",
    "logs_dr": "access_logs",
    "events_bucket": "analytics_events",
    "results_bucket": "athena_results",
    "trail_bucket": "cloudtrail",
}
# Log groups by what writes into them (name prefix -> producer); the function's log group is its own.
LOG_PRODUCERS = (
    ("/aws/lambda/", "function"),
    ("/aws/apigateway/", "api_access"),
    ("/aws/kinesisfirehose/", "firehose"),
    ("/aws/cloudtrail/", "cloudtrail"),
)


def _is_live(address: str) -> bool:
    """A resource of the live channel's WebSocket API (terraform/modules/live), not of the HTTP API."""
    return re.search(r"(^|\.)module\.live_(primary|dr)(\[\d+\])?\.", address) is not None


def plans_dir() -> Path:
    return Path(os.environ.get("PLAN_REPORTS") or REPO_ROOT / "reports" / "plans")


def plan_path(env: str, directory: Path | None = None) -> Path:
    """Where the env's offline plan JSON is (`make validate` writes it)."""
    return (directory or plans_dir()) / f"{env}.json"


@dataclass(frozen=True)
class Function:
    key: str  # the blueprint's name for it: mobile_api, notify_worker, ...
    name: str
    site: str
    region: str
    memory_mb: int
    architecture: str  # arm64 | x86_64
    timeout_s: int
    reserved_concurrency: int | None
    tracing_active: bool
    ephemeral_mb: int = 512


@dataclass(frozen=True)
class LogGroup:
    address: str
    name: str
    site: str
    region: str
    retention_days: int | None  # None: never expire
    log_class: str  # STANDARD | INFREQUENT_ACCESS
    producer: str  # function:<key> | api_access | firehose | cloudtrail | unknown


@dataclass(frozen=True)
class ApiStage:
    site: str
    region: str
    detailed_metrics: bool
    access_logs: bool
    rate_limit: float | None
    burst_limit: int | None


@dataclass(frozen=True)
class Table:
    region: str
    # PAY_PER_REQUEST | PROVISIONED (the plan's fixed capacities) | AUTOSCALED (what-if: provisioned capacity
    # that auto scaling keeps at model.AUTOSCALING_TARGET of the traffic)
    billing_mode: str
    gsi_count: int
    pitr: bool
    replica_regions: tuple[str, ...]
    replica_pitr: tuple[bool, ...]
    read_capacity: int = 0
    write_capacity: int = 0
    gsi_read_capacity: int = 0  # summed over the indexes
    gsi_write_capacity: int = 0


@dataclass(frozen=True)
class Bucket:
    address: str
    role: str  # media | access_logs | analytics_events | athena_results | cloudtrail | unknown
    site: str
    region: str
    tiering_after_days: int | None  # lifecycle transition into INTELLIGENT_TIERING
    deep_archive_after_days: int | None  # Intelligent-Tiering Deep Archive Access
    archive_after_days: int | None  # Intelligent-Tiering Archive Access
    expire_after_days: int | None  # lifecycle expiration of current objects
    access_logged: bool


@dataclass(frozen=True)
class Replication:
    address: str
    site: str  # where the source bucket is
    region: str
    destination_class: str
    time_control: bool
    metrics: bool


@dataclass(frozen=True)
class Cdn:
    price_class: str
    enabled: bool
    logs_to_s3: bool
    log_format: str | None


@dataclass(frozen=True)
class HealthCheck:
    address: str
    site: str  # the region whose endpoint it checks
    interval_s: int
    optional_features: tuple[str, ...]


@dataclass(frozen=True)
class Alarm:
    name: str
    site: str
    region: str
    metrics: int  # metrics billed (metric math: each metric, not the expressions)
    high_resolution: bool


@dataclass(frozen=True)
class Firehose:
    region: str
    buffering_interval_s: int
    buffering_size_mb: int
    format_conversion: bool


@dataclass(frozen=True)
class Schedule:
    site: str
    region: str
    name: str
    per_month: float


@dataclass(frozen=True)
class Queue:
    name: str
    site: str
    region: str
    polled_by: str | None  # the function whose event source mapping polls it
    kms: bool


@dataclass(frozen=True)
class LiveStage:
    """A WebSocket API stage (modules/live): billed by connection minutes and messages, not HTTP requests."""

    site: str
    region: str


@dataclass(frozen=True)
class Deployment:
    env: str
    primary_region: str
    dr_region: str
    resource_types: frozenset[str]
    functions: tuple[Function, ...] = ()
    log_groups: tuple[LogGroup, ...] = ()
    stages: tuple[ApiStage, ...] = ()
    live_stages: tuple[LiveStage, ...] = ()
    routes: tuple[str, ...] = ()
    table: Table | None = None
    buckets: tuple[Bucket, ...] = ()
    replications: tuple[Replication, ...] = ()
    cdn: Cdn | None = None
    health_checks: tuple[HealthCheck, ...] = ()
    alarms: tuple[Alarm, ...] = ()
    dashboards: tuple[str, ...] = ()  # site of each
    firehose: Firehose | None = None
    athena: bool = False
    glue_tables: int = 0
    user_pool_tier: str | None = None
    secrets: tuple[str, ...] = ()  # site of each secret and of each replica
    kms_keys: tuple[str, ...] = ()  # site of each key and replica key
    queues: tuple[Queue, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    sns_topics: tuple[str, ...] = ()
    trail_to_logs: bool = False
    # site -> S3 Inventory reports a month of its media bucket (Daily ~30.4, Weekly ~4.3): objects listed are billed
    inventory_reports_per_month: dict[str, float] = field(default_factory=dict)
    trail: bool = False
    rpo_minutes: float | None = None
    # What the app's code does (not in the plan), so the advice can price a change to it:
    usage_events_per_record: int = (
        1  # events per Firehose record from the log subscription (1: an upper bound)
    )
    inbox_ttl_days: float | None = None  # backend_core/inbox_store.py: inbox entries never expire
    notes: tuple[str, ...] = field(default=())

    def region_of(self, site: str) -> str:
        return self.primary_region if site == PRIMARY else self.dr_region

    def function(self, key: str, site: str) -> Function | None:
        return next((f for f in self.functions if f.key == key and f.site == site), None)

    def with_changes(self, **changes: Any) -> Deployment:
        """A what-if copy (the advice prices variants of the deployment this way)."""
        return replace(self, **changes)


# ---- reading the plan ---------------------------------------------------------------------------------
def load(env: str, directory: Path | None = None) -> Deployment:
    """The env's deployment from `<directory>/<env>.json` (default reports/plans/). OpsError (one line)
    when there is no plan: the offline plan comes from `make validate`."""
    if env == "local":
        raise OpsError(
            "the local stack has no Terraform plan to price: price a cloud env's blueprint with the local "
            "stack's traffic instead, e.g. --env prod --from-analytics 30 --analytics-env local"
        )
    path = plan_path(env, directory)
    if not path.is_file():
        known = sorted(p.stem for p in path.parent.glob("*.json")) if path.parent.is_dir() else []
        hint = f" (plans there: {', '.join(known)})" if known else ""
        raise OpsError(f"no offline plan for env {env!r} at {_shown(path)}: run `make validate` first{hint}")
    try:
        document = json.loads(path.read_text())
    except ValueError as exc:
        raise OpsError(f"{_shown(path)} is not plan JSON: {exc}") from None
    return from_plan(document, env)


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def _variable(plan: dict[str, Any], name: str) -> Any:
    return (plan.get("variables", {}).get(name) or {}).get("value")


def _instance_key(address: str) -> str | None:
    found = re.search(r'\["?([^"\]]+)"?\]$', address)
    return found[1] if found else None


def _module_of(address: str) -> str:
    """`module.storage.module.media_primary` of `module.storage.module.media_primary.aws_s3_bucket.this`."""
    return address.rsplit(".aws_", 1)[0] if ".aws_" in address else ""


def _last_module_name(module: str) -> str:
    names = re.findall(r"module\.([A-Za-z0-9_-]+)", module)
    return names[-1] if names else ""


def _first(value: Any) -> dict[str, Any]:
    """The one block of a nested block list (Terraform plans blocks as lists)."""
    return value[0] if isinstance(value, list) and value else {}


def per_month(expression: str) -> float:
    """Runs a month of an EventBridge Scheduler expression: rate(N unit) or cron(...) (cron: as written,
    minutes x hours x days of month; unsupported shapes raise OpsError)."""
    month_minutes = 730 * 60
    rate = re.fullmatch(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)", expression.strip())
    if rate:
        n, unit = int(rate[1]), rate[2].rstrip("s")
        return month_minutes / (n * {"minute": 1, "hour": 60, "day": 1440}[unit])
    if expression.startswith("at("):
        return 0.0
    cron = re.fullmatch(r"cron\((.+)\)", expression.strip())
    if cron:
        minutes, hours, day_of_month, *_ = cron[1].split()

        def count(field_value: str, span: int) -> float:
            if field_value in {"*", "?"}:
                return span
            if field_value.startswith("*/"):
                return span / int(field_value[2:])
            return len(field_value.split(","))

        return count(minutes, 60) * count(hours, 24) * count(day_of_month, 30.4) * (month_minutes / 43_800)
    raise OpsError(f"cannot read the schedule expression {expression!r}")


def from_plan(plan: dict[str, Any], env: str) -> Deployment:
    sites = {address: site for address, _, site in resource_sites(plan)}
    changes = [c for c in plan.get("resource_changes", []) if c.get("mode") == "managed"]
    if not changes:
        raise OpsError(
            f"the plan of env {env!r} has no managed resources: run `make validate` to plan it again"
        )
    primary_region = _variable(plan, "primary_region") or "us-east-1"
    dr_region = _variable(plan, "dr_region") or "us-west-2"

    def site_of(address: str) -> str:
        return DR if sites.get(address) == DR else PRIMARY

    def region_of(address: str, after: dict[str, Any]) -> str:
        return after.get("region") or (dr_region if site_of(address) == DR else primary_region)

    by_type: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    unknown: dict[str, dict[str, Any]] = {}  # address -> after_unknown: set, but known only after apply
    for change in changes:
        by_type.setdefault(change["type"], []).append(
            (change["address"], change["change"].get("after") or {})
        )
        unknown[change["address"]] = change["change"].get("after_unknown") or {}

    def of(resource_type: str) -> list[tuple[str, dict[str, Any]]]:
        return by_type.get(resource_type, [])

    notes: list[str] = []

    functions = []
    for address, after in of("aws_lambda_function"):
        key = _instance_key(address) or after.get("function_name", "")
        functions.append(
            Function(
                key=key,
                name=after.get("function_name") or key,
                site=site_of(address),
                region=region_of(address, after),
                memory_mb=int(after.get("memory_size") or 128),
                architecture=(after.get("architectures") or ["x86_64"])[0],
                timeout_s=int(after.get("timeout") or 3),
                reserved_concurrency=after.get("reserved_concurrent_executions"),
                tracing_active=_first(after.get("tracing_config")).get("mode") == "Active",
                ephemeral_mb=int(_first(after.get("ephemeral_storage")).get("size") or 512),
            )
        )
    names = {(f.site, f.name): f.key for f in functions}

    log_groups = []
    for address, after in of("aws_cloudwatch_log_group"):
        name = after.get("name") or ""
        producer = "unknown"
        for prefix, kind in LOG_PRODUCERS:
            if name.startswith(prefix):
                producer = "live_access" if kind == "api_access" and _is_live(address) else kind
                if kind == "function":
                    key = names.get((site_of(address), name.removeprefix(prefix)))
                    producer = f"function:{key}" if key else "unknown"
        log_groups.append(
            LogGroup(
                address=address,
                name=name,
                site=site_of(address),
                region=region_of(address, after),
                retention_days=after.get("retention_in_days") or None,
                log_class=after.get("log_group_class") or "STANDARD",
                producer=producer,
            )
        )

    stages = []
    live_stages = []
    for address, after in of("aws_apigatewayv2_stage"):
        if _is_live(address):
            live_stages.append(LiveStage(site=site_of(address), region=region_of(address, after)))
            continue
        route_settings = _first(after.get("default_route_settings"))
        stages.append(
            ApiStage(
                site=site_of(address),
                region=region_of(address, after),
                detailed_metrics=bool(route_settings.get("detailed_metrics_enabled")),
                access_logs=bool(after.get("access_log_settings")),
                rate_limit=route_settings.get("throttling_rate_limit"),
                burst_limit=route_settings.get("throttling_burst_limit"),
            )
        )
    routes = tuple(
        sorted(
            {
                after["route_key"]
                for address, after in of("aws_apigatewayv2_route")
                if after.get("route_key") and not _is_live(address)
            }
        )
    )

    table = None
    for address, after in of("aws_dynamodb_table"):
        if table is not None:
            notes.append(f"{address}: only the first table is modelled")
            continue
        replicas = after.get("replica") or []
        gsis = after.get("global_secondary_index") or []
        table = Table(
            region=region_of(address, after),
            billing_mode=after.get("billing_mode") or "PROVISIONED",
            gsi_count=len(gsis),
            pitr=bool(_first(after.get("point_in_time_recovery")).get("enabled")),
            replica_regions=tuple(r.get("region_name") for r in replicas),
            replica_pitr=tuple(bool(r.get("point_in_time_recovery")) for r in replicas),
            read_capacity=int(after.get("read_capacity") or 0),
            write_capacity=int(after.get("write_capacity") or 0),
            gsi_read_capacity=sum(int(g.get("read_capacity") or 0) for g in gsis),
            gsi_write_capacity=sum(int(g.get("write_capacity") or 0) for g in gsis),
        )

    modules_settings: dict[str, dict[str, Any]] = {}
    for address, after in of("aws_s3_bucket_lifecycle_configuration"):
        settings = modules_settings.setdefault(_module_of(address), {})
        for rule in after.get("rule") or []:
            if rule.get("status") != "Enabled":
                continue
            scoped = any(f.get("prefix") for f in rule.get("filter") or [])
            for transition in rule.get("transition") or []:
                if transition.get("storage_class") == "INTELLIGENT_TIERING" and not scoped:
                    settings["tiering_after_days"] = int(transition.get("days") or 0)
            for expiration in rule.get("expiration") or []:
                if expiration.get("days") and not scoped:
                    settings["expire_after_days"] = int(expiration["days"])
    for address, after in of("aws_s3_bucket_intelligent_tiering_configuration"):
        settings = modules_settings.setdefault(_module_of(address), {})
        if after.get("status") == "Enabled" and not after.get("filter"):
            for tier in after.get("tiering") or []:
                days = int(tier.get("days") or 0)
                if tier.get("access_tier") == "DEEP_ARCHIVE_ACCESS":
                    settings["deep_archive_after_days"] = days
                elif tier.get("access_tier") == "ARCHIVE_ACCESS":
                    settings["archive_after_days"] = days
    for address, _ in of("aws_s3_bucket_logging"):
        modules_settings.setdefault(_module_of(address), {})["access_logged"] = True

    buckets = []
    for address, after in of("aws_s3_bucket"):
        module = _module_of(address)
        settings = modules_settings.get(module, {})
        buckets.append(
            Bucket(
                address=address,
                role=BUCKET_ROLES.get(_last_module_name(module), "unknown"),
                site=site_of(address),
                region=region_of(address, after),
                tiering_after_days=settings.get("tiering_after_days"),
                deep_archive_after_days=settings.get("deep_archive_after_days"),
                archive_after_days=settings.get("archive_after_days"),
                expire_after_days=settings.get("expire_after_days"),
                access_logged=bool(settings.get("access_logged")),
            )
        )

    replications = []
    for address, after in of("aws_s3_bucket_replication_configuration"):
        for rule in after.get("rule") or []:
            if rule.get("status") != "Enabled":
                continue
            destination = _first(rule.get("destination"))
            replications.append(
                Replication(
                    address=address,
                    site=site_of(address),
                    region=region_of(address, after),
                    destination_class=destination.get("storage_class") or "STANDARD",
                    time_control=_first(destination.get("replication_time")).get("status") == "Enabled",
                    metrics=_first(destination.get("metrics")).get("status") == "Enabled",
                )
            )

    cdn = None
    for _, after in of("aws_cloudfront_distribution"):
        destination = next((a for _, a in of("aws_cloudwatch_log_delivery_destination")), None)
        cdn = Cdn(
            price_class=after.get("price_class") or "PriceClass_All",
            enabled=bool(after.get("enabled")),
            logs_to_s3=bool(of("aws_cloudwatch_log_delivery")) and destination is not None,
            log_format=(destination or {}).get("output_format"),
        )

    health_checks = []
    for address, after in of("aws_route53_health_check"):
        features = []
        kind = after.get("type") or ""
        if kind.startswith("HTTPS"):
            features.append("https")
        if kind.endswith("STR_MATCH"):
            features.append("string_matching")
        if after.get("measure_latency"):
            features.append("latency_measurement")
        if int(after.get("request_interval") or 30) == 10:
            features.append("fast_interval")
        key = _instance_key(address) or ""
        health_checks.append(
            HealthCheck(
                address=address,
                site=DR if key == DR or key.endswith("_dr") else PRIMARY,
                interval_s=int(after.get("request_interval") or 30),
                optional_features=tuple(features),
            )
        )

    alarms = []
    for address, after in of("aws_cloudwatch_metric_alarm"):
        queries = after.get("metric_query") or []
        metrics = sum(1 for q in queries if q.get("metric")) if queries else 1
        periods = [int(after.get("period") or 60)] + [
            int(m.get("period") or 60) for q in queries for m in q.get("metric") or []
        ]
        alarms.append(
            Alarm(
                name=after.get("alarm_name") or address,
                site=site_of(address),
                region=region_of(address, after),
                metrics=max(metrics, 1),
                high_resolution=min(periods) < 60,
            )
        )

    firehose = None
    for address, after in of("aws_kinesis_firehose_delivery_stream"):
        s3 = _first(after.get("extended_s3_configuration"))
        conversion = _first(s3.get("data_format_conversion_configuration"))
        firehose = Firehose(
            region=region_of(address, after),
            buffering_interval_s=int(s3.get("buffering_interval") or 300),
            buffering_size_mb=int(s3.get("buffering_size") or 5),
            format_conversion=bool(conversion) and conversion.get("enabled") is not False,
        )

    pools = of("aws_cognito_user_pool")
    user_pool_tier = (pools[0][1].get("user_pool_tier") or "ESSENTIALS") if pools else None

    secrets = []
    for address, after in of("aws_secretsmanager_secret"):
        secrets.append(site_of(address))
        secrets.extend(DR if r.get("region") == dr_region else PRIMARY for r in after.get("replica") or [])

    kms_keys = tuple(site_of(a) for a, _ in of("aws_kms_key") + of("aws_kms_replica_key"))

    # The notify queue is polled by the region's notify_worker (modules/api: the notify_queue mapping); the
    # dead-letter queues by nobody.
    queues = []
    for address, after in of("aws_sqs_queue"):
        name = after.get("name") or address
        is_notify = name.endswith("-notify")
        queues.append(
            Queue(
                name=name,
                site=site_of(address),
                region=region_of(address, after),
                polled_by="notify_worker" if is_notify else None,
                kms=bool(after.get("kms_master_key_id") or unknown[address].get("kms_master_key_id")),
            )
        )

    schedules = tuple(
        Schedule(
            site=site_of(address),
            region=region_of(address, after),
            name=after.get("name") or address,
            per_month=per_month(after.get("schedule_expression") or "rate(1 day)"),
        )
        for address, after in of("aws_scheduler_schedule")
        if (after.get("state") or "ENABLED") == "ENABLED"
    )

    trails = of("aws_cloudtrail")
    dr_settings = _variable(plan, "dr") or {}
    return Deployment(
        env=env,
        primary_region=primary_region,
        dr_region=dr_region,
        resource_types=frozenset(c["type"] for c in changes),
        functions=tuple(functions),
        log_groups=tuple(log_groups),
        stages=tuple(stages),
        live_stages=tuple(live_stages),
        routes=routes,
        table=table,
        buckets=tuple(buckets),
        replications=tuple(replications),
        cdn=cdn,
        health_checks=tuple(health_checks),
        alarms=tuple(alarms),
        dashboards=tuple(site_of(a) for a, _ in of("aws_cloudwatch_dashboard")),
        firehose=firehose,
        athena=bool(of("aws_athena_workgroup")),
        glue_tables=len(of("aws_glue_catalog_table")) + len(of("aws_glue_catalog_database")),
        user_pool_tier=user_pool_tier,
        secrets=tuple(secrets),
        kms_keys=kms_keys,
        queues=tuple(queues),
        schedules=schedules,
        sns_topics=tuple(site_of(a) for a, _ in of("aws_sns_topic")),
        trail=bool(trails),
        trail_to_logs=any(lg.producer == "cloudtrail" for lg in log_groups),
        inventory_reports_per_month={
            site_of(address): 30.42 if _first(after.get("schedule")).get("frequency") == "Daily" else 4.35
            for address, after in of("aws_s3_bucket_inventory")
            if after.get("enabled", True)
        },
        rpo_minutes=dr_settings.get("rpo_minutes") if isinstance(dr_settings, dict) else None,
        notes=tuple(notes),
    )
