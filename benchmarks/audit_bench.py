"""Benchmark of `ops audit lifecycle` over many objects on the local stack (the number in ops/audit/README.md).

Run: .venv/bin/python -m benchmarks.audit_bench [--objects 100000]  (or `make bench`)
It hosts its own local stack in this process on free ports in a temp dir (never one `make up` started) and
writes `--objects` media objects straight into the emulator's store, as an existing bucket would be found
(through the S3 API this machine writes some 30 objects a second: an hour for 100,000): 128 bytes each under
`users/<user>/media/<id>`, half STANDARD, half INTELLIGENT_TIERING, last modified up to 400 days ago, with
their media items (object size does not change the audit's work). Nothing is notified, so nothing replicates
and the table's stream stays quiet: the primary bucket and the table are the work. Two housekeepers of the
hosted stack are slowed for the run, since at this size they would take the one process from the audit and
have no counterpart on an AWS account's capacity: the TTL stand-in's full-table scan (every 5 s; hourly here)
and the janitor's full garbage collection (every 10 s; every 5 minutes here). Then, in the same run,
each audit in a process of its own through the emulator's API, as `ops audit lifecycle` runs it:

- baseline: one paged ListObjectsV2 of the bucket, the least any audit of it must read;
- the audit with `--source listing`: the listing, a HeadObject per Intelligent-Tiering object old enough to be
  in an archive tier (a listing does not say the access tier), the table scan for last uses, the cost model,
  the streams;
- the S3 Inventory stand-in writes the Parquet report (`ops local inventory`), then the audit with
  `--source inventory`: the report through the analytics layer (DuckDB locally, Athena in AWS) instead.

Each audit is reported in seconds and as a ratio to the baseline listing. Markdown on stdout, JSON in
reports/bench/audit.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "lambdas")]

from backend_core import item_keys  # noqa: E402
from backend_core.ddb import to_ddb  # noqa: E402
from ops.local.aws import client  # noqa: E402
from ops.local.config import ACCOUNT_ID  # noqa: E402
from ops.local.stack import LocalStack  # noqa: E402
from ops.local.testing import free_ports_config  # noqa: E402
from ops.stack_outputs import StackOutputs  # noqa: E402

USERS = 1000


def seed(outputs: StackOutputs, objects: int) -> float:
    """Write the objects and their media items into the emulator's store; seconds taken."""
    from moto.dynamodb.models import dynamodb_backends
    from moto.s3.models import s3_backends

    s3 = s3_backends[ACCOUNT_ID]["global"]
    table = dynamodb_backends[ACCOUNT_ID][outputs.primary_region].get_table(outputs.table.name)
    rng = random.Random(11)  # noqa: S311 (reproducible ages, not secrets)
    now = datetime.now(UTC)
    started = time.perf_counter()
    shard = table.stream_shard
    shard.add = lambda *args, **kwargs: None  # no stream records: nothing for the stand-ins to do
    try:
        for i in range(objects):
            user, media = f"user-{i % USERS:04d}", f"m{i:07d}"
            key = s3.put_object(
                outputs.media.bucket.primary,
                f"users/{user}/media/{media}",
                b"x" * 128,
                storage="INTELLIGENT_TIERING" if i % 2 else "STANDARD",
                disable_notification=True,
            )
            created = now - timedelta(days=rng.uniform(0, 400))
            key.last_modified = created.replace(tzinfo=None)
            table.put_item(
                {
                    **to_ddb(item_keys.media(user, media)),
                    "media_id": {"S": media},
                    "created_at": {"S": created.isoformat(timespec="microseconds").replace("+00:00", "Z")},
                }
            )
            if (i + 1) % 20000 == 0:
                print(f"  {i + 1:,} objects", file=sys.stderr)
    finally:
        del shard.add  # the class's method again
    return time.perf_counter() - started


def list_all(outputs: StackOutputs) -> tuple[float, int]:
    s3 = client("s3", outputs.primary_region, outputs.endpoint_url or "")
    started, found = time.perf_counter(), 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=outputs.media.bucket.primary):
        found += page.get("KeyCount", 0)
    return time.perf_counter() - started, found


# The audit in a process of its own, as `ops audit lifecycle` runs it (the CLI finds a stack only in a stack
# process; this one is hosted here): outputs in, the JSON report out, the exit code of the CLI.
AUDIT = """
import sys
from ops.audit.env import AuditEnv
from ops.audit.lifecycle import audit_lifecycle
from ops.audit.report import as_json
from ops.stack_outputs import StackOutputs
outputs = StackOutputs.model_validate_json(open(sys.argv[1]).read())
report = audit_lifecycle(AuditEnv(outputs), source=sys.argv[2])
open(sys.argv[3], "w").write(as_json(report))
sys.exit(0 if report.passed else 1)
"""


def audit(outputs_file: Path, source: str, out: Path) -> tuple[float, int]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", AUDIT, str(outputs_file), source, str(out)],
        capture_output=True,
        text=True,
        timeout=7200,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'lambdas'}"},
    )
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1) or not out.is_file():  # 1: violations (the seeded objects have some)
        raise SystemExit(f"audit --source {source} failed: {result.stderr.strip()[-2000:]}")
    report = json.loads(out.read_text())
    primary = next(b for b in report["objects"] if b["role"] == "media")
    return seconds, sum(c["count"] for c in primary["classes"].values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=100_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("werkzeug", "botocore", "urllib3"):  # moto logs every request otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    results: dict = {
        "objects": args.objects,
        "machine": {"cpus": os.cpu_count(), "load_1m": os.getloadavg()[0]},
    }
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmp:
        state_dir = Path(tmp)
        config = free_ports_config(state_dir)
        config.log_dir.mkdir(parents=True, exist_ok=True)
        stack = LocalStack(config).start()
        try:
            outputs = StackOutputs.model_validate(stack.state_document()["outputs"])
            outputs_file = state_dir / "outputs.json"
            outputs_file.write_text(outputs.model_dump_json())
            print(f"seeding {args.objects:,} objects ...", file=sys.stderr)
            assert stack.inventory is not None
            assert stack.ttl is not None and stack.janitor is not None
            stack.ttl.interval, stack.janitor.interval = 3600.0, 300.0  # (module docstring)
            results["seed_s"] = round(seed(outputs, args.objects), 1)
            listing_s, listed = list_all(outputs)
            if listed != args.objects:
                raise SystemExit(f"listed {listed} objects, seeded {args.objects}")
            results["baseline_listing_s"] = round(listing_s, 2)
            seconds, classified = audit(outputs_file, "listing", state_dir / "listing.json")
            results["audit_listing_s"] = round(seconds, 1)
            started = time.perf_counter()
            stack.inventory.deliver()  # what `ops local inventory` asks the stack to do
            results["inventory_report_s"] = round(time.perf_counter() - started, 1)
            seconds, from_inventory = audit(outputs_file, "inventory", state_dir / "inventory.json")
            results["audit_inventory_s"] = round(seconds, 1)
            if classified != args.objects or from_inventory != args.objects:
                raise SystemExit(
                    f"classified {classified} (listing) and {from_inventory} (inventory) objects"
                )
        finally:
            stack.stop()
    results["audit_listing_vs_listing"] = round(results["audit_listing_s"] / results["baseline_listing_s"], 1)
    results["audit_inventory_vs_listing"] = round(
        results["audit_inventory_s"] / results["baseline_listing_s"], 1
    )
    report = REPO / "reports" / "bench" / "audit.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(results, indent=2))
    print(f"| measure ({args.objects:,} objects) | seconds | vs the baseline listing |\n|---|---|---|")
    print(f"| baseline: one paged listing of the bucket | {results['baseline_listing_s']} | 1 |")
    print(
        f"| the audit, `--source listing` (its own process, start to report) | {results['audit_listing_s']} | "
        f"{results['audit_listing_vs_listing']} |"
    )
    print(f"| the S3 Inventory stand-in writing the report | {results['inventory_report_s']} | |")
    print(
        f"| the audit, `--source inventory` (its own process, start to report) | {results['audit_inventory_s']} | "
        f"{results['audit_inventory_vs_listing']} |"
    )
    print(
        f"seeding took {results['seed_s']} s; load average {results['machine']['load_1m']:.1f}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
