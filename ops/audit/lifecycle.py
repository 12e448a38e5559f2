"""`ops audit lifecycle`: the archival policy as declared, as applied, what it saves, and the TTL archive.

    report = audit_lifecycle(AuditEnv.resolve("local"))       # ops.audit.model.Report
    report.passed, report.violations

Four parts, each in its own module: declared vs actual bucket settings (settings_check), every media object
classified by last use and archive state (objects), the monthly cost today / all Standard / under the
policy with the break-even object size (cost, prices from ops/pricing/aws_prices.json), and the TTL archive reconciliation
per day and region (ttl). A part the audit cannot check (a region that does not answer) is a violation too:
the audit never passes what it did not see.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from backend_core.archival import ARCHIVAL_POLICY, MEDIA_INVENTORY
from ops import pricing
from ops.audit import cost, objects, settings_check, ttl
from ops.audit.env import AuditEnv
from ops.audit.model import BucketObjects, Report, Violation
from ops.audit.objects import Progress, no_progress
from ops.errors import OpsError

SOURCES = ("auto", "inventory", "listing")
STALE_INVENTORY_DAYS = 2


def audit_lifecycle(
    env: AuditEnv, source: str = "auto", progress: Progress = no_progress, now: datetime | None = None
) -> Report:
    """Run every part of the audit against `env`. `source`: where object states come from (auto: the latest
    S3 Inventory report where there is one, else a listing). OpsError for an unknown source, or when
    `inventory` is asked for and there is no report."""
    if source not in SOURCES:
        raise OpsError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    report = Report(
        env=env.name,
        generated_at=now.isoformat(timespec="seconds"),
        policy={
            **ARCHIVAL_POLICY.model_dump(),
            "archive_tiers": ARCHIVAL_POLICY.archive_tiers(),
            "inactive_after_days": objects.inactive_after_days(),
        },
    )
    checks, violations, actual = settings_check.check_buckets(env)
    report.settings, report.violations = checks, list(violations)
    try:
        uses = objects.last_uses(env, progress)
    except (ClientError, BotoCoreError) as exc:
        raise OpsError(
            f"cannot read the media items of table {env.outputs.table.name}: {_why(exc)}"
        ) from None
    prices = pricing.load()
    costs: dict[str, Any] = {}
    for bucket, role, side in env.buckets():
        if role == "analytics":
            continue
        region = env.region(side)
        try:
            stored, label = _objects_of(env, bucket, side, source, progress, now, report)
        except (ClientError, BotoCoreError) as exc:
            report.violations.append(
                Violation("audit", f"{bucket} ({role})", "objects", "classified", "not checked", _why(exc))
            )
            continue
        result = BucketObjects(bucket, role, region, label)
        found, idle = objects.classify(
            result, stored, uses, role == "media", actual.get(bucket, {}).get("archive_tiers", {}), now
        )
        report.objects.append(result)
        report.violations += found
        costs[bucket] = cost.bucket_costs(prices, region, idle, archives=role == "media")
    report.cost = _cost_summary(costs, prices, env)
    advance = progress("reading the tables' streams (TTL removals, last 24 hours)", None)
    report.ttl, ttl_violations, report.ttl_notes = ttl.reconcile(env, now, advance)
    report.violations += ttl_violations
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _objects_of(
    env: AuditEnv, bucket: str, side: str, source: str, progress: Progress, now: datetime, report: Report
) -> tuple[list[objects.StoredObject], str]:
    dt = objects.latest_inventory(env, bucket) if source != "listing" and side == "primary" else None
    if source == "inventory" and dt is None and side == "primary":
        raise OpsError(
            f"no S3 Inventory report of {bucket} under s3://{env.outputs.analytics.bucket}/"
            f"{MEDIA_INVENTORY.hive_prefix(bucket)} (S3 delivers the first within 48 hours; locally: "
            "`ops local inventory`); use --source auto or listing"
        )
    if dt is None:
        return objects.listed_objects(env, bucket, side, progress, now), "listing"
    stamp = datetime.strptime(dt, "%Y-%m-%d-%H-%M").replace(tzinfo=UTC)
    if (now - stamp).days >= STALE_INVENTORY_DAYS:
        # S3 delivers daily: an older report means delivery stopped (a destination policy or key the
        # settings check cannot see), and objects changed since then would pass unseen.
        report.violations.append(
            Violation(
                "audit", f"{bucket} (primary)", "S3 Inventory delivery",
                f"a report less than {STALE_INVENTORY_DAYS} days old", f"the latest is dt={dt}",
                "objects classified from a listing instead" if source == "auto" else "",
            )
        )  # fmt: skip
        if source == "auto":
            return objects.listed_objects(env, bucket, side, progress, now), "listing"
    advance = progress(f"S3 Inventory of {bucket} (dt={dt}) through the analytics layer", None)
    found = objects.inventory_objects(env, bucket, dt)
    advance(len(found))
    return found, f"S3 Inventory dt={dt}"


def _cost_summary(costs: dict[str, Any], prices: pricing.PriceTable, env: AuditEnv) -> dict[str, Any]:
    total = dict.fromkeys(cost.SCENARIOS, 0.0)
    for figures in costs.values():
        for name in total:
            total[name] += figures["monthly_usd"][name]
    regions = sorted({env.outputs.primary_region, env.outputs.dr_region})
    meters: dict[str, set[str]] = {region: {cost.TRANSITION_TO_IT} for region in regions}
    for figures in costs.values():
        for quantities in figures["usage"].values():
            meters.setdefault(figures["region"], set()).update(quantities)
    return {
        "price_table": {
            "file": "ops/pricing/aws_prices.json",
            "checked_on": prices.checked_on.isoformat(),
            "age_days": prices.age_days(),
        },
        "rates": {region: cost.rates_used(prices, region, found) for region, found in meters.items()},
        "buckets": costs,
        "total_monthly_usd": total,
        "policy_saves_monthly_usd": total["all_standard"] - total["policy"],
        "transition_requests_once_usd": sum(c["transition_requests_once_usd"] for c in costs.values()),
        "break_even": {region: cost.break_even(prices, region) for region in regions},
        "policy_terms": {region: cost.policy_terms(prices, region) for region in regions},
    }


def _why(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code')}: {error.get('Message')}"
    return f"{type(exc).__name__}: {exc}"
