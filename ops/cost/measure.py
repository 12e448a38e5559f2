"""A usage profile measured from the app's own usage events, through the analytics query layer.

    profile = measure("prod", days=30, base=profile.load())       # Athena in prod's workgroup
    profile = measure("local", days=30, base=...)                  # DuckDB over the local stack's history

What is measured (each a SQL file of ops/analytics/queries, run over [since, until]):
- `audience.active_days_per_month`: active user-days a day (the range's sum of DAU over its days) x 730/24
  days, over the MAU of the range's last day (`requests_per_user_by_route`, `dau_wau_mau`): the days a
  monthly active user is active in a month, so that MAU x active days x requests per active day is the
  range's request rate over a 730-hour month;
- `requests_per_active_day`: signed-in requests per active user per day, by route
  (`requests_per_user_by_route`); a route with no request in the range is 0;
- `handler_ms`: mean time in the handler per route, health checks included (`handler_time_by_route`);
- `traffic.peak_to_mean`: signed-in requests in the busiest hour of the day over the mean hour
  (`requests_by_hour`).
Everything else (item sizes, media, logs, ...) is kept from `base`; `profile.measured` says which fields
came from where.

The range: the `days` days up to `until`, by default the last complete day (UTC yesterday); on the local
stack the last day of the generated history when there is one (its ground truth says which).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ops.cost.model import MONTH_DAYS
from ops.cost.profile import ProfileError, UsageProfile, parse
from ops.errors import OpsError

QUERIES = ("requests_per_user_by_route", "dau_wau_mau", "handler_time_by_route", "requests_by_hour")


def default_until(env: str, target: Any = None) -> date:
    """The last day to read: the local stack's generated history's last day, else yesterday (UTC)."""
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    if env != "local":
        return yesterday
    from botocore.exceptions import ClientError

    from ops.analytics.publish import read_truth
    from ops.analytics.target import resolve

    try:
        truth = read_truth(target or resolve(env))
    except ClientError:  # no generated history in the bucket: the API's own events, up to yesterday
        return yesterday
    return date.fromisoformat(truth["until"])


def _last_mau(rows: list[dict[str, Any]], last: date) -> int:
    """MAU (distinct signed-in users in the 30 days) of the range's last active day."""
    days = [r for r in rows if r.get("mau") and str(r["day"]) <= last.isoformat()]
    return int(max(days, key=lambda r: str(r["day"]))["mau"]) if days else 0


def window(days: int, until: date) -> tuple[date, date]:
    if days < 1:
        raise OpsError(f"--from-analytics takes a number of days of at least 1, got {days}")
    return until - timedelta(days=days - 1), until


def measure(
    env: str,
    days: int,
    base: UsageProfile,
    until: date | None = None,
    *,
    target: Any = None,
    cache_dir: Path | None = None,
) -> UsageProfile:
    """`base` with the traffic fields measured from `env`'s usage events. ProfileError when the range
    holds no signed-in request; QueryError/OpsError as the query layer raises them."""
    from ops.analytics.engine import query_file
    from ops.analytics.metrics import records
    from ops.analytics.target import resolve

    target = target or resolve(env)
    last = until or default_until(env, target)
    since, last = window(days, last)
    results = {
        name: records(query_file(name, env, since, last, target=target, cache_dir=cache_dir))
        for name in QUERIES
    }
    per_route = results["requests_per_user_by_route"]
    if not per_route:
        raise ProfileError(
            f"no signed-in usage events in env {env!r} from {since} to {last}: nothing to measure "
            "(on the local stack: `ops analytics generate --env local ...` first, or pass --until the last day "
            "of the history)"
        )
    source = f"{env}, {since} to {last}"
    document = base.document()
    document["name"] = f"{base.name}, measured from {source}"
    document["description"] = (
        f"Traffic measured from {source} (the fields under `measured`); every other field is kept from "
        f"profile {base.name!r}: {base.description}"
    )
    measured = {}

    mau = _last_mau(results["dau_wau_mau"], last)
    user_days = float(per_route[0]["active_user_days"])
    # Days before the first signed-in event are days the app was not live yet (a younger history than
    # the window): counting them would spread the traffic thin.
    active = [str(r["day"])[:10] for r in results["dau_wau_mau"] if r.get("dau")]
    observed = (last - date.fromisoformat(min(active))).days + 1 if active else days
    observed = max(1, min(days, observed))
    if mau:
        document["audience"]["active_days_per_month"] = min(
            MONTH_DAYS, user_days / observed * MONTH_DAYS / mau
        )
        measured["audience.active_days_per_month"] = (
            f"requests_per_user_by_route, dau_wau_mau ({source}): {user_days:,.0f} active user-days in "
            f"{observed} days"
            + (f" (the history starts on {min(active)})" if observed < days else "")
            + f" x {MONTH_DAYS:.2f} / MAU {mau:,} on {last}"
        )

    document["requests_per_active_day"] = {route: 0.0 for route in document["requests_per_active_day"]} | {
        r["route"]: float(r["requests_per_user_day"]) for r in per_route
    }
    measured["requests_per_active_day"] = f"requests_per_user_by_route ({source})"

    times = {
        r["route"]: float(r["mean_ms"])
        for r in results["handler_time_by_route"]
        if r.get("mean_ms") is not None
    }
    document["handler_ms"] = document["handler_ms"] | times
    measured["handler_ms"] = f"handler_time_by_route ({source}); routes without requests keep the base's"

    hourly = {int(r["hour"]): int(r["user_requests"]) for r in results["requests_by_hour"]}
    if sum(hourly.values()):
        mean = sum(hourly.values()) / 24
        document["traffic"]["peak_to_mean"] = max(1.0, max(hourly.values()) / mean)
        measured["traffic.peak_to_mean"] = f"requests_by_hour ({source}): busiest hour / mean hour, signed in"

    document["measured"] = measured
    return parse(document, f"measured from {source}")
