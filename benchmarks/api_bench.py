"""API benchmarks: `python -m benchmarks.api_bench [--iterations N --seconds S]` -> reports/bench/api.json + tables.

Every number is a ratio against a baseline measured in the same run, on the same machine:
- latency per route, in-process (handler called directly) against one bare DynamoDB GetItem on the emulator,
  and through the local API front (HTTP + JWT verification) against the same route in-process;
- AWS calls per route (counted with botocore `before-call` events) against the minimum its access pattern needs;
- cold import of the API handler module against importing only boto3 + the Powertools pieces it uses;
- zip size per function against the zip of its third-party dependencies alone (goal: API under 5 MB).
Latencies against moto on loopback say where time goes relative to a round trip, not what AWS will show.

Bounded: each route stops after `--iterations` requests or `--seconds` seconds, whichever comes first (defaults
keep a run to a few minutes on the shared 2-core machine; `--iterations 3 --seconds 2 --import-repeats 1
--no-zip` is a smoke run). The handler's usage-event lines go to the null device (`quiet_usage_lines`), as
Lambda's runtime takes stdout to the log group, never into the report; progress is one line per step on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "lambdas")]

from backend_core import item_keys  # noqa: E402
from backend_core.ddb import to_ddb  # noqa: E402
from benchmarks.markdown_report import publish  # noqa: E402
from ops import lambda_build  # noqa: E402

REPORT = ROOT / "reports" / "bench" / "api.json"
API_ZIP_GOAL = 5 * 1024 * 1024
IMPORT_GOAL = 1.20
USAGE_GOAL = 1.05  # p50 with the usage event on / off
# Fewest AWS calls each route's design allows (backend_core.table_design, the stores' docstrings), usage event
# excluded; tests/api/test_api_bench.py checks every route of `Scenarios` makes exactly these plus EXTRA_CALLS.
MINIMUM_CALLS = {
    "GET /health": 0,
    "GET /me": 1,  # GetItem
    "PUT /me": 1,  # UpdateItem (conditional, ALL_NEW); the profile is made again first only if it was removed
    # Sync writes: one consistent BatchGetItem (this region's counter + every region's copy) + TransactWriteItems.
    "PUT /sync (create)": 2,
    "PUT /sync (update)": 2,
    "DELETE /sync": 2,
    # Query this region's change log (one per write region: the bench's handler has one) + BatchGetItem of the
    # changed items' copies (the log records hold no data).
    "GET /sync": 2,
    # CreatePlatformEndpoint + GetEndpointAttributes (AWS's token flow: revive a disabled endpoint, correct its
    # token) + Query GSI2 (take the token from a previous account on the same phone) + PutItem.
    "POST /devices": 4,
    # DeleteItem (ALL_OLD) + Query GSI2 (does another account's registration use the endpoint?) + DeleteEndpoint.
    "DELETE /devices/{id}": 3,
    "POST /media/uploads": 1,  # PutItem (presigning is local)
    "GET /media/{id}": 3,  # GetItem + HeadObject (archived?) + UpdateItem (the use record); presigning is local
    "POST /providers/{id}/subscribe": 2,  # GetItem provider + TransactWriteItems (the pair + this region's count)
    "POST /notifications": 4,  # PutItem key + GetItem subscriber + SendMessageBatch + UpdateItem key
    "GET /notifications": 1,  # Query
}
# Calls a route of the bench makes beyond its minimum, and why (none may appear without a line here).
EXTRA_CALLS = {
    # The bench repeats one subscription: the transaction is cancelled by its condition, then a GetItem reads the
    # stored subscription's time (ReturnValuesOnConditionCheckFailure=ALL_OLD on the Put would save it).
    "POST /providers/{id}/subscribe": 1,
}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarise(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(samples, 0.50), 3), "p99_ms": round(percentile(samples, 0.99), 3)}


def progress(message: str) -> None:
    """One line of progress on stderr (stdout carries only the report's tables)."""
    print(f"api bench [{time.strftime('%H:%M:%S')}]: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def quiet_usage_lines() -> Iterator[None]:
    """Send the handler's usage lines to the null device for the bench's duration, and restore the writer after.

    Each line is still formatted and written by the function's own code (`mobile_api.usage.fd_line`: one
    `write` system call per line, as on Lambda's stdout), to a descriptor of the null device instead of
    stdout: its cost is measured, the line stays out of the report."""
    from mobile_api.usage import fd_line, set_line_writer

    fd = os.open(os.devnull, os.O_WRONLY)
    previous = set_line_writer(lambda line: fd_line(fd, line))
    try:
        yield
    finally:
        set_line_writer(previous)
        os.close(fd)


def bounded(n: int, seconds: float) -> Iterator[int]:
    """0..n-1, stopping early once `seconds` have passed (at least one iteration)."""
    deadline = time.perf_counter() + seconds
    for i in range(n):
        if i and time.perf_counter() > deadline:
            return
        yield i


class Scenarios:
    """Per route: a request factory for iteration i, with whatever it needs created beforehand (untimed: the
    factory runs before the clock starts). What a delete removes is made by its factory, one per request, so
    a route cut short by the time budget made nothing it did not use."""

    def __init__(self, call: Callable[..., tuple[int, Any]], users: dict[str, Any], n: int) -> None:
        self.call, self.users, self.n = call, users, n
        consumer, provider = users["consumer"], users["provider"]
        call("GET", "/me", provider)
        call("POST", f"/providers/{provider.sub}/subscribe", consumer)
        call("PUT", "/sync/bench/updated", consumer, {"data": {"v": 0}})
        self.media_id = call("POST", "/media/uploads", consumer, {"content_type": "image/png", "size": 10})[
            1
        ]["id"]
        self.run = uuid.uuid4().hex[:8]

    def _sync_item(self, i: int) -> str:
        """A live sync item (version 1) to delete; its path."""
        path = f"/sync/del/{self.run}-{i}"
        self.call("PUT", path, self.users["consumer"], {"data": {"i": i}})
        return path

    def _device(self) -> str:
        """A registered device to remove; its id."""
        body = {"platform": "apns", "token": f"bench-del-{uuid.uuid4().hex}"}
        return self.call("POST", "/devices", self.users["consumer"], body)[1]["id"]

    def routes(self) -> dict[str, Callable[[int], tuple]]:
        c, p, run = self.users["consumer"], self.users["provider"], self.run
        return {
            "GET /health": lambda i: ("GET", "/health", None, None),
            "GET /me": lambda i: ("GET", "/me", c, None),
            "PUT /me": lambda i: ("PUT", "/me", c, {"display_name": f"n{i}"}),
            "PUT /sync (create)": lambda i: ("PUT", f"/sync/new/{run}-{i}", c, {"data": {"i": i}}),
            "PUT /sync (update)": lambda i: ("PUT", "/sync/bench/updated", c, {"data": {"v": i}, "version": i + 1}),
            "DELETE /sync": lambda i: ("DELETE", f"{self._sync_item(i)}?version=1", c, None),
            "GET /sync": lambda i: ("GET", "/sync?limit=50", c, None),
            "POST /devices": lambda i: ("POST", "/devices", c, {"platform": "fcm", "token": f"b-{run}-{i}"}),
            "DELETE /devices/{id}": lambda i: ("DELETE", f"/devices/{self._device()}", c, None),
            "POST /media/uploads": lambda i: ("POST", "/media/uploads", c, {"content_type": "image/png", "size": 99}),
            "GET /media/{id}": lambda i: ("GET", f"/media/{self.media_id}", c, None),
            "POST /providers/{id}/subscribe": lambda i: ("POST", f"/providers/{p.sub}/subscribe", c, None),
            "POST /notifications": lambda i: ("POST", "/notifications", p, {"to": c.sub, "title": "t", "body": "b"},
                                              {"Idempotency-Key": f"{run}-{i}"}),
            "GET /notifications": lambda i: ("GET", "/notifications?limit=20", c, None),
        }  # fmt: skip


def timed(call: Callable[..., tuple[int, Any]], request: tuple) -> tuple[float, int]:
    method, path, user, body, *rest = request
    start = time.perf_counter()
    status, _ = call(method, path, user, body, rest[0] if rest else None)
    return (time.perf_counter() - start) * 1000, status


def in_process(stack: Any, n: int, seconds: float, usage_n: int) -> tuple[dict, dict, dict]:
    from mobile_api.app import create_handler
    from mobile_api.settings import Settings
    from tests.api.conftest import User, v2_event

    values = {k: v for k, v in stack.state["regions"]["primary"].items() if k in Settings.model_fields}
    settings = Settings(**values, endpoint_url=stack.endpoint_url, env_name="local")
    handler = create_handler(settings)
    calls: Counter[str] = Counter()
    deps = handler.deps  # type: ignore[attr-defined]
    for client in (deps.dynamodb, deps.s3, deps.sns, deps.sqs):
        client.meta.events.register("before-call", lambda model, **_: calls.update([model.name]))

    def call(
        method: str, path: str, user: Any, body: Any = None, headers: dict | None = None
    ) -> tuple[int, Any]:
        out = handler(v2_event(method, path, user, body, headers), None)
        return out["statusCode"], json.loads(out["body"]) if out.get("body") else None

    users = {
        "consumer": User(str(uuid.uuid4()), "[consumers]"),
        "provider": User(str(uuid.uuid4()), "[providers]"),
    }
    scenarios = Scenarios(call, users, n)
    latency, per_route_calls, statuses = {}, {}, {}
    routes = scenarios.routes()
    for index, (route, make) in enumerate(routes.items(), 1):
        samples, route_calls = [], Counter()
        started = time.perf_counter()
        for i in bounded(n, seconds):
            request = make(i)  # what it needs made first is neither timed nor counted
            calls.clear()
            ms, status = timed(call, request)
            route_calls.update(calls)
            samples.append(ms)
            statuses.setdefault(route, Counter())[status] += 1
        latency[route] = {**summarise(samples), "requests": len(samples)}
        per_route_calls[route] = {
            "calls": round(sum(route_calls.values()) / len(samples), 2),
            "operations": dict(route_calls),
        }
        progress(f"in process {index}/{len(routes)} {route}: {len(samples)} requests in "
               f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    ddb = stack.client("dynamodb")
    table = settings.table_name
    baseline = []
    for _ in bounded(n, seconds):
        start = time.perf_counter()
        ddb.get_item(TableName=table, Key=to_ddb(item_keys.profile("bench")))
        baseline.append((time.perf_counter() - start) * 1000)
    # Second baseline: the two-item TransactWriteItems a sync write needs (the emulator makes these slow).
    transact = []
    for i in bounded(n, seconds):
        items = [{"Put": {"TableName": table, "Item": {"PK": {"S": item_keys.user_pk("bench")}, "SK": {"S": f"T#{i}#{k}"}}}}
                 for k in range(2)]  # fmt: skip
        start = time.perf_counter()
        ddb.transact_write_items(TransactItems=items)
        transact.append((time.perf_counter() - start) * 1000)
    progress("baselines done; usage event on vs off ...")
    # A table of its own: moto deep-copies a table for every item of a transaction, so a sync write on the
    # bench's grown table would measure the copy; here the table holds the one item the writes update.
    from backend_core.table_design import TABLE_DESIGN

    fresh = settings.model_copy(update={"table_name": f"bench-usage-{uuid.uuid4().hex[:8]}"})
    ddb.create_table(**TABLE_DESIGN.to_boto3_create_args(fresh.table_name))
    ddb.get_waiter("table_exists").wait(TableName=fresh.table_name)
    usage = usage_event_cost(
        create_handler(fresh),
        create_handler(fresh.model_copy(update={"usage_stream_name": ""})),
        usage_n,
        2 * seconds,
    )
    return (
        latency,
        per_route_calls,
        {
            "usage_event": usage,
            "baseline_getitem": summarise(baseline),
            "baseline_transact": summarise(transact),
            "statuses": statuses,
        },
    )


def usage_event_cost(with_events: Any, without_events: Any, n: int, seconds: float) -> dict:
    """GET /health and PUT /sync (an update of one item) p50 with the usage event on and off, in process,
    interleaved (the order alternating) so drift hits both alike; each route stops after `n` pairs or
    `seconds`. The event is one log line (lambdas/mobile_api/usage.py), written to the null device by
    `quiet_usage_lines` as Lambda's runtime takes stdout; the ratio's goal is under USAGE_GOAL.
    `added_us_p50` is the median of the paired differences (on - off, microseconds): what one event adds to
    one request; `ratio_p50_ci95` a bootstrap interval of the ratio (the emulator's noise on PUT /sync)."""
    from tests.api.conftest import User, v2_event

    user = User(str(uuid.uuid4()), "[consumers]")
    item = f"/sync/usage/{uuid.uuid4().hex}"
    version: list[int | None] = [None]  # the item's version after the last write, on or off alike

    def sync_write(i: int) -> dict:
        return v2_event("PUT", item, user, {"data": {"i": i}, "version": version[0]})

    def learn(reply: dict) -> None:
        if reply["statusCode"] == 200 and reply.get("body") and '"version"' in reply["body"]:
            version[0] = json.loads(reply["body"])["version"]

    routes = {
        "GET /health": lambda i: v2_event("GET", "/health", None),
        "PUT /sync/{collection}/{id}": sync_write,
    }
    out = {}
    for route, make in routes.items():
        on, off, statuses = [], [], Counter()
        for i in bounded(n, seconds):
            order = ((with_events, on), (without_events, off))
            for h, bucket in order if i % 2 else order[::-1]:
                event = make(i)
                start = time.perf_counter()
                reply = h(event, None)
                bucket.append((time.perf_counter() - start) * 1000)
                statuses[reply["statusCode"]] += 1
                learn(reply)
        ratio = percentile(on, 0.5) / percentile(off, 0.5)
        added = statistics.median(a - b for a, b in zip(on, off, strict=True)) * 1000
        out[route] = {"pairs": len(on), "on": summarise(on), "off": summarise(off), "ratio_p50": round(ratio, 3),
                      "ratio_p50_ci95": ratio_interval(on, off), "added_us_p50": round(added, 1),
                      "statuses": dict(statuses), "goal_ratio": USAGE_GOAL,
                      "meets_goal": ratio < USAGE_GOAL}  # fmt: skip
        progress(f"usage event {route}: {len(on)} pairs, p50 on/off x{ratio:.3f}")
    # The event's work is the same on every route (one record, one line); GET /health does nothing else, so its
    # paired difference is the event's cost measured without the emulator's noise. What that cost makes of
    # the sync write's p50 is the ratio the sync write's own pairs estimate, far more precisely.
    cost_ms = out["GET /health"]["added_us_p50"] / 1000
    sync = out["PUT /sync/{collection}/{id}"]
    sync["ratio_from_event_cost"] = round(1 + cost_ms / sync["off"]["p50_ms"], 4)
    return out


def ratio_interval(on: list[float], off: list[float], draws: int = 400) -> list[float]:
    """95 % bootstrap interval of p50(on) / p50(off), resampling the pairs (fixed seed: reproducible)."""
    import random

    rng = random.Random(15)  # noqa: S311 (statistics, not secrets)
    pairs = list(zip(on, off, strict=True))
    ratios = []
    for _ in range(draws):
        sample = rng.choices(pairs, k=len(pairs))
        ratios.append(percentile([a for a, _ in sample], 0.5) / percentile([b for _, b in sample], 0.5))
    return [round(percentile(ratios, 0.025), 3), round(percentile(ratios, 0.975), 3)]


def through_front(stack: Any, n: int, seconds: float) -> dict:
    users = {"consumer": stack.create_user("consumers"), "provider": stack.create_user("providers")}

    def call(
        method: str, path: str, user: Any, body: Any = None, headers: dict | None = None
    ) -> tuple[int, Any]:
        reply = stack.request(method, path, user=user, json=body, headers=headers)
        return reply.status_code, reply.json() if reply.content else None

    scenarios = Scenarios(call, users, n)
    out = {}
    routes = scenarios.routes()
    for index, (route, make) in enumerate(routes.items(), 1):
        samples, statuses = [], Counter()
        started = time.perf_counter()
        for i in bounded(n, seconds):
            ms, code = timed(call, make(i))
            samples.append(ms)
            statuses[code] += 1
        out[route] = {**summarise(samples), "requests": len(samples), "statuses": dict(statuses)}
        progress(f"front {index}/{len(routes)} {route}: {len(samples)} requests in "
               f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    return out


def import_times(repeats: int = 7) -> dict:
    """Cold import of the handler module against boto3 + Powertools alone (and + the pydantic pieces validation
    loads), each in a fresh interpreter, interleaved; wall time and CPU time (process_time) of the import.
    On a dedicated core an import is CPU-bound (the files are in the page cache), so both agree; on the shared
    machine the wall time also holds the waits for a core, and the CPU ratio is the stable one."""
    python = str(ROOT / ".venv" / "bin" / "python")
    probe = (
        "import sys,time;sys.path[:0]=['lambdas'];t=time.perf_counter();c=time.process_time();{};"
        "print(time.perf_counter()-t,time.process_time()-c)"
    )
    baseline = (
        "import boto3;from aws_lambda_powertools import Logger,Tracer,Metrics;"
        "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver"
    )
    # What Powertools' validation itself loads: pydantic's BaseModel machinery and the OpenAPI params.
    with_pydantic = baseline + (
        ";from pydantic import BaseModel,Field;from aws_lambda_powertools.event_handler.openapi.params import Query"
    )
    probes = {"baseline": baseline, "with_pydantic": with_pydantic, "handler": "import mobile_api.app"}
    wall: dict[str, list[float]] = {name: [] for name in probes}
    cpu: dict[str, list[float]] = {name: [] for name in probes}
    for repeat in range(repeats):  # interleaved so drift affects all equally
        for name, code in probes.items():
            run = subprocess.run([python, "-c", probe.format(code)], capture_output=True, text=True, cwd=ROOT,
                                 check=True)  # fmt: skip
            seconds, cpu_seconds = (float(x) for x in run.stdout.split())
            wall[name].append(seconds * 1000)
            cpu[name].append(cpu_seconds * 1000)
        progress(
            f"cold import {repeat + 1}/{repeats}: handler / baseline wall x{wall['handler'][-1] / wall['baseline'][-1]:.3f}"
            f", cpu x{cpu['handler'][-1] / cpu['baseline'][-1]:.3f}"
        )
    b, bp, o = (statistics.median(wall[name]) for name in probes)
    cb, cbp, co = (statistics.median(cpu[name]) for name in probes)
    probe_script = str(ROOT / "benchmarks" / "cold_start_probe.py")
    runs: dict[str, list[dict]] = {"handler": [], "baseline": []}
    for _ in range(max(1, (repeats + 1) // 2)):  # interleaved, as above
        for name, extra in (("handler", []), ("baseline", ["--baseline"])):
            out = subprocess.run(
                [python, probe_script, *extra], capture_output=True, text=True, cwd=ROOT, check=True
            )
            runs[name].append(json.loads(out.stdout))
    keys = ("import_ms", "import_cpu_ms", "first_request_ms", "first_request_cpu_ms", "second_request_ms")
    first, base_first = (
        {key: round(statistics.median(run[key] for run in runs[name]), 1) for key in keys} for name in runs
    )
    for one in (first, base_first):
        one["import_and_first_cpu_ms"] = round(one["import_cpu_ms"] + one["first_request_cpu_ms"], 1)
    return {
        "cold_start": {
            **first,
            "first_request_vs_baseline_import": round(first["first_request_ms"] / b, 3),
            "first_request_cpu_vs_baseline_import_cpu": round(first["first_request_cpu_ms"] / cb, 3),
            # Against the smallest Powertools function of the same shape (cold_start_probe.py --baseline), CPU:
            "baseline_function": base_first,
            "cpu_ratio_import": round(first["import_cpu_ms"] / base_first["import_cpu_ms"], 3),
            "cpu_ratio_first_request": round(
                first["first_request_cpu_ms"] / base_first["first_request_cpu_ms"], 3
            ),
            "cpu_ratio_import_and_first": round(
                first["import_and_first_cpu_ms"] / base_first["import_and_first_cpu_ms"], 3
            ),
        },
        "repeats": repeats,
        "baseline_ms": round(b, 1),
        "baseline_with_pydantic_ms": round(bp, 1),
        "handler_ms": round(o, 1),
        "ratio": round(o / b, 3),
        "ratio_vs_with_pydantic": round(o / bp, 3),
        "cpu": {
            "baseline_ms": round(cb, 1),
            "baseline_with_pydantic_ms": round(cbp, 1),
            "handler_ms": round(co, 1),
            "ratio": round(co / cb, 3),
            "ratio_vs_with_pydantic": round(co / cbp, 3),
            "meets_goal": co / cb < IMPORT_GOAL,
        },
        "goal_ratio": IMPORT_GOAL,
        "meets_goal": o / b < IMPORT_GOAL,
    }


def zip_sizes() -> dict:
    manifest = lambda_build.build(None, ROOT / "build" / "lambda")
    out = {}
    deps_bytes: dict[str, int] = {}  # functions with the same pins share one dependencies-only zip
    with tempfile.TemporaryDirectory() as tmp:
        for name, entry in manifest["functions"].items():
            function = lambda_build.FUNCTIONS[name]
            site = lambda_build.install_dependencies(lambda_build.locked_pins(function.dependencies))
            if str(site) not in deps_bytes:
                deps_only = Path(tmp) / f"{name}-deps.zip"
                lambda_build.write_zip(
                    {k: v for k, v in lambda_build._files(site).items() if not lambda_build._provided(k)},
                    deps_only,
                )
                deps_bytes[str(site)] = deps_only.stat().st_size
            base = deps_bytes[str(site)]
            out[name] = {"size_bytes": entry["size_bytes"], "dependencies_only_bytes": base,
                         "ratio": round(entry["size_bytes"] / base, 3)}  # fmt: skip
    out["mobile_api"]["goal_bytes"] = API_ZIP_GOAL
    out["mobile_api"]["meets_goal"] = out["mobile_api"]["size_bytes"] < API_ZIP_GOAL
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=40, help="requests per route, at most (default 40)")
    parser.add_argument(
        "--seconds", type=float, default=10, help="time per route, at most, in process and through the front"
    )
    parser.add_argument(
        "--usage-iterations", type=int, default=1000,
        help="on/off pairs per route for the usage event's cost, at most (bounded by 2 x --seconds too)",
    )  # fmt: skip
    parser.add_argument("--import-repeats", type=int, default=7, help="fresh interpreters per import probe")
    parser.add_argument("--no-zip", action="store_true", help="skip building the zips (a smoke run)")
    args = parser.parse_args()
    if min(args.iterations, args.usage_iterations, args.import_repeats) < 1 or args.seconds <= 0:
        parser.error("--iterations, --usage-iterations and --import-repeats must be >= 1, --seconds > 0")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):  # the emulator accepts any; never real ones
        os.environ.setdefault(name, "testing")
    from ops.local import background_stack
    from ops.local.testing import LocalStackHandle, free_ports_config

    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as state_dir, quiet_usage_lines():
        config = free_ports_config(Path(state_dir))
        progress("starting a local stack ...")
        state, _ = background_stack.start(config)
        try:
            stack = LocalStackHandle(state, config.state_dir)
            progress(f"up to {args.iterations} calls or {args.seconds:g} s per route, in process ...")
            latency, calls, extra = in_process(stack, args.iterations, args.seconds, args.usage_iterations)
            progress(f"up to {args.iterations} calls or {args.seconds:g} s per route, through the front ...")
            front = through_front(stack, args.iterations, args.seconds)
        finally:
            background_stack.stop(config)
    base = extra["baseline_getitem"]["p50_ms"]
    routes = {}
    for route in latency:
        routes[route] = {
            "in_process": {**latency[route], "ratio_p50_vs_getitem": round(latency[route]["p50_ms"] / base, 2),
                           "statuses": dict(extra["statuses"][route])},
            "front": {**front[route],
                      "ratio_p50_vs_in_process": round(front[route]["p50_ms"] / latency[route]["p50_ms"], 2)},
            "aws_calls": {**calls[route], "minimum": MINIMUM_CALLS[route], "explained_extra": EXTRA_CALLS.get(route, 0),
                          "ratio": round(calls[route]["calls"] / MINIMUM_CALLS[route], 2)
                          if MINIMUM_CALLS[route] else None},
        }  # fmt: skip
    # What one event adds, against the same request as a client of the local front sees it (same run).
    for route, same in (
        ("GET /health", "GET /health"),
        ("PUT /sync/{collection}/{id}", "PUT /sync (create)"),
    ):
        usage = extra["usage_event"][route]
        usage["front_route"] = same
        usage["ratio_added_vs_front_p50"] = round(1 + usage["added_us_p50"] / 1000 / front[same]["p50_ms"], 4)
    progress(f"cold imports ({args.import_repeats} fresh interpreters each) ...")
    cold = import_times(args.import_repeats)
    progress("zip sizes ..." if not args.no_zip else "zip sizes skipped (--no-zip)")
    report = {
        "iterations": args.iterations,
        "seconds_per_route": args.seconds,
        "baseline_getitem_ms": extra["baseline_getitem"],
        "baseline_transact_write_2_items_ms": extra["baseline_transact"],
        "routes": routes,
        "usage_event_cost": extra["usage_event"],
        "cold_import": cold,
        "zip": {} if args.no_zip else zip_sizes(),
        "run_seconds": round(time.perf_counter() - began, 1),
        "note": "emulator (moto) on loopback; the usage event is a log line (no AWS call)",
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    saved = publish(REPORT, markdown(report))
    print(f"\nwrote {REPORT.relative_to(ROOT)} and {saved.relative_to(ROOT)}")
    return 0


def markdown(report: dict) -> str:
    lines = [
        f"Baseline: one DynamoDB GetItem on the emulator, p50 {report['baseline_getitem_ms']['p50_ms']} ms "
        f"(p99 {report['baseline_getitem_ms']['p99_ms']} ms); one 2-item TransactWriteItems p50 "
        f"{report['baseline_transact_write_2_items_ms']['p50_ms']} ms "
        f"(p99 {report['baseline_transact_write_2_items_ms']['p99_ms']} ms); "
        f"up to {report['iterations']} requests or {report['seconds_per_route']} s per route "
        f"(the run took {report['run_seconds']} s).",
        "",
        "| route | requests | in-process p50 / p99 ms | x GetItem | front p50 / p99 ms | x in-process | AWS calls "
        "| minimum |",
        "|---|--:|---|---|---|---|---|---|",
    ]
    for route, r in report["routes"].items():
        ip, fr, aws = r["in_process"], r["front"], r["aws_calls"]
        lines.append(
            f"| {route} | {ip.get('requests', '')} / {fr.get('requests', '')} | {ip['p50_ms']} / {ip['p99_ms']} | "
            f"{ip['ratio_p50_vs_getitem']} | {fr['p50_ms']} / {fr['p99_ms']} | {fr['ratio_p50_vs_in_process']} | "
            f"{aws['calls']} | {aws['minimum']}{f' (+{extra} explained)' if (extra := aws.get('explained_extra')) else ''} |"
        )
    lines.append("")
    for route, u in report["usage_event_cost"].items():
        lines.append(
            f"Usage event ({route}, in-process, {u['pairs']} interleaved pairs): p50 {u['on']['p50_ms']} ms with "
            f"the log line vs {u['off']['p50_ms']} ms without = x{u['ratio_p50']} "
            f"(95 % interval x{u['ratio_p50_ci95'][0]} to x{u['ratio_p50_ci95'][1]}) "
            f"(goal < x{u['goal_ratio']}: {'met' if u['meets_goal'] else 'NOT met'}); "
            f"median added per request {u['added_us_p50']} us = x{u['ratio_added_vs_front_p50']} of "
            f"{u['front_route']} through the front (p50)"
            + (
                f"; the event's cost measured on GET /health makes x{u['ratio_from_event_cost']} of this p50"
                if "ratio_from_event_cost" in u
                else ""
            )
        )
        lines.append("")
    cold = report["cold_import"]
    first = cold["cold_start"]
    verdict = "met" if cold["meets_goal"] else "NOT met"
    lines += [
        "",
        f"Cold import: handler {cold['handler_ms']} ms vs boto3 + Powertools {cold['baseline_ms']} ms = "
        f"x{cold['ratio']} (goal < x{cold['goal_ratio']}: {verdict}); "
        "vs boto3 + Powertools + the pydantic/OpenAPI pieces validation loads "
        f"{cold['baseline_with_pydantic_ms']} ms = x{cold['ratio_vs_with_pydantic']} (wall, median of "
        f"{cold['repeats']} fresh interpreters each)",
        "",
        f"Cold import, CPU time (steadier on a shared machine): handler {cold['cpu']['handler_ms']} ms vs boto3 + "
        f"Powertools {cold['cpu']['baseline_ms']} ms = x{cold['cpu']['ratio']} (goal < x{cold['goal_ratio']}: "
        f"{'met' if cold['cpu']['meets_goal'] else 'NOT met'}); vs + the pydantic/OpenAPI pieces "
        f"{cold['cpu']['baseline_with_pydantic_ms']} ms = x{cold['cpu']['ratio_vs_with_pydantic']}",
        "",
        f"Cold start as Lambda runs it (benchmarks/cold_start_probe.py, median): import {first['import_ms']} ms, "
        f"first request (settings, clients, Tracer, GET /health) {first['first_request_ms']} ms "
        f"(x{first['first_request_vs_baseline_import']} of the boto3 + Powertools import; CPU "
        f"{first['first_request_cpu_ms']} ms = x{first['first_request_cpu_vs_baseline_import_cpu']} of its CPU), "
        f"second request {first['second_request_ms']} ms",
        "",
        "| cold start, CPU ms (median) | import | first request | import + first request |",
        "|---|--:|--:|--:|",
        f"| API handler | {first['import_cpu_ms']} | {first['first_request_cpu_ms']} | "
        f"{first['import_and_first_cpu_ms']} |",
        f"| baseline: boto3 + Powertools, a resolver without validation, GET /health | "
        f"{first['baseline_function']['import_cpu_ms']} | {first['baseline_function']['first_request_cpu_ms']} | "
        f"{first['baseline_function']['import_and_first_cpu_ms']} |",
        f"| ratio | x{first['cpu_ratio_import']} | x{first['cpu_ratio_first_request']} | "
        f"x{first['cpu_ratio_import_and_first']} |",
        "",
    ]
    if not report["zip"]:
        return "\n".join(lines)
    lines += ["| function | zip bytes | dependencies-only bytes | ratio |", "|---|---|---|---|"]
    for name, z in report["zip"].items():
        lines.append(f"| {name} | {z['size_bytes']} | {z['dependencies_only_bytes']} | {z['ratio']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
