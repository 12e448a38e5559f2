"""Scheduled DR drill, non-destructive: preflight, RPO canaries, a report; never a failover.

Input (EventBridge Scheduler, terraform/modules/dr/drill.tf): {"mode": "non-destructive",
"rto_minutes": N, "rpo_minutes": N}. Output: the report (also logged, as metrics, and, when the drill
fails, sent to the alerts topic). Nothing raises out of the handler: what broke is in the report.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from pydantic import ValidationError

from backend_core import aws
from drill import preflight
from drill.canary import Canary, measure, remove_all, rpo_check, s3_canary, table_canary
from drill.event import DrillInput, explain
from drill.report import Check, Report
from drill.settings import Settings

NAMESPACE = "MobileBackend"
logger = Logger(service="dr-drill")
metrics = Metrics(namespace=NAMESPACE, service="dr-drill")
Handler = Callable[[dict, Any], dict]
RESERVE_SECONDS = 5.0  # of the invocation's time, kept for cleanup, metrics and the alert


def _now() -> datetime:
    return datetime.now(UTC)


def _guarded(report: Report, name: str, run: Callable[[], Check]) -> Check:
    """Run one check; an exception becomes a failed check that says what broke."""
    started = time.monotonic()
    try:
        check = run()
    except Exception as exc:  # the drill reports every failure instead of crashing
        logger.exception("drill check raised", extra={"check": name})
        check = Check(name, False, f"{type(exc).__name__}: {exc}")
    check.seconds = check.seconds if check.seconds is not None else round(time.monotonic() - started, 3)
    return report.add(check)


def _time_left(context: Any) -> float | None:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return remaining() / 1000 - RESERVE_SECONDS if callable(remaining) else None


def create_handler(settings: Settings) -> Handler:
    primary_ddb = aws.client("dynamodb", settings)
    primary_s3 = aws.client("s3", settings)
    dr = settings.model_copy(update={"region": settings.dr_region})
    dr_ddb, dr_s3 = aws.client("dynamodb", dr), aws.client("s3", dr)

    def run(report: Report, drill_input: DrillInput, context: Any) -> None:
        target = drill_input.rpo_minutes * 60
        report.rpo_target_seconds, report.rto_target_seconds = target, drill_input.rto_minutes * 60
        table_ok = _guarded(
            report, "table_replica", lambda: preflight.table_replica(primary_ddb, dr_ddb, settings)
        )
        media_ok = _guarded(
            report, "media_replication", lambda: preflight.media_replication(primary_s3, settings)
        )
        _guarded(report, "dr_api_health", lambda: preflight.dr_api_health(settings))

        canaries: list[Canary] = []
        for ok, store, build in (
            (table_ok.ok, "table", lambda: table_canary(primary_ddb, dr_ddb, settings, report.run_id)),
            (media_ok.ok, "s3", lambda: s3_canary(primary_s3, dr_s3, settings, report.run_id)),
        ):
            if ok:
                canaries.append(build())
            else:  # waiting for a copy that cannot come would only burn the RPO target
                report.add(Check(f"rpo_{store}", False, "not measured: replication preflight failed"))
        if not canaries:
            return
        budget = _time_left(context)
        wait = target if budget is None else max(0.0, min(target, budget))
        try:
            _guarded(report, "rpo_canaries", lambda: _measure(canaries, wait, settings.poll_interval_seconds))
        finally:
            for canary in canaries:
                report.rpo_seconds[canary.store] = canary.lag_seconds
                report.add(rpo_check(canary, target, wait))
            _guarded(report, "canary_cleanup", lambda: remove_all(canaries))

    def handler(event: dict, context: Any) -> dict:
        started = _now()
        report = Report(
            run_id=f"{started:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}",
            started_at=started.isoformat(),
            env=settings.env_name,
        )
        logger.append_keys(drill_run_id=report.run_id)
        try:
            drill_input = DrillInput.model_validate(event)
        except ValidationError as exc:
            report.add(Check("input", False, f"not a non-destructive drill input: {explain(exc)}"))
        else:
            try:
                run(report, drill_input, context)
            except Exception as exc:  # a bug in the drill itself: still a report, still an alert
                logger.exception("drill failed unexpectedly")
                report.add(Check("drill", False, f"{type(exc).__name__}: {exc}"))
        return finish(report, settings)

    return handler


def _measure(canaries: list[Canary], wait: float, poll: float) -> Check:
    measure(canaries, wait, poll)
    return Check("rpo_canaries", True, f"{len(canaries)} canaries written and polled for up to {wait:.1f} s")


def finish(report: Report, settings: Settings | None) -> dict:
    report.conclude(_now().isoformat())
    for store, lag in report.rpo_seconds.items():
        if lag is not None:
            with single_metric(
                name="RpoSeconds",
                unit=MetricUnit.Seconds,
                value=lag,
                namespace=NAMESPACE,
                default_dimensions={"service": "dr-drill", "Store": store},
            ):
                pass
    metrics.add_metric(name="DrillPassed", unit=MetricUnit.Count, value=1 if report.passed else 0)
    if report.passed:
        logger.info("drill passed", extra={"report": report.to_dict()})
    else:
        logger.error("drill failed", extra={"report": report.to_dict()})
        _alert(report, settings)
    return report.to_dict()


def _alert(report: Report, settings: Settings | None) -> None:
    if settings is None or not settings.alerts_topic_arn:
        logger.warning("no alerts topic configured: the failure is only logged and in DrillPassed")
        return
    topic = settings.alerts_topic_arn
    region = topic.split(":")[3] if topic.count(":") >= 5 else settings.region  # the topic's own region
    try:
        sns = aws.client("sns", settings.model_copy(update={"region": region}))
        failed = ", ".join(c.name for c in report.failures())
        sns.publish(
            TopicArn=topic,
            Subject=f"DR drill failed ({report.env}): {failed}"[:100],
            Message=report.alert_text(),
        )
    except Exception:  # the report is still returned and logged; DrillPassed=0 still alarms
        logger.exception("could not publish the drill alert")


_handler: Handler | None = None


def lambda_handler(event: dict, context: Any) -> dict:
    global _handler
    if _handler is None:  # tracing and metrics wrap the handler on first invoke: X-Ray loads only then
        try:
            handler = create_handler(Settings.from_env())
        except Exception as exc:  # misconfigured function: report it (DrillPassed=0 alarms), do not crash
            logger.exception("drill settings are invalid")
            report = Report(run_id=f"config-{uuid.uuid4().hex[:8]}", started_at=_now().isoformat(), env="?")
            report.add(Check("configuration", False, f"{type(exc).__name__}: {exc}"))
            result = finish(report, None)
            metrics.flush_metrics()
            return result
        _handler = Tracer(service="dr-drill").capture_lambda_handler(metrics.log_metrics(handler))
    return _handler(event, context)
