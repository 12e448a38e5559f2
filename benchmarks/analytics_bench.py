"""Benchmark of the analytics path: generation time, partition pruning, query time (numbers for
ops/analytics/README.md).

Run: .venv/bin/python -m benchmarks.analytics_bench [--days 90] [--users 10000] [--seed 1]  (or `make bench`)
It starts its own local stack on free ports in a temp dir, generates the history with
`ops analytics generate` (timed end to end, imports included), then measures:
- bytes a one-day query reads against the same query over every day (goal: under 1/30 for 90 days);
- wall time of every metric over the whole history, cold and warm: cold, each metric runs on a cache
  directory of its own, empty (its files fetched from the emulated S3, a new DuckDB connection, as every
  query makes); warm, the same metric again on that directory (files already local); ratio cold / warm;
- the baseline, measured in the same run on the same cached files: DuckDB alone reading the heaviest
  columns of every file (distinct users, distinct event ids, mean latency) without the query layer
  (no S3 listing, no Glue, no translation, no type checks): the floor for a query that reads them all.
Writes reports/bench/analytics.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "lambdas")]

from benchmarks.markdown_report import publish  # noqa: E402
from ops.analytics import catalog  # noqa: E402
from ops.analytics.engine import query, query_file  # noqa: E402
from ops.analytics.publish import read_truth  # noqa: E402
from ops.analytics.target import Target  # noqa: E402
from ops.local import background_stack  # noqa: E402
from ops.local.testing import free_ports_config  # noqa: E402
from ops.stack_outputs import StackOutputs  # noqa: E402

OPS = str(Path(sys.executable).parent / "ops")
PER_ROUTE = (
    "SELECT route, count(*) AS requests FROM usage_events WHERE day BETWEEN :since AND :until GROUP BY route"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    end = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    with tempfile.TemporaryDirectory(prefix="analytics-bench-") as tmp:
        config = free_ports_config(Path(tmp) / "stack")
        state, _ = background_stack.start(config)
        try:
            results = measure(state, Path(tmp), config.state_dir, args, end)
        finally:
            background_stack.stop(config)
    report = REPO / "reports" / "bench" / "analytics.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(results, indent=2))
    print_table(results, report)


def measure(state: dict, tmp: Path, state_dir: Path, args: argparse.Namespace, end: str) -> dict:
    cache = tmp / "cache"
    env = {**os.environ, "MBT_LOCAL_STATE_DIR": str(state_dir), "MBT_ANALYTICS_CACHE": str(cache)}
    command = [
        OPS,
        "analytics",
        "generate",
        "--env",
        "local",
        "--days",
        str(args.days),
        "--users",
        str(args.users),
        "--seed",
        str(args.seed),
        "--end",
        end,
    ]
    load_before = os.getloadavg()[0]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
    generate_seconds = time.perf_counter() - started
    generate_cpu = _children_cpu() - cpu_before
    if done.returncode != 0:
        raise SystemExit(f"ops analytics generate failed: {done.stderr.strip()[-2000:]}")
    print(done.stdout.strip(), file=sys.stderr)

    target = Target.from_outputs(StackOutputs.model_validate(state["outputs"]))
    truth = read_truth(target)
    since, until = truth["since"], truth["until"]
    one_day = query(PER_ROUTE, params={"since": until, "until": until}, target=target, cache_dir=cache)
    all_days = query(PER_ROUTE, params={"since": since, "until": until}, target=target, cache_dir=cache)
    one_bytes, all_bytes = (
        one_day.attrs["analytics"]["bytes_scanned"],
        all_days.attrs["analytics"]["bytes_scanned"],
    )

    metric_times: dict[str, dict[str, float]] = {}
    for sql_file in catalog.all_files():
        directory = tmp / "caches" / sql_file.name  # empty: nothing another metric fetched is reused
        times = metric_times.setdefault(sql_file.name, {})
        for label in ("cold", "warm"):
            started = time.perf_counter()
            frame = query_file(sql_file.name, "local", since, until, target=target, cache_dir=directory)
            times[label] = round(time.perf_counter() - started, 3)
        times["cold_over_warm"] = round(times["cold"] / times["warm"], 2)
        times["bytes_scanned"] = frame.attrs["analytics"]["bytes_scanned"]

    import duckdb

    warmest = tmp / "caches" / "dau_wau_mau"  # reads every day of the range (and 29 before: none here)
    files = sorted(str(p) for p in warmest.rglob("*") if p.is_file() and "day=" in str(p))
    baseline = []
    for _ in range(3):
        started = time.perf_counter()
        columns = "count(*), count(DISTINCT user_id), count(DISTINCT event_id), avg(latency_ms)"
        sql = f"SELECT {columns} FROM read_parquet({files!r})"  # noqa: S608 (paths from this run's temp dir)
        rows = duckdb.connect().execute(sql).fetchone()[0]
        baseline.append(time.perf_counter() - started)
    baseline_seconds = min(baseline)
    warm_total = sum(t["warm"] for t in metric_times.values())
    cold_total = sum(t["cold"] for t in metric_times.values())
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1m_before_generate": round(load_before, 2),
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
        "command": " ".join(["ops", *command[1:]]),
        "history": {
            "days": args.days,
            "users": args.users,
            "seed": args.seed,
            "since": since,
            "until": until,
            "events": int(rows),
            "files": len(files),
        },
        "generate_seconds": round(generate_seconds, 2),
        "generate_cpu_seconds": round(generate_cpu, 2),
        "bytes": {
            "one_day": one_bytes,
            "all_days": all_bytes,
            "ratio": round(one_bytes / all_bytes, 5),
            "goal_ratio_below": round(1 / 30, 5),
        },
        "metrics_seconds": metric_times,
        "metrics_total_seconds": {
            "cold": round(cold_total, 2),
            "warm": round(warm_total, 2),
            "cold_over_warm": round(cold_total / warm_total, 2),
        },
        "baseline": {
            "what": "DuckDB alone: count(*) over the same cached Parquet files (best of 3)",
            "seconds": round(baseline_seconds, 3),
        },
        "warm_metrics_vs_baseline": round(warm_total / baseline_seconds, 1),
    }


def print_table(r: dict, report: Path) -> None:
    h = r["history"]
    rows = [
        (
            "history",
            f"{h['days']} days, {h['users']:,} users, {h['events']:,} events, {h['files']} Parquet files",
        ),
        (
            "`ops analytics generate`, wall clock (imports and upload included)",
            f"{r['generate_seconds']:.1f} s ({r['generate_cpu_seconds']:.1f} s CPU; load average "
            f"{r['machine']['load_average_1m_before_generate']} when it started)",
        ),
        (
            "bytes read: one day / all days",
            f"{r['bytes']['one_day']:,} / {r['bytes']['all_days']:,} = {r['bytes']['ratio']:.4f} (goal < {r['bytes']['goal_ratio_below']:.4f})",
        ),
        (
            "all metrics over the history, cold cache / warm (ratio)",
            f"{r['metrics_total_seconds']['cold']:.1f} s / {r['metrics_total_seconds']['warm']:.1f} s "
            f"({r['metrics_total_seconds']['cold_over_warm']}x)",
        ),
        ("baseline: DuckDB alone, one full read of the same files", f"{r['baseline']['seconds']:.3f} s"),
        ("warm metrics vs baseline", f"{r['warm_metrics_vs_baseline']}x"),
        ("load average (1 min) at the end", str(r["machine"]["load_average_1m"])),
    ]
    lines = ["| measure | value |", "|---|---|"] + [f"| {name} | {value} |" for name, value in rows]
    lines += ["", "| metric | cold s | warm s | cold / warm | bytes scanned |", "|---|---|---|---|---|"]
    lines += [
        f"| {name} | {t['cold']:.2f} | {t['warm']:.2f} | {t['cold_over_warm']} | {t['bytes_scanned']:,} |"
        for name, t in r["metrics_seconds"].items()
    ]
    publish(report, "\n".join(lines))


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes (the generate subprocess)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
