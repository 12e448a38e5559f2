"""Benchmark of the local stack: time to ready, memory, idle CPU, replicator catch-up (ops/local/README.md).

Run: .venv/bin/python -m benchmarks.local_stack_bench [--runs 3] [--items 1000]  (or `make bench`)
It starts its own stacks on free ports in a temp dir (it never touches a stack `make up` started),
and writes a Markdown table (printed, and reports/bench/local_stack.md) plus JSON (local_stack.json). The
baseline, measured in the same run: a bare moto server in its own process (time until it answers, its
memory, its idle CPU), so the ratios say what the stack adds on top of the emulator itself.

Idle CPU: the stack's process CPU time (user + system, psutil) over IDLE_WINDOW_S seconds with nothing
calling it, as a percentage of one core, measured twice with no settling time: right after `ops local up`
returns, and right after a burst of use (the demo scenario). Each window is long enough to hold what
follows on its own: the stand-ins backing off to their idle waits, the moto janitor's collection and the
Firehose stand-in's delivery of the usage events 60 s after the requests. The goal (issue 16) is under
2 % in both.
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
import uuid
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "lambdas")]

from benchmarks.markdown_report import publish  # noqa: E402
from ops.local import background_stack, control  # noqa: E402
from ops.local.aws import client  # noqa: E402
from ops.local.ports import free_port  # noqa: E402

OPS = str(Path(sys.executable).parent / "ops")
IDLE_WINDOW_S = 90.0
IDLE_GOAL_PERCENT = 2.0


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def idle_cpu_percent(
    pid: int, window: float = IDLE_WINDOW_S, since: tuple[float, float] | None = None
) -> float:
    """CPU time the process used over `window` seconds, as a percentage of one core. `since`: a
    (time.monotonic(), cpu_seconds) taken earlier, where the window began (else it begins now)."""
    started_at, before = since or (time.monotonic(), cpu_seconds(pid))
    time.sleep(max(0.0, started_at + window - time.monotonic()))
    return round(100 * (cpu_seconds(pid) - before) / (time.monotonic() - started_at), 2)


def rss_mb(pid: int) -> float:
    return round(psutil.Process(pid).memory_info().rss / 2**20, 1)


def ops(state_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MBT_LOCAL_STATE_DIR": str(state_dir)}
    return subprocess.run([OPS, *args], capture_output=True, text=True, env=env, check=True, timeout=180)


def port_args() -> list[str]:
    names = ("moto", "primary", "dr", "public", "control", "live-primary", "live-dr")
    return [arg for name in names for arg in (f"--{name}-port", str(free_port()))]


def count(ddb, table: str) -> int:
    total, kwargs = 0, {"TableName": table, "Select": "COUNT"}
    while True:
        page = ddb.scan(**kwargs)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def catch_up(state: dict, items: int) -> dict:
    """Pause, write `items` items and `items // 10` objects in the primary, resume, time until all are in DR."""
    outputs = state["outputs"]
    endpoint, table = outputs["endpoint_url"], outputs["table"]["name"]
    primary, dr = outputs["primary_region"], outputs["dr_region"]
    control.call(state["control_url"], "POST", "/reset")
    control.call(state["control_url"], "POST", "/replication/pause")
    ddb_p, ddb_d = client("dynamodb", primary, endpoint), client("dynamodb", dr, endpoint)
    run = uuid.uuid4().hex[:8]
    rows = [
        {"PK": {"S": f"BENCH#{run}"}, "SK": {"S": f"{i:06d}"}, "v": {"S": "x" * 200}} for i in range(items)
    ]
    for start in range(0, items, 25):
        ddb_p.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": r}} for r in rows[start : start + 25]]}
        )
    s3_p, s3_d = client("s3", primary, endpoint), client("s3", dr, endpoint)
    objects = items // 10
    for i in range(objects):
        s3_p.put_object(
            Bucket=outputs["media"]["bucket"]["primary"], Key=f"bench/{run}/{i}", Body=b"y" * 1024
        )
    started = time.perf_counter()
    control.call(state["control_url"], "POST", "/replication/resume")
    # Timing comes from the replicator's own counters (cheap to read); scanning DR while it catches up
    # would compete with it for the same process. Completeness is then checked in DR itself.
    items_done = objects_done = None
    while items_done is None or objects_done is None:
        elapsed = time.perf_counter() - started
        if elapsed > 300:
            raise SystemExit("replicator did not catch up within 300 s")
        replicator = control.call(state["control_url"], "GET", "/status")["components"]["replicator"]
        if items_done is None and replicator["items_applied"] >= items:
            items_done = elapsed
        if objects_done is None and replicator["objects_applied"] >= objects:
            objects_done = elapsed
        time.sleep(0.05)
    in_dr = count(ddb_d, table)
    listed = s3_d.list_objects_v2(Bucket=outputs["media"]["bucket"]["dr"], Prefix=f"bench/{run}/")
    if in_dr != items or listed.get("KeyCount", 0) != objects:
        raise SystemExit(
            f"replication incomplete: {in_dr}/{items} items, {listed.get('KeyCount')}/{objects} objects"
        )
    return {
        "items": items,
        "items_catch_up_s": round(items_done, 2),
        "objects": objects,
        "objects_catch_up_s": round(objects_done, 2),
    }


BARE_MOTO = """
import sys, requests
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
requests.get(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=30)
print("ready", flush=True)
sys.stdin.read()
"""


def bare_moto() -> dict:
    """The baseline: a process that only serves moto (started, answered once, idle)."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", BARE_MOTO, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        if process.stdout is None or process.stdout.readline().strip() != "ready":
            raise SystemExit("the bare moto baseline did not start")
        ready = time.perf_counter() - started
        time.sleep(2)
        idle_rss = rss_mb(process.pid)
        print(f"baseline: bare moto idle CPU over {IDLE_WINDOW_S:.0f} s ...", file=sys.stderr)
        return {
            "up_to_ready_s": round(ready, 2),
            "idle_rss_mb": idle_rss,
            "idle_cpu_percent": idle_cpu_percent(process.pid),
        }
    finally:
        process.kill()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    results: dict = {"runs": [], "machine": {"cpus": psutil.cpu_count(), "load_1m": os.getloadavg()[0]}}
    results["baseline_bare_moto"] = baseline = bare_moto()
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="local-stack-bench-") as tmp:
            state_dir = Path(tmp)
            started = time.perf_counter()
            print(f"run {run + 1}/{args.runs}: ops local up ...", file=sys.stderr)
            ops(state_dir, "local", "up", *port_args())
            up_s = time.perf_counter() - started
            state = json.loads((state_dir / "state.json").read_text())
            pid = state["pid"]
            up_returned = (time.monotonic(), cpu_seconds(pid))  # the first idle window starts here
            try:
                time.sleep(2)  # let startup garbage settle before reading idle memory
                measured = {
                    "up_to_ready_s": round(up_s, 2),
                    "in_process_ready_s": state["ready_seconds"],
                    "idle_rss_mb": rss_mb(pid),
                }
                if run == 0:
                    print(f"run 1: idle CPU right after up ({IDLE_WINDOW_S:.0f} s) ...", file=sys.stderr)
                    measured["idle_cpu_after_up_percent"] = idle_cpu_percent(pid, since=up_returned)
                    print("run 1: demo (a burst of use) ...", file=sys.stderr)
                    env = {**os.environ, "MBT_LOCAL_STATE_DIR": str(state_dir)}
                    subprocess.run(
                        [sys.executable, "-m", "ops.demo"],
                        env=env,
                        check=True,
                        capture_output=True,
                        cwd=REPO,
                        timeout=180,
                    )
                    print(
                        f"run 1: idle CPU right after the demo ({IDLE_WINDOW_S:.0f} s) ...", file=sys.stderr
                    )
                    measured["idle_cpu_after_use_percent"] = idle_cpu_percent(pid)
                    print("run 1: replicator catch-up ...", file=sys.stderr)
                    measured["after_demo_rss_mb"] = rss_mb(pid)
                    measured |= catch_up(
                        background_stack.state(background_stack.StackConfig(state_dir=state_dir)), args.items
                    )
                    measured["after_catch_up_rss_mb"] = rss_mb(pid)
            finally:
                ops(state_dir, "local", "down")
            results["runs"].append(measured)
            print(f"run {run + 1}: {measured}", file=sys.stderr)
    ups = [r["up_to_ready_s"] for r in results["runs"]]
    idle = [r["idle_rss_mb"] for r in results["runs"]]
    first = results["runs"][0]
    summary = {
        "up_to_ready_s_median": round(statistics.median(ups), 2),
        "up_to_ready_s_max": max(ups),
        "idle_rss_mb_median": round(statistics.median(idle), 1),
        "after_demo_rss_mb": first["after_demo_rss_mb"],
        "items_catch_up_s": first["items_catch_up_s"],
        "objects_catch_up_s": first["objects_catch_up_s"],
        "idle_cpu_after_up_percent": first["idle_cpu_after_up_percent"],
        "idle_cpu_after_use_percent": first["idle_cpu_after_use_percent"],
        "idle_cpu_goal_percent": IDLE_GOAL_PERCENT,
    }
    summary["ready_vs_bare_moto"] = round(summary["up_to_ready_s_median"] / baseline["up_to_ready_s"], 1)
    summary["idle_memory_vs_bare_moto"] = round(summary["idle_rss_mb_median"] / baseline["idle_rss_mb"], 1)
    results["summary"] = summary
    report = REPO / "reports" / "bench" / "local_stack.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(results, indent=2))
    lines = [
        "| measure | value |",
        "|---|---|",
        f"| `ops local up` to ready (median of {args.runs}, max) | {summary['up_to_ready_s_median']} s, "
        f"{summary['up_to_ready_s_max']} s |",
        f"| stack process memory, idle (median RSS) | {summary['idle_rss_mb_median']} MB |",
        f"| stack process memory, after the demo + catch-up run | {summary['after_demo_rss_mb']} MB, "
        f"{first['after_catch_up_rss_mb']} MB |",
        f"| stack process CPU, idle: {IDLE_WINDOW_S:.0f} s right after up, % of one core "
        f"(goal < {IDLE_GOAL_PERCENT:g} %) | {summary['idle_cpu_after_up_percent']} % |",
        f"| stack process CPU, idle: {IDLE_WINDOW_S:.0f} s right after the demo, % of one core "
        f"(goal < {IDLE_GOAL_PERCENT:g} %) | {summary['idle_cpu_after_use_percent']} % |",
        f"| baseline: bare moto process, ready / idle RSS / idle CPU | {baseline['up_to_ready_s']} s / "
        f"{baseline['idle_rss_mb']} MB / {baseline['idle_cpu_percent']} % |",
        f"| stack vs bare moto: ready time, idle memory | {summary['ready_vs_bare_moto']}x, "
        f"{summary['idle_memory_vs_bare_moto']}x |",
        f"| replicator catch-up, {first['items']} table items | {summary['items_catch_up_s']} s |",
        f"| replicator catch-up, {first['objects']} S3 objects (1 KiB) | {summary['objects_catch_up_s']} s |",
        "",
        f"machine: {results['machine']['cpus']} CPUs, load {results['machine']['load_1m']:.1f}; "
        f"details in {report.relative_to(REPO)}",
    ]
    publish(report, "\n".join(lines))


if __name__ == "__main__":
    main()
