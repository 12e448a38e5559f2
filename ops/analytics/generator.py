"""A synthetic usage history with known answers: what `ops analytics generate` writes.

The model, per user (consumers and providers of a two-sided marketplace):
- sign-up day drawn from a growing rate (4x from the first day to the last, more on weekends);
- role (10 % providers), platform (iOS 47 %, Android 43 %, web 10 %), an engagement level and a
  lifetime: 35 % churn early (mean 5 days), the rest slowly (mean 120 days), so retention curves fall
  steeply first and then flatten;
- active on the sign-up day, then each day with probability engagement x weekday rhythm (consumers use
  the app less on Sunday, providers much less at weekends) x a novelty bonus that fades in two weeks;
- app versions released every 14 days, adopted after a per-user lag (web at once);
- each active day, 1 + Poisson requests spread over the day by a diurnal curve, routes drawn from a
  role's route mix (providers notify, consumers read their inbox and subscribe), statuses from per-route
  client-error rates, 0.1 % server errors, latency log-normal around a per-route median (+25 % in DR);
- the Route 53 health checks: one GET /health per minute per region, anonymous;
- a failover day: the primary region fails (30 % server errors for 20 minutes), then for three hours
  all traffic is served by the DR region, whose health check the primary's outage does not touch.

`generate()` returns the events (column arrays in the usage-event contract's order, one Arrow table per
day) and the ground truth: every metric of ops/analytics/queries computed here from the generated
events with pandas, independently of SQL, in the shape the query answers (percentiles as the exact
value and the range an approximate percentile with 1 % rank error may fall in).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from backend_core.usage_events import glue_columns
from ops.paths import REPO_ROOT

OPENAPI = REPO_ROOT / "lambdas" / "mobile_api" / "openapi.json"
PLATFORMS = ("ios", "android", "web")
PLATFORM_SHARE = (0.47, 0.43, 0.10)
PROVIDER_SHARE = 0.10
RELEASE_EVERY_DAYS = 14
HEALTH_ROUTE = "GET /health"
SMALL_DICTIONARY = 256  # labels a day's file may carry unused (routes, versions); user ids are cut down
PERCENTILES = {"p50_ms": 0.5, "p95_ms": 0.95, "p99_ms": 0.99}
RANK_ERROR = (
    0.01  # Trino's approx_percentile default accuracy (rank error), also DuckDB's T-digest bound here
)


@dataclass(frozen=True)
class Route:
    """Weights in a consumer's / provider's request mix, median latency, client errors, status codes."""

    consumer: float
    provider: float
    median_ms: float
    client_error_rate: float
    client_error: int
    success: int


# Route templates as the API records them (a test checks each exists in lambdas/mobile_api/openapi.json).
ROUTES: dict[str, Route] = {
    "GET /me": Route(8, 6, 25, 0.002, 401, 200),
    "PUT /me": Route(1, 1, 35, 0.01, 422, 200),
    "POST /devices": Route(1, 1, 80, 0.01, 422, 201),
    "DELETE /devices/{id}": Route(0.2, 0.2, 60, 0.05, 404, 204),
    "GET /sync": Route(30, 25, 45, 0.005, 400, 200),
    "PUT /sync/{collection}/{id}": Route(14, 12, 40, 0.03, 409, 200),
    "DELETE /sync/{collection}/{id}": Route(2, 2, 35, 0.03, 409, 200),
    "POST /media/uploads": Route(2, 8, 30, 0.01, 413, 201),
    "GET /media/{id}": Route(9, 5, 20, 0.02, 404, 200),
    "POST /providers/{id}/subscribe": Route(3, 0, 50, 0.02, 404, 200),
    "GET /notifications": Route(22, 8, 40, 0.002, 400, 200),
    "POST /notifications": Route(0, 25, 70, 0.02, 422, 202),
}
# UTC hour weights: most users are in the Americas (evenings 00-03 UTC, afternoons 15-20 UTC).
DIURNAL = np.array([8, 7, 6, 4, 3, 2, 1.5, 1.2, 1.2, 1.5, 2, 3, 4, 5, 6, 7, 7.5, 8, 8, 8, 7.5, 7.5, 8, 8.5])
WEEKDAY_CONSUMER = np.array([1.0, 1.0, 1.0, 1.0, 1.05, 0.9, 0.75])  # Monday first
WEEKDAY_PROVIDER = np.array([1.1, 1.1, 1.1, 1.1, 1.05, 0.55, 0.45])
SIGNUP_WEEKDAY = np.array([0.9, 0.9, 0.9, 0.95, 1.0, 1.25, 1.2])


@dataclass(frozen=True)
class Settings:
    days: int
    users: int
    seed: int
    end: date  # last day of the history (inclusive), UTC
    env: str = "local"
    primary_region: str = "us-east-1"
    dr_region: str = "us-west-2"
    failover_day: date | None = None  # default: two thirds into the history
    failover_start_hour: int = 14
    failover_hours: int = 3

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.days - 1)

    @property
    def failover(self) -> date:
        return self.failover_day or self.start + timedelta(days=(2 * self.days) // 3)

    def document(self) -> dict[str, Any]:
        doc = asdict(self)
        return {
            **doc,
            "end": self.end.isoformat(),
            "start": self.start.isoformat(),
            "failover_day": self.failover.isoformat(),
        }


@dataclass
class History:
    settings: Settings
    days: list[str]  # yyyy-MM-dd, one per generated day
    # day -> pyarrow.Table in the contract's column order; text columns dictionary-encoded, as Parquet
    # stores them (`table.cast(TableSchema.from_contract().arrow_schema())` gives plain strings)
    tables: dict[str, Any]
    truth: dict[str, Any] = field(default_factory=dict)  # filled by compute_truth()
    events_frame: Callable[[], Any] | None = field(default=None, repr=False)  # pandas, for the truth

    @property
    def events(self) -> int:
        return sum(t.num_rows for t in self.tables.values())

    def compute_truth(self) -> dict[str, Any]:
        """The ground truth of these events (`truth`, also returned): pandas and numpy, a few seconds of
        CPU for 90 days of 10,000 users, mostly holding the GIL (so `publish.write` runs it while its
        threads encode and upload Parquet, which release it)."""
        if not self.truth:
            assert self.events_frame is not None, "a History made by simulate() knows its events"
            metrics = ground_truth(self.events_frame(), self.days[0], self.days[-1])
            self.truth = {
                "generator": self.settings.document(),
                "since": self.days[0],
                "until": self.days[-1],
                "metrics": metrics,
            }
        return self.truth


def api_routes() -> set[str]:
    """'METHOD /path' of every route the API serves (its committed OpenAPI document)."""
    document = json.loads(OPENAPI.read_text())
    return {f"{method.upper()} {path}" for path, ops in document["paths"].items() for method in ops}


def generate(settings: Settings, progress: Callable[[str, int], None] | None = None) -> History:
    """The history and its ground truth. `progress(step, advance)` is called as work is done."""
    history = simulate(settings, progress)
    history.compute_truth()
    (progress or (lambda step, n: None))("truth", 1)
    return history


def simulate(settings: Settings, progress: Callable[[str, int], None] | None = None) -> History:
    """The history's events, without the ground truth yet (`History.compute_truth()`). `progress(step,
    advance)` is called 7 times as work is done. ValueError for fewer than 1 day or user."""

    tick = progress or (lambda step, n: None)
    if settings.days < 1 or settings.users < 1:
        raise ValueError("days and users must be at least 1")
    served = api_routes()
    routes = {name: route for name, route in ROUTES.items() if name in served}
    rng = np.random.default_rng(settings.seed)
    n_days, n_users = settings.days, settings.users
    start = settings.start
    day_index = np.arange(n_days)
    weekday = (np.array([start.weekday()]) + day_index) % 7
    tick("users", 1)

    # ---- users ----
    growth = np.exp(np.log(4.0) * day_index / max(1, n_days - 1)) * SIGNUP_WEEKDAY[weekday]
    signup = np.sort(rng.choice(n_days, size=n_users, p=growth / growth.sum()))
    provider = rng.random(n_users) < PROVIDER_SHARE
    platform = rng.choice(len(PLATFORMS), size=n_users, p=PLATFORM_SHARE)
    engagement = rng.beta(2.2, 2.8, size=n_users)
    early_churn = rng.random(n_users) < 0.35
    lifetime = np.where(early_churn, rng.exponential(5, n_users), rng.exponential(120, n_users))
    last_day = signup + np.floor(lifetime).astype(int)
    adoption_lag = np.where(
        platform == PLATFORMS.index("web"), 0, np.ceil(rng.exponential(4, n_users))
    ).astype(int)
    user_ids = np.array(
        [_hex(b) for b in rng.integers(0, 256, size=(n_users, 16), dtype=np.uint8)], dtype=object
    )
    tick("users", 1)

    # ---- activity: users x days ----
    age = day_index[None, :] - signup[:, None]
    rhythm = np.where(
        provider[:, None], WEEKDAY_PROVIDER[weekday][None, :], WEEKDAY_CONSUMER[weekday][None, :]
    )
    novelty = 1.0 + 0.6 * np.exp(-np.maximum(age, 0) / 14.0)
    probability = np.clip(engagement[:, None] * rhythm * novelty, 0, 1)
    alive = (age >= 0) & (day_index[None, :] <= last_day[:, None])
    active = alive & ((rng.random((n_users, n_days)) < probability) | (age == 0))
    user_of, day_of = np.nonzero(active)  # one row per active user-day
    tick("activity", 1)

    # ---- requests of signed-in users ----
    intensity = rng.gamma(4.0, 0.25, n_users)  # per-user request volume, mean 1
    lam = np.where(provider[user_of], 16.0, 9.0) * intensity[user_of]
    per_day = 1 + rng.poisson(lam)
    ev_user = np.repeat(user_of, per_day)
    ev_day = np.repeat(day_of, per_day)
    n_ev = ev_user.size
    names = list(routes)
    ev_route = np.empty(n_ev, dtype=np.int16)
    for is_provider in (False, True):
        mask = provider[ev_user] == is_provider
        weights = np.array(
            [routes[r].provider if is_provider else routes[r].consumer for r in names], dtype=float
        )
        ev_route[mask] = rng.choice(len(names), size=int(mask.sum()), p=weights / weights.sum())
    ev_seconds = _seconds_of_day(rng, n_ev)
    tick("events", 1)

    # ---- health checks: one per minute per region, anonymous ----
    minutes = np.arange(0, 86400, 60)
    hc_day = np.repeat(day_index, 2 * minutes.size)
    hc_seconds = np.tile(np.concatenate([minutes, minutes]), n_days) + rng.integers(0, 60, hc_day.size)
    hc_dr = np.tile(np.concatenate([np.zeros(minutes.size, bool), np.ones(minutes.size, bool)]), n_days)

    # ---- assemble ----
    all_names = [*names, HEALTH_ROUTE]
    route_code = np.concatenate([ev_route, np.full(hc_day.size, len(names), dtype=np.int16)])
    day = np.concatenate([ev_day, hc_day])
    seconds = np.concatenate([ev_seconds, hc_seconds]).astype(np.int64)
    user = np.concatenate([ev_user, np.full(hc_day.size, -1)])
    signed_in = user >= 0
    failover_index = (settings.failover - start).days
    outage_from = settings.failover_start_hour * 3600 - 20 * 60
    failover_from, failover_to = (
        settings.failover_start_hour * 3600,
        (settings.failover_start_hour + settings.failover_hours) * 3600,
    )
    on_failover_day = day == failover_index
    in_outage = on_failover_day & (seconds >= outage_from) & (seconds < failover_from)
    in_failover = on_failover_day & (seconds >= failover_from) & (seconds < failover_to)
    dr = np.where(signed_in, in_failover, np.concatenate([np.zeros(ev_day.size, bool), hc_dr]))
    primary_down = in_outage | in_failover

    n = day.size
    medians = np.array([routes[r].median_ms for r in names] + [3.0])
    client_rate = np.array([routes[r].client_error_rate for r in names] + [0.0])
    client_code = np.array([routes[r].client_error for r in names] + [400])
    success_code = np.array([routes[r].success for r in names] + [200])
    server_rate = np.where(in_outage & ~dr, 0.30, 0.001)
    draw = rng.random(n)
    server = draw < server_rate
    health_of_dark_primary = (route_code == len(names)) & ~dr & primary_down
    server |= health_of_dark_primary  # Route 53 sees the primary's /health fail: that is the failover
    client = ~server & (draw < server_rate + client_rate[route_code])
    status = np.where(
        server,
        np.where(rng.random(n) < 0.7, 503, 500),
        np.where(client, client_code[route_code], success_code[route_code]),
    )
    latency = medians[route_code] * np.exp(rng.normal(0, 0.45, n)) * np.where(dr, 1.25, 1.0)
    latency = np.where(server & (route_code != len(names)), rng.uniform(1000, 3000, n), latency)
    latency = np.round(latency, 3)
    tick("events", 1)

    epoch0 = datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp()
    ts_ms = ((epoch0 + day * 86400 + seconds) * 1000).astype(np.int64) + rng.integers(0, 1000, n)
    order = np.lexsort((ts_ms, day))
    user_safe = np.where(signed_in, user, 0)
    # Release k ships on day 14k - 7 (one release before the history starts); a user runs the newest one
    # released at least their adoption lag ago.
    versions = [f"2.{k}.0" for k in range(n_days // RELEASE_EVERY_DAYS + 2)]
    version_index = np.clip((day + 7 - adoption_lag[user_safe]) // RELEASE_EVERY_DAYS, 0, None)
    # Every text column as (codes, labels): cheap to sort, group and hand to Arrow as a dictionary.
    methods = sorted({r.split(" ", 1)[0] for r in all_names})
    coded: dict[str, tuple[np.ndarray, list[str]]] = {
        "env": (np.zeros(n, np.int32), [settings.env]),
        "region": _recode(dr.astype(np.int32), [settings.primary_region, settings.dr_region]),
        "route": _recode(route_code.astype(np.int32), all_names),
        "method": (
            np.array([methods.index(r.split(" ", 1)[0]) for r in all_names], np.int32)[route_code],
            methods,
        ),
        "user_id": _recode(np.where(signed_in, user, -1).astype(np.int32), list(user_ids)),
        "role": _recode(
            np.where(signed_in, provider[user_safe].astype(np.int32), 2),
            ["consumer", "provider", "anonymous"],
        ),
        "platform": _recode(
            np.where(signed_in, platform[user_safe], 3).astype(np.int32), [*PLATFORMS, "unknown"]
        ),
        "app_version": _recode(np.where(signed_in, version_index, -1).astype(np.int32), versions),
    }
    coded = {k: (codes[order], labels) for k, (codes, labels) in coded.items()}
    numbers = {"ts": ts_ms[order], "status": status.astype(np.int32)[order], "latency_ms": latency[order]}
    day_sorted = day[order]
    days = [(start + timedelta(days=int(d))).isoformat() for d in day_index]
    tick("events", 1)

    tables = _arrow_tables(_event_ids(rng, n), coded, numbers, day_sorted, days)
    tick("tables", 1)
    return History(settings, days, tables, events_frame=lambda: _frame(coded, numbers, day_sorted, days))


def _recode(codes: np.ndarray, labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """The same values with labels in sorted order (SQL's ORDER BY on text and the truth agree)."""
    ranked = sorted(range(len(labels)), key=lambda i: labels[i])
    position = np.empty(len(labels), np.int32)
    position[ranked] = np.arange(len(labels), dtype=np.int32)
    return np.where(codes >= 0, position[np.maximum(codes, 0)], -1).astype(np.int32), [
        labels[i] for i in ranked
    ]


def _frame(coded: dict, numbers: dict, day_sorted: np.ndarray, days: list[str]) -> Any:
    import pandas as pd

    columns = {k: pd.Categorical.from_codes(codes, labels) for k, (codes, labels) in coded.items()}
    columns["day"] = pd.Categorical.from_codes(day_sorted.astype(np.int32), days, ordered=True)
    return pd.DataFrame(
        {
            **columns,
            "ts": pd.to_datetime(numbers["ts"], unit="ms"),
            "status": numbers["status"],
            "latency_ms": numbers["latency_ms"],
        }
    )


def _seconds_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    hours = rng.choice(24, size=n, p=DIURNAL / DIURNAL.sum())
    return hours * 3600 + rng.integers(0, 3600, n)


def _hex(row: np.ndarray) -> str:
    text = row.tobytes().hex()
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{text[16:20]}-{text[20:32]}"


def _event_ids(rng: np.random.Generator, n: int) -> Any:
    """n random 128-bit ids as 32 hex characters: one string array over one buffer, no Python loop."""
    import pyarrow as pa

    text = rng.bytes(16 * n).hex().encode()  # 32 characters per id, back to back
    offsets = np.arange(0, 32 * n + 1, 32, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text))


def _arrow_tables(
    event_ids: Any, coded: dict, numbers: dict, day_sorted: np.ndarray, days: list[str]
) -> dict[str, Any]:
    """One table per day. Text columns stay dictionary-encoded (codes and labels, as generated): the
    Parquet writer takes them as they are instead of hashing 1.4 million strings again."""
    import pyarrow as pa

    from ops.analytics.schema import TableSchema

    schema = TableSchema.from_contract().arrow_schema()
    assert [f.name for f in schema] == [c["name"] for c in glue_columns()]
    ts = pa.array(numbers["ts"], type=pa.int64()).cast(pa.timestamp("ms"))
    labels = {name: pa.array(names, pa.string()) for name, (_, names) in coded.items()}
    bounds = np.searchsorted(day_sorted, np.arange(len(days) + 1))
    tables = {}
    for i, day in enumerate(days):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        arrays = []
        for name in schema.names:
            if name == "event_id":
                arrays.append(event_ids.slice(lo, hi - lo))
            elif name == "ts":
                arrays.append(ts.slice(lo, hi - lo))
            elif name in numbers:
                arrays.append(pa.array(numbers[name][lo:hi], type=schema.field(name).type))
            else:
                arrays.append(_dictionary(coded[name][0][lo:hi], labels[name]))
        tables[day] = pa.Table.from_arrays(arrays, names=schema.names)
    return tables


def _dictionary(codes: np.ndarray, labels: Any) -> Any:
    """A dictionary array of these codes (-1: null). A large dictionary (user ids) is cut down to the
    labels these codes use: the Parquet writer stores a column's whole dictionary in every file."""
    import pyarrow as pa

    null = codes < 0
    if len(labels) <= SMALL_DICTIONARY:
        return pa.DictionaryArray.from_arrays(pa.array(codes, mask=null), labels)
    used, index = np.unique(codes, return_inverse=True)
    if used.size and used[0] < 0:
        used, index = used[1:], index - 1
    return pa.DictionaryArray.from_arrays(
        pa.array(index.astype(np.int32), mask=null), labels.take(pa.array(used, pa.int32()))
    )


# ---- ground truth ----------------------------------------------------------------------------------
def _quantile(ordered: np.ndarray, p: float) -> float:
    """np.quantile(ordered, p) (linear interpolation) of an already sorted array, without sorting again."""
    position = p * (ordered.size - 1)
    below = int(np.floor(position))
    above = min(below + 1, ordered.size - 1)
    return float(ordered[below] + (position - below) * (ordered[above] - ordered[below]))


def ground_truth(events: Any, since: str, until: str) -> dict[str, list[dict[str, Any]]]:
    """Every metric file's answer for [since, until], from the events (a pandas DataFrame with the
    contract's columns and `day`; text columns may be categorical), computed with numpy and pandas: no
    SQL involved. `since` must be the history's first day (the queries read history before :since to
    find first days and 30-day windows); `until` may lie past the last day with events. A day without
    any event (past the data, or lost on the way) is not observed: nobody is eligible for Dn retention
    on it."""
    import pandas as pd

    # Days compared as their distinct values, not row by row (1.4 million string conversions).
    day_labels = sorted(d for d in map(str, events["day"].unique()) if since <= d <= until)
    ev = events[events["day"].isin(day_labels)]
    users = ev[ev["user_id"].notna()]
    active = users[["day", "user_id"]].drop_duplicates()
    day_pos = {d: i for i, d in enumerate(day_labels)}
    user_codes, user_labels = pd.factorize(active["user_id"])
    matrix = np.zeros((len(user_labels), len(day_labels)), dtype=bool)  # user x day: active
    matrix[user_codes, pd.Categorical(active["day"].astype(object), categories=day_labels).codes] = True
    dau = matrix.sum(axis=0)
    first = matrix.argmax(axis=1)
    new = np.bincount(first, minlength=len(day_labels))
    metrics: dict[str, list[dict[str, Any]]] = {}

    calendar = [date.fromisoformat(d) for d in day_labels]
    ordinal = np.array([d.toordinal() for d in calendar])  # windows by calendar days, gaps or not
    rows = []
    for i, d in enumerate(day_labels):
        if not dau[i]:
            continue
        wau = int(matrix[:, (ordinal > ordinal[i] - 7) & (ordinal <= ordinal[i])].any(axis=1).sum())
        mau = int(matrix[:, (ordinal > ordinal[i] - 30) & (ordinal <= ordinal[i])].any(axis=1).sum())
        rows.append({"day": d, "dau": int(dau[i]), "wau": wau, "mau": mau, "stickiness": int(dau[i]) / mau})
    metrics["dau_wau_mau"] = rows
    metrics["new_vs_returning"] = [
        {
            "day": d,
            "active_users": int(dau[i]),
            "new_users": int(new[i]),
            "returning_users": int(dau[i] - new[i]),
        }
        for i, d in enumerate(day_labels)
        if dau[i]
    ]

    weeks = np.array([(d - timedelta(days=d.weekday())).isoformat() for d in calendar])
    # Column of the day n days after each day, -1 when that day holds no event (past the data, or a
    # gap): a user is eligible for Dn only when that day was observed.
    later = {
        n: np.array([day_pos.get((d + timedelta(days=n)).isoformat(), -1) for d in calendar], dtype=int)
        for n in (1, 7, 30)
    }
    cohort_rows = []
    for week in sorted(set(weeks[first])):
        members = np.flatnonzero(weeks[first] == week)
        row: dict[str, Any] = {"cohort_week": str(week), "cohort_users": int(members.size)}
        for n in (1, 7, 30):
            column = later[n][first[members]]
            eligible, column = members[column >= 0], column[column >= 0]
            retained = int(matrix[eligible, column].sum()) if eligible.size else 0
            row[f"d{n}_eligible"] = int(eligible.size)
            row[f"d{n}_retained"] = retained
            row[f"d{n}_rate"] = retained / eligible.size if eligible.size else None
        cohort_rows.append(row)
    metrics["retention_weekly_cohorts"] = cohort_rows

    def health(group: Any) -> dict[str, Any]:
        latency = np.sort(group["latency_ms"].to_numpy())
        status = group["status"].to_numpy()
        out = {
            "requests": len(group),
            "client_errors": int(((status >= 400) & (status <= 499)).sum()),
            "server_errors": int((status >= 500).sum()),
        }
        out["error_rate"] = out["server_errors"] / out["requests"]
        # An approximate percentile may sit anywhere within the rank error; on a small group that is
        # less than the distance between two neighbouring values, so allow two values either side.
        slack = max(RANK_ERROR, 2 / len(latency))
        for name, p in PERCENTILES.items():
            out[name] = {
                "exact": _quantile(latency, p),
                "low": _quantile(latency, max(0.0, p - slack)),
                "high": _quantile(latency, min(1.0, p + slack)),
            }
        return out

    # Each grouping takes only the columns it reads: a group copies what it is given.
    by_route = [
        {"route": str(r), **health(g)}
        for r, g in ev[["route", "latency_ms", "status"]].groupby("route", sort=True, observed=True)
    ]
    metrics["api_health_by_route"] = sorted(by_route, key=lambda row: (-row["requests"], row["route"]))
    metrics["api_health_by_region_day"] = [
        {
            "day": str(d),
            "region": str(region),
            "user_requests": int(g["user_id"].notna().sum()),
            **{k: v for k, v in health(g).items() if k != "client_errors"},
        }
        for (d, region), g in ev[["day", "region", "user_id", "latency_ms", "status"]].groupby(
            ["day", "region"], sort=True, observed=True
        )
    ]
    metrics["platform_mix"] = [
        {"day": str(d), "platform": str(p), "active_users": int(g["user_id"].nunique()), "requests": len(g)}
        for (d, p), g in users[["day", "platform", "user_id"]].groupby(
            ["day", "platform"], sort=True, observed=True
        )
    ]
    versions = users[["day", "platform", "user_id"]].assign(
        app_version=users["app_version"].astype(object).fillna("unknown").astype(str)
    )
    metrics["app_version_mix"] = [
        {"day": str(d), "platform": str(p), "app_version": v, "active_users": int(n)}
        for (d, p, v), n in versions.groupby(["day", "platform", "app_version"], sort=True, observed=True)[
            "user_id"
        ]
        .nunique()
        .items()
        if n
    ]
    ok = (ev["status"] >= 200) & (ev["status"] <= 299)
    sent = ev[(ev["role"] == "provider") & (ev["route"] == "POST /notifications") & ok]
    reads = ev[(ev["role"] == "consumer") & (ev["route"] == "GET /notifications") & ok]
    subs = ev[(ev["role"] == "consumer") & (ev["route"] == "POST /providers/{id}/subscribe") & ok]

    def per_day(frame: Any, how: str) -> dict[str, int]:
        grouped = frame.groupby("day", observed=True)["user_id"]
        counts = grouped.size() if how == "count" else grouped.nunique()
        return {str(k): int(v) for k, v in counts.items()}

    for role, name in (("provider", "provider_activity"), ("consumer", "consumer_engagement")):
        side = ev[ev["role"] == role]
        active_side = per_day(side, "nunique")
        if role == "provider":
            sent_n, senders = per_day(sent, "count"), per_day(sent, "nunique")
            metrics[name] = [
                {
                    "day": d,
                    "active_providers": n,
                    "notifications_sent": sent_n.get(d, 0),
                    "notifying_providers": senders.get(d, 0),
                }
                for d, n in sorted(active_side.items())
            ]
        else:
            reads_n, readers, subs_n = (
                per_day(reads, "count"),
                per_day(reads, "nunique"),
                per_day(subs, "count"),
            )
            metrics[name] = [
                {
                    "day": d,
                    "active_consumers": n,
                    "inbox_reads": reads_n.get(d, 0),
                    "inbox_readers": readers.get(d, 0),
                    "subscriptions": subs_n.get(d, 0),
                }
                for d, n in sorted(active_side.items())
            ]
    metrics["handler_time_by_route"] = sorted(
        (
            {"route": str(r), "requests": len(g), "mean_ms": float(g["latency_ms"].mean())}
            for r, g in ev.groupby("route", sort=True, observed=True)
        ),
        key=lambda row: (-row["requests"], row["route"]),
    )
    if "ts" in ev:  # hour of the day, UTC (the events' ts is UTC)
        hours = ev.assign(hour=ev["ts"].dt.hour).groupby("hour", sort=True)
        metrics["requests_by_hour"] = [
            {"hour": int(h), "requests": len(g), "user_requests": int(g["user_id"].notna().sum())}
            for h, g in hours
        ]
    user_days = int(matrix.sum())
    per_route = users.groupby("route", observed=True).size()
    metrics["requests_per_user_by_route"] = [
        {
            "route": str(r),
            "requests": int(c),
            "active_user_days": user_days,
            "requests_per_user_day": int(c) / user_days,
        }
        for r, c in sorted(per_route.items(), key=lambda item: (-item[1] / user_days, str(item[0])))
        if c
    ]
    return metrics
