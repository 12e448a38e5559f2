"""Write a generated history into an env's analytics bucket, in the layout Athena reads.

Data: `usage_events/day=YYYY-MM-DD/synthetic-s<seed>-YYYY-MM-DD.parquet` (SNAPPY, the contract's columns
and Glue types), so the Glue table's partition projection finds it exactly as it finds Firehose's
objects. Ground truth: `ground_truth/usage_events.json` beside the `usage_events/` folder, outside the
table's location (Athena never reads it).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from backend_core.usage_events import PARTITION_KEY, TABLE_NAME
from ops.analytics.generator import History
from ops.analytics.target import Target
from ops.local.aws import client

TRUTH_KEY = "ground_truth/usage_events.json"


def data_key(history: History, day: str) -> str:
    return f"{TABLE_NAME}/{PARTITION_KEY}={day}/synthetic-s{history.settings.seed}-{day}.parquet"


def existing_objects(target: Target, days: list[str] | None = None) -> list[str]:
    """Keys under the table's prefix (API events, raw Firehose objects, an earlier history); with `days`,
    only those in these days' partitions (what would mix with a history of those days)."""
    s3 = _s3(target)
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=f"{TABLE_NAME}/")
    keys = [obj["Key"] for page in pages for obj in page.get("Contents", [])]
    if days is None:
        return keys
    wanted = {f"{TABLE_NAME}/{PARTITION_KEY}={day}/" for day in days}
    return [k for k in keys if k[: k.rfind("/") + 1] in wanted]


def delete(target: Target, keys: list[str]) -> None:
    s3 = _s3(target)
    for start in range(0, len(keys), 1000):
        s3.delete_objects(
            Bucket=target.bucket,
            Delete={"Objects": [{"Key": k} for k in keys[start : start + 1000]], "Quiet": True},
        )


def write(history: History, target: Target, advance: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Upload every day's Parquet file and the ground truth; {'objects', 'bytes', 'truth'}."""
    import pyarrow.parquet as pq

    s3 = _s3(target)

    def one(day: str) -> int:
        sink = io.BytesIO()
        pq.write_table(history.tables[day], sink, compression="snappy")
        body = sink.getvalue()
        s3.put_object(Bucket=target.bucket, Key=data_key(history, day), Body=body)
        if advance:
            advance(1)
        return len(body)

    with ThreadPoolExecutor(max_workers=4) as pool:
        sizes = list(pool.map(one, history.days))
    truth = json.dumps(history.truth, indent=1, sort_keys=True, default=str).encode()
    s3.put_object(Bucket=target.bucket, Key=TRUTH_KEY, Body=truth, ContentType="application/json")
    return {"objects": len(sizes), "bytes": sum(sizes), "truth": f"s3://{target.bucket}/{TRUTH_KEY}"}


def read_truth(target: Target) -> dict[str, Any]:
    """The ground truth of the last generated history in the env's bucket."""
    body = _s3(target).get_object(Bucket=target.bucket, Key=TRUTH_KEY)["Body"].read()
    return json.loads(body)


def _s3(target: Target) -> Any:
    return client("s3", target.region, target.endpoint_url or "")
