"""Benchmark of the live channel on the local stack: provider POST /notifications -> the event on the consumer's
WebSocket (the queue, the notify worker's inbox write, the table stream, live_delivery, PostToConnection through
the local WebSocket front), p50/p99.

Run: .venv/bin/python -m benchmarks.live_bench [--events 50]  (or `make bench`)
It starts its own stack on free ports in a temp dir (it never touches a stack `make up` started) and writes a
Markdown table (printed, and reports/bench/live.md) plus JSON (live.json). The baseline, measured in the same
run on the same requests: the POST's own round trip (until the 202), so the ratio says what the asynchronous
path to the open app adds on top of the API call itself. Event latencies are taken one event at a time (the
next POST after the previous event arrived).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "lambdas")]

from benchmarks.markdown_report import publish  # noqa: E402
from ops.local.live_client import live_connect  # noqa: E402
from ops.local.ports import free_port  # noqa: E402
from ops.local.users import create_user  # noqa: E402
from ops.stack_outputs import StackOutputs  # noqa: E402

OPS = str(Path(sys.executable).parent / "ops")
PORTS = ("moto", "primary", "dr", "public", "control", "live-primary", "live-dr")


def ops(state_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MBT_LOCAL_STATE_DIR": str(state_dir)}
    return subprocess.run([OPS, *args], capture_output=True, text=True, env=env, check=True, timeout=180)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def measure(outputs: StackOutputs, events: int) -> dict:
    provider, consumer = create_user(outputs, "providers"), create_user(outputs, "consumers")
    api = outputs.api.primary
    auth = {"Authorization": f"Bearer {provider.id_token}"}
    requests.get(f"{api}/me", headers=auth, timeout=30).raise_for_status()
    subscribe = f"{api}/providers/{provider.sub}/subscribe"
    requests.post(
        subscribe, headers={"Authorization": f"Bearer {consumer.id_token}"}, timeout=30
    ).raise_for_status()
    assert outputs.live is not None
    post_ms: list[float] = []
    live_ms: list[float] = []
    with live_connect(outputs.live.primary, consumer.id_token) as live:
        assert live.subscribe(consumer.sub)["type"] == "subscribed"
        for n in range(events + 1):  # the first one warms the path up and is not counted
            body = {"to": consumer.sub, "title": f"event {n}", "body": "benchmark"}
            started = time.perf_counter()
            sent = requests.post(f"{api}/notifications", headers=auth, json=body, timeout=30)
            answered = time.perf_counter()
            sent.raise_for_status()
            while True:
                event = live.next_event(timeout=60)
                if event.get("id") == sent.json()["id"]:
                    break
            arrived = time.perf_counter()
            if n:
                post_ms.append((answered - started) * 1000)
                live_ms.append((arrived - started) * 1000)
    return {"post_ms": post_ms, "live_ms": live_ms}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50)
    args = parser.parse_args()
    results: dict = {"machine": {"cpus": psutil.cpu_count(), "load_1m": round(os.getloadavg()[0], 1)}}
    with tempfile.TemporaryDirectory(prefix="live-bench-") as tmp:
        state_dir = Path(tmp)
        print("ops local up ...", file=sys.stderr)
        ops(state_dir, "local", "up", *[a for name in PORTS for a in (f"--{name}-port", str(free_port()))])
        try:
            state = json.loads((state_dir / "state.json").read_text())
            print(f"{args.events} events ...", file=sys.stderr)
            samples = measure(StackOutputs.model_validate(state["outputs"]), args.events)
        finally:
            ops(state_dir, "local", "down")
    post, live = samples["post_ms"], samples["live_ms"]
    results["events"] = len(live)
    results["baseline_post_202_ms"] = {
        "p50": round(statistics.median(post), 1),
        "p99": round(percentile(post, 99), 1),
    }
    results["post_to_websocket_ms"] = {
        "p50": round(statistics.median(live), 1),
        "p99": round(percentile(live, 99), 1),
    }
    results["ratio_p50"] = round(statistics.median(live) / statistics.median(post), 1)
    results["samples"] = samples
    report = REPO / "reports" / "bench" / "live.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(results, indent=2))
    base, ws = results["baseline_post_202_ms"], results["post_to_websocket_ms"]
    publish(
        report,
        "\n".join(
            [
                f"### Live delivery on the local stack ({len(live)} events, load {results['machine']['load_1m']})",
                "",
                "| measure | p50 | p99 |",
                "|---|---|---|",
                f"| POST /notifications -> event on the consumer's WebSocket | {ws['p50']} ms | {ws['p99']} ms |",
                f"| baseline: POST /notifications -> 202 | {base['p50']} ms | {base['p99']} ms |",
                f"| ratio (p50) | {results['ratio_p50']}x | |",
            ]
        ),
    )


if __name__ == "__main__":
    main()
