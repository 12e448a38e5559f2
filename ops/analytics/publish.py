"""Write a generated history into an env's analytics bucket, in the layout Athena reads.

Data: `usage_events/day=YYYY-MM-DD/synthetic-s<seed>-YYYY-MM-DD.parquet` (SNAPPY, the contract's columns
and Glue types), so the Glue table's partition projection finds it exactly as it finds Firehose's
objects. One object per day: Firehose would write one per buffer (at least one per 15 minutes, so 96 or
more a day); Athena reads both layouts the same way, and fewer objects mean fewer requests to upload and
to read. Ground truth: `ground_truth/usage_events.json` beside the `usage_events/` folder, outside the
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
UPLOAD_WORKERS = 4  # uploads wait on the emulator; encoding uses the second core meanwhile
PLAIN_COLUMNS = frozenset({"event_id", "ts", "latency_ms"})  # (nearly) unique values: no dictionary


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


def write(
    history: History,
    target: Target,
    advance: Callable[[int], None] | None = None,
    workers: int = UPLOAD_WORKERS,
) -> dict[str, Any]:
    """Upload every day's Parquet file, then the ground truth; {'objects', 'bytes', 'truth'}.

    Days are encoded and uploaded by `workers` threads (Parquet encoding and the HTTP calls release the
    GIL) while this thread computes the ground truth if the history has none yet (pandas, which mostly
    holds it): on two cores the two overlap. The truth goes last, so its presence means a whole history.
    `advance(1)` is called per day uploaded.
    """
    s3 = _s3(target)

    def one(day: str) -> int:
        body = parquet_bytes(history.tables[day])
        s3.put_object(Bucket=target.bucket, Key=data_key(history, day), Body=body)
        if advance:
            advance(1)
        return len(body)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        uploads = [pool.submit(one, day) for day in history.days]
        try:
            truth = history.compute_truth()
        finally:
            sizes = [upload.result() for upload in uploads]  # an upload's error is raised here
    document = json.dumps(truth, indent=1, sort_keys=True, default=str).encode()
    s3.put_object(Bucket=target.bucket, Key=TRUTH_KEY, Body=document, ContentType="application/json")
    return {"objects": len(sizes), "bytes": sum(sizes), "truth": f"s3://{target.bucket}/{TRUTH_KEY}"}


def parquet_bytes(table: Any) -> bytes:
    """One day's events as a Parquet file the way Firehose's record format conversion writes them:
    SNAPPY, plain string columns (no Arrow schema stored, so dictionary-encoded text reads back as
    string). Dictionary encoding for the columns that repeat; not for event ids, timestamps and
    latencies, which are (nearly) all distinct and would only make the writer try and fall back."""
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(
        table,
        sink,
        compression="snappy",
        use_dictionary=[name for name in table.schema.names if name not in PLAIN_COLUMNS],
        store_schema=False,
    )
    return sink.getvalue()


def read_truth(target: Target) -> dict[str, Any]:
    """The ground truth of the last generated history in the env's bucket."""
    body = _s3(target).get_object(Bucket=target.bucket, Key=TRUTH_KEY)["Body"].read()
    return json.loads(body)


def _s3(target: Target) -> Any:
    return client("s3", target.region, target.endpoint_url or "")
