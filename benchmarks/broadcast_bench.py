"""Benchmark of broadcasts (issue 14): API latency of a broadcast to 1 vs N subscribers, fan-out throughput and
end-to-end time to the last inbox, on the local stack (numbers for lambdas/notify_worker/README.md).

Run: .venv/bin/python -m benchmarks.broadcast_bench [--audience 5000] [--rounds 5]  (or `make bench`)
It starts its own local stack on free ports in a temp dir (never one `make up` started), writes the audience's
subscriptions in bulk (BatchWriteItem, as tests/broadcast_support.py does), then:
1. fan-out: one broadcast to the N subscribers through the API; the time from the POST until the worker's
   checkpoint says the last page is done and the last subscriber's inbox holds it; throughput = N / that time;
2. API latency: `--rounds` pairs of POST /notifications, to the provider with 1 subscriber and to the one with N,
   alternating (so both see the same background fan-out load); median of each and the ratio N / 1 (goal under
   1.5: the request does constant work, one queued job, whatever the audience).
The baseline is the broadcast to 1 subscriber, measured in the same run.
Writes reports/bench/broadcast.json and a Markdown table (broadcast.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "lambdas")]

from backend_core.broadcast_store import BroadcastStore  # noqa: E402
from benchmarks.markdown_report import publish  # noqa: E402
from ops.local import background_stack  # noqa: E402
from ops.local.testing import LocalStackHandle, free_ports_config  # noqa: E402
from tests.broadcast_support import bulk_subscribe, inbox_ids  # noqa: E402

RATIO_GOAL = 1.5
REPORT = REPO / "reports" / "bench" / "broadcast.json"


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _post(stack: LocalStackHandle, user: object, title: str) -> tuple[float, dict]:
    started = time.perf_counter()
    reply = stack.request("POST", "/notifications", user=user, json={"to": None, "title": title, "body": "b"})
    elapsed = time.perf_counter() - started
    if reply.status_code != 202:
        raise SystemExit(f"broadcast answered {reply.status_code}: {reply.text}")
    return elapsed, reply.json()


def run(audience: int, rounds: int) -> dict:
    config = free_ports_config(Path(tempfile.mkdtemp(prefix="broadcast-bench-")))
    state, _ = background_stack.start(config)
    try:
        stack = LocalStackHandle(state, config.state_dir)
        ddb, table, region = stack.client("dynamodb"), stack.outputs.table.name, stack.region("primary")
        big, small = stack.create_user("providers"), stack.create_user("providers")
        for provider in (big, small):
            stack.request("GET", "/me", user=provider)
        subscribers = [f"bench-{n:06d}" for n in range(audience)]
        bulk_subscribe(ddb, table, region, big.sub, subscribers, _now())
        bulk_subscribe(ddb, table, region, small.sub, ["bench-lone"], _now())
        checkpoints = BroadcastStore(ddb, table, region)

        started = time.perf_counter()
        _, sent = _post(stack, big, "fan-out")
        while not checkpoints.checkpoint(sent["id"]).finished_at:
            time.sleep(0.2)
        last = subscribers[-1]
        while not inbox_ids(ddb, table, [last], sent["id"]):
            time.sleep(0.2)
        end_to_end = time.perf_counter() - started
        delivered = len(inbox_ids(ddb, table, subscribers, sent["id"]))

        one, many = [], []
        for n in range(rounds):
            one.append(_post(stack, small, f"one-{n}")[0])
            many.append(_post(stack, big, f"many-{n}")[0])
    finally:
        background_stack.stop(config)
    median_one, median_many = statistics.median(one), statistics.median(many)
    return {
        "audience": audience,
        "rounds": rounds,
        "api_ms_1": round(1000 * median_one, 1),
        "api_ms_n": round(1000 * median_many, 1),
        "ratio": round(median_many / median_one, 2),
        "ratio_goal": RATIO_GOAL,
        "end_to_end_s": round(end_to_end, 1),
        "recipients_per_s": round(audience / end_to_end, 1),
        "delivered": delivered,
    }


def markdown(r: dict) -> str:
    return "\n".join(
        [
            f"Broadcasts on the local stack (audience {r['audience']}, {r['rounds']} latency rounds)",
            "",
            "| measure | value |",
            "|---|---|",
            f"| API latency, broadcast to 1 (median) | {r['api_ms_1']} ms |",
            f"| API latency, broadcast to {r['audience']} (median) | {r['api_ms_n']} ms |",
            f"| ratio (goal < {r['ratio_goal']}) | {r['ratio']} |",
            f"| fan-out end to end (POST to the last inbox) | {r['end_to_end_s']} s |",
            f"| fan-out throughput | {r['recipients_per_s']} recipients/s |",
            f"| inboxes holding it | {r['delivered']} / {r['audience']} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--audience", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    result = run(args.audience, args.rounds)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    publish(REPORT, markdown(result))
    if result["delivered"] != result["audience"]:
        raise SystemExit("not every subscriber's inbox holds the broadcast")


if __name__ == "__main__":
    main()
