"""Load test of the local API with locust: `python -m benchmarks.load_test [--users N --seconds S]` ->
reports/bench/load_test.{json,md,png}.

Headless, on loopback only, bounded in time and in requests. Signed-in users (real Cognito ID tokens of the
local stack) run the app's mix (benchmarks/locustfile.py) against the primary front in two phases:

1. below the throttle: the env's own stage throttle and reserved concurrency (ops/env/api_limits.py), with an
   offered load the stage admits; every answer must be a 2xx/4xx of the API, zero 5xx;
2. above the throttle: the same offered load with the stage's rate set to half the throughput phase 1
   measured (burst = rate), so about half the requests find the bucket empty: 429s, and still zero 5xx.

Per route it reports p50/p95/p99 and answers by status; every refusal by status and error code, each either
one a correct API gives this mix (EXPECTED_REFUSALS: the throttle's 429, a version conflict between two
devices of one account, when there are more users than accounts) or counted as unexplained with sample
bodies (the run then exits 1, as it does on any 5xx); the throughput of each phase; a plot. Then
`sustained_rps()` steps an open-loop load of GET /me through one front (throttle lifted) and reports the
highest rate whose p99 stays under twice the p99 at the lowest rate, the baseline of the same run
(`--no-sustained` skips it: a smoke run of the phases).
`run_phases()` is also what the suite's small version (tests/local/test_load_test.py) calls.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "reports" / "bench" / "load_test.json"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# The refusals a correct API gives this mix, by "<status> <error code>", and why; any other 4xx is unexplained.
EXPECTED_REFUSALS = {
    "429 Too Many Requests": "the stage throttle (API Gateway's body), answered before the authorizer",
    "409 version_conflict": "another device of the same account wrote the note first (more locust users than "
    "accounts): the device takes the server's version, as the app does",
}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def run_locust(
    host: str,
    tokens: list[dict[str, str]],
    users: int,
    seconds: float,
    max_requests: int,
    rate_per_user: float | None = None,
) -> dict[str, Any]:
    """One headless locust run in its own process (gevent patches whatever imports it); its tallies."""
    if not host.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise ValueError(f"the load test runs on loopback only, not against {host}")
    with tempfile.TemporaryDirectory(prefix="mbt-load-") as tmp:
        users_file, result_file = Path(tmp) / "users.json", Path(tmp) / "result.json"
        users_file.write_text(json.dumps(tokens))
        env = {
            **os.environ,
            "MBT_LOAD_USERS": str(users_file),
            "MBT_LOAD_RESULT": str(result_file),
            "MBT_LOAD_MAX_REQUESTS": str(max_requests),
            "MBT_LOAD_RATE_PER_USER": str(rate_per_user or 0),
        }
        command = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
            "-u", str(users), "-r", str(max(1, users)), "-t", f"{max(1, int(seconds))}s",
            "--host", host, "--stop-timeout", "2", "--loglevel", "ERROR",
        ]  # fmt: skip
        started = time.monotonic()
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 120)
        elapsed = time.monotonic() - started
        if not result_file.exists():
            raise RuntimeError(f"locust wrote no result (exit {done.returncode}): {done.stderr[-2000:]}")
        result = json.loads(result_file.read_text())
        result["stderr_tail"] = done.stderr[-3000:]
    start, last = result.get("start_time"), result.get("last_request_time")
    result["seconds"] = (last - start) if start and last and last > start else elapsed
    return result


def expected_refusals(users: int, accounts: int) -> dict[str, str]:
    """The refusals a correct API gives this mix, and why: a version conflict only when some account has
    more than one device (more locust users than accounts); otherwise one device cannot conflict with itself."""
    if users > accounts:
        return dict(EXPECTED_REFUSALS)
    return {code: why for code, why in EXPECTED_REFUSALS.items() if not code.startswith("409")}


def summarise(result: dict[str, Any], expected: dict[str, str] | None = None) -> dict[str, Any]:
    """Throughput, answers by status, and p50/p95/p99 per route (ms) of one locust run; a 4xx whose
    "<status> <error code>" is not in `expected` (default EXPECTED_REFUSALS) counts as unexplained."""
    expected = EXPECTED_REFUSALS if expected is None else expected
    statuses = {k: int(v) for k, v in sorted(result["statuses"].items())}
    routes = {}
    for name, values in sorted(result["latencies_ms"].items()):
        routes[name] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.50), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
            "statuses": dict(sorted(result["by_route"].get(name, {}).items())),
        }
    codes = {k: int(v) for k, v in result.get("refusal_codes", {}).items()}
    fivexx = sum(v for k, v in statuses.items() if k.startswith("5") or k in ("0", "connection_error"))
    return {
        "requests": result["requests"],
        "seconds": round(result["seconds"], 2),
        "throughput_rps": round(result["requests"] / result["seconds"], 1) if result["seconds"] else 0.0,
        "statuses": statuses,
        "server_errors": fivexx,
        "throttled": statuses.get("429", 0),
        "refusal_codes": dict(sorted(codes.items())),
        "unexplained_refusals": sum(
            n for code, n in codes.items() if code not in expected and code[0] == "4"
        ),
        "refusals": result.get("refusals", {}),
        "expected_refusals": expected,
        "routes": routes,
        "locust_stderr_tail": result.get("stderr_tail", ""),
    }


def _control(stack: Any, method: str, path: str, body: dict | None = None) -> dict:
    reply = requests.request(method, f"{stack.control_url}{path}", json=body, timeout=30)
    reply.raise_for_status()
    return reply.json()


def sign_in_users(stack: Any, count: int) -> list[dict[str, str]]:
    """`count` consumers of the local stack with their ID tokens (signed in as the app signs in)."""
    tokens = []
    for _ in range(count):
        user = stack.create_user("consumers")
        tokens.append({"sub": user.sub, "id_token": user.id_token})
    return tokens


def run_phases(
    stack: Any, users: int = 8, seconds: float = 20, max_requests: int = 5000, accounts: int = 8
) -> dict[str, Any]:
    """Phase 1 at the env's limits, phase 2 with the stage rate at half of phase 1's throughput."""
    tokens = sign_in_users(stack, accounts)
    host = stack.urls["primary"]
    for token in tokens:  # users the app already knows: profiles made, the front holding the pool's keys
        requests.get(f"{host}/me", headers={"Authorization": f"Bearer {token['id_token']}"}, timeout=60)
    env_limits = _control(stack, "POST", "/limits", {"env_default": True})["primary"]
    expected = expected_refusals(users, accounts)
    below = summarise(run_locust(host, tokens, users, seconds, max_requests), expected)
    rate = max(0.2, round(below["throughput_rps"] / 2, 1))
    reserved = env_limits.get("reserved_concurrency")
    _control(
        stack,
        "POST",
        "/limits",
        {"rate_limit": rate, "burst_limit": max(1, int(rate)), "reserved_concurrency": reserved},
    )
    try:
        above = summarise(run_locust(host, tokens, users, seconds, max_requests), expected)
    finally:
        _control(stack, "POST", "/limits", {"env_default": True})
    return {
        "env_limits": env_limits["limits"],
        "users": users,
        "accounts": accounts,
        "seconds_per_phase": seconds,
        "max_requests_per_phase": max_requests,
        "below_throttle": below,
        "above_throttle": {**above, "stage_rate_limit": rate, "stage_burst_limit": max(1, int(rate))},
    }


def sustained_rps(
    stack: Any, rates: tuple[float, ...] = (5, 10, 20, 30, 40, 60, 80), seconds: float = 8
) -> dict[str, Any]:
    """Open-loop GET /me at each rate through the primary front (throttle lifted): p99 per step; the answer is
    the highest rate of the steps that hold, in order from the lowest: p99 under twice the first step's (the
    same run's baseline, measured three times as long so one slow answer of a shared machine does not make
    it), no 5xx, and at least 90 % of the offered rate answered within the step."""
    (token,) = sign_in_users(stack, 1)
    url = f"{stack.urls['primary']}/me"
    headers = {"Authorization": f"Bearer {token['id_token']}"}
    _control(
        stack, "POST", "/limits", {"rate_limit": 100000, "burst_limit": 100000, "reserved_concurrency": None}
    )
    steps = []
    try:
        session = requests.Session()
        session.get(url, headers=headers, timeout=30)  # warm
        for rate in rates:
            latencies: list[float] = []
            errors = [0]
            lock = threading.Lock()

            def one(latencies: list[float] = latencies, errors: list[int] = errors, lock=lock) -> None:
                started = time.perf_counter()
                try:
                    status = requests.get(url, headers=headers, timeout=30).status_code
                except requests.RequestException:
                    status = 0
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    errors[0] += status >= 500 or status == 0

            threads = []
            begin = time.perf_counter()
            length = seconds * (3 if not steps else 1)  # the baseline step runs longer
            for n in range(int(rate * length)):  # open loop: send on schedule, whatever the answers do
                delay = begin + n / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                thread = threading.Thread(target=one, daemon=True)
                thread.start()
                threads.append(thread)
            for thread in threads:
                thread.join(60)
            steps.append(
                {
                    "offered_rps": rate,
                    "achieved_rps": round(len(latencies) / (time.perf_counter() - begin), 1),
                    "p50_ms": round(percentile(latencies, 0.5), 1),
                    "p99_ms": round(percentile(latencies, 0.99), 1),
                    "server_errors": errors[0],
                }
            )
            steps[-1]["holds"] = (
                steps[-1]["p99_ms"] <= 2 * steps[0]["p99_ms"]
                and steps[-1]["server_errors"] == 0
                and steps[-1]["achieved_rps"] >= 0.9 * rate
            )
            print(
                f"  {rate:>5} rps offered: {steps[-1]['achieved_rps']} answered/s, p99 {steps[-1]['p99_ms']} ms",
                file=sys.stderr,
            )
            if not steps[-1]["holds"]:
                break
    finally:
        _control(stack, "POST", "/limits", {"env_default": True})
    baseline = steps[0]["p99_ms"]
    held = [s for s in steps if s["holds"]]  # the loop stopped at the first step that did not hold
    return {
        "route": "GET /me",
        "baseline_p99_ms": baseline,
        "steps": steps,
        "sustained_rps": max(s["offered_rps"] for s in held) if held else None,
    }


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    phases = [("below_throttle", "below the throttle"), ("above_throttle", "above the throttle")]
    fig, axes = plt.subplots(1, 3, figsize=(16, 5))
    routes = sorted(report["below_throttle"]["routes"])
    width = 0.13
    for index, (key, label) in enumerate(phases):
        for j, q in enumerate(("p50_ms", "p95_ms", "p99_ms")):
            values = [report[key]["routes"].get(r, {}).get(q, 0) for r in routes]
            axes[0].bar(
                [i + (index * 3 + j - 2.5) * width for i in range(len(routes))],
                values,
                width,
                label=f"{label} {q[:3]}",
            )
    axes[0].set_xticks(range(len(routes)), routes, rotation=30, ha="right", fontsize=8)
    axes[0].set_ylabel("latency (ms)")
    axes[0].set_title("latency per route")
    axes[0].legend(fontsize=7)
    for key, label in phases:
        statuses = report[key]["statuses"]
        axes[1].bar([f"{label}\n{s}" for s in statuses], list(statuses.values()))
    axes[1].set_title("answers by status (5xx must be 0)")
    axes[1].tick_params(axis="x", labelsize=7)
    sustained = report.get("sustained")
    if sustained:
        steps = sustained["steps"]
        axes[2].plot([s["offered_rps"] for s in steps], [s["p99_ms"] for s in steps], marker="o", label="p99")
        axes[2].axhline(
            2 * sustained["baseline_p99_ms"], linestyle="--", color="grey", label="2x baseline p99"
        )
        axes[2].set_xlabel("offered GET /me per second (one front)")
        axes[2].set_ylabel("ms")
        axes[2].set_title(f"sustained: {sustained['sustained_rps']} rps before p99 doubles")
        axes[2].legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Load test: {report['users']} locust users ({report['accounts']} signed-in accounts), "
        f"{report['seconds_per_phase']} s per phase, env limits {report['env_limits']}.",
        "",
        "| phase | requests | throughput rps | 2xx | 4xx (429 of them) | unexplained 4xx | 5xx |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for key, label in (("below_throttle", "below the throttle"), ("above_throttle", "above the throttle")):
        p = report[key]
        ok = sum(v for k, v in p["statuses"].items() if k.startswith("2"))
        four = sum(v for k, v in p["statuses"].items() if k.startswith("4"))
        extra = f" (stage rate {p['stage_rate_limit']}/s)" if "stage_rate_limit" in p else ""
        lines.append(
            f"| {label}{extra} | {p['requests']} | {p['throughput_rps']} | {ok} | {four} ({p['throttled']}) | {p['unexplained_refusals']} | {p['server_errors']} |"
        )
    lines += [
        "",
        "| route | phase | requests | p50 ms | p95 ms | p99 ms | statuses |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for key, label in (("below_throttle", "below"), ("above_throttle", "above")):
        for name, r in report[key]["routes"].items():
            lines.append(
                f"| {name} | {label} | {r['requests']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
                + ", ".join(f"{k}: {v}" for k, v in r["statuses"].items())
                + " |"
            )
    lines += [
        "",
        "| refusal (status error) | phase | count | why |",
        "|---|---|--:|---|",
    ]
    for key, label in (("below_throttle", "below"), ("above_throttle", "above")):
        for code, n in report[key]["refusal_codes"].items():
            why = report[key].get("expected_refusals", EXPECTED_REFUSALS).get(code)
            if why is None:
                sample = next(
                    (v[0] for k, v in report[key]["refusals"].items() if k.endswith(code.split()[0])), ""
                )
                why = f"UNEXPLAINED, e.g. `{sample[:160]}`"
            lines.append(f"| {code} | {label} | {n} | {why} |")
    sustained = report.get("sustained")
    if sustained:
        lines += [
            "",
            f"Sustained through one front ({sustained['route']}, open loop, throttle lifted): "
            f"{sustained['sustained_rps']} rps before p99 doubles (baseline p99 {sustained['baseline_p99_ms']} ms "
            "at the lowest rate, same run, over a step three times as long; a step holds with p99 under twice "
            "that, no 5xx and 90 % of the offered rate answered).",
            "",
            "| offered rps | achieved rps | p50 ms | p99 ms | 5xx | holds |",
            "|--:|--:|--:|--:|--:|---|",
        ]
        lines += [
            f"| {s['offered_rps']} | {s['achieved_rps']} | {s['p50_ms']} | {s['p99_ms']} | {s['server_errors']} | "
            f"{'yes' if s.get('holds') else 'no'} |"
            for s in sustained["steps"]
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=16, help="locust users (phones), default 16")
    parser.add_argument(
        "--accounts", type=int, default=16, help="signed-in accounts the users share (default 16: one each)"
    )
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase (default 30)")
    parser.add_argument(
        "--max-requests", type=int, default=20000, help="requests per phase, at most (default 20000)"
    )
    parser.add_argument(
        "--no-sustained",
        action="store_true",
        help="skip the sustained-rate steps (a smoke run of the phases)",
    )
    args = parser.parse_args()
    if min(args.users, args.accounts, args.max_requests) < 1 or args.seconds <= 0:
        parser.error("--users, --accounts and --max-requests must be >= 1, --seconds > 0")

    from benchmarks.markdown_report import publish
    from ops.local import background_stack
    from ops.local.testing import LocalStackHandle, free_ports_config

    with tempfile.TemporaryDirectory(prefix="mbt-load-stack-") as state_dir:
        config = free_ports_config(Path(state_dir))
        state, _ = background_stack.start(config)
        try:
            stack = LocalStackHandle(state, config.state_dir)
            print("load test: below and above the throttle ...", file=sys.stderr)
            report = run_phases(stack, args.users, args.seconds, args.max_requests, args.accounts)
            if not args.no_sustained:
                print("load test: sustained rate through one front ...", file=sys.stderr)
                report["sustained"] = sustained_rps(stack)
        finally:
            background_stack.stop(config)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    plot(report, REPORT.with_suffix(".png"))
    publish(REPORT, markdown(report))
    phases = (report["below_throttle"], report["above_throttle"])
    held = all(p["server_errors"] == 0 for p in phases)
    explained = all(p["unexplained_refusals"] == 0 for p in phases)
    shed = report["above_throttle"]["throttled"] > 0
    print(
        f"\nwrote {REPORT.relative_to(ROOT)} (+ .md, .png): zero 5xx {'yes' if held else 'NO'}, "
        f"429s above the throttle {'yes' if shed else 'NO'}, every 4xx explained {'yes' if explained else 'NO'}"
    )
    return 0 if held and shed and explained else 1


if __name__ == "__main__":
    sys.exit(main())
