"""The query layer and `ops analytics` against the local stack, over a generated history: the metrics
equal the generator's ground truth, partitions are pruned (and the bytes say so), mistakes are one line."""

from __future__ import annotations

import io
import json
import warnings
from datetime import date, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ops.analytics import FullScanWarning, QueryError, query, query_file
from ops.analytics.engine import athena_arguments
from ops.analytics.publish import TRUTH_KEY
from ops.analytics.target import Target
from tests.analytics.truth import mismatches


def test_metrics_cli_reports_the_ground_truth(history) -> None:
    done = history.ops(
        "analytics",
        "metrics",
        "--env",
        "local",
        "--since",
        history.since,
        "--until",
        history.until,
        "--format",
        "json",
    )
    document = json.loads(done.stdout)
    assert mismatches(document["metrics"], history.truth["metrics"]) == []
    assert all(n > 0 for n in document["bytes_scanned"].values())


def test_the_metrics_table_shows_every_day_and_number_whole_in_80_columns(history) -> None:
    """Piped output is 80 columns wide; rich would shrink the columns to '2025-…' (issue 10 review)."""
    done = history.ops(
        "analytics", "metrics", "--env", "local", "--since", history.since, "--until", history.until,
        "--only", "api_health_by_region_day",
    )  # fmt: skip
    assert "…" not in done.stdout
    for row in history.truth["metrics"]["api_health_by_region_day"]:
        assert f"│ {row['day']} │ {row['region']} " in done.stdout
        assert f" {row['user_requests']} │" in done.stdout


def test_a_later_range_still_counts_wau_mau_and_new_users_over_the_whole_history(history) -> None:
    since = (date.fromisoformat(history.since) + timedelta(days=12)).isoformat()
    for name in ("dau_wau_mau", "new_vs_returning"):
        frame = query_file(
            name, "local", since, history.until, target=history.target(), cache_dir=history.cache_dir
        )
        rows = json.loads(frame.to_json(orient="records"))
        expected = [r for r in history.truth["metrics"][name] if r["day"] >= since]
        assert mismatches({name: rows}, {name: expected}) == []


def test_retention_over_a_range_ending_past_the_data_is_that_of_the_data(history) -> None:
    """Days after the last day with events are not observed: nobody is eligible on them (issue 10)."""
    past = (date.fromisoformat(history.until) + timedelta(days=40)).isoformat()
    name = "retention_weekly_cohorts"
    frame = query_file(
        name, "local", history.since, past, target=history.target(), cache_dir=history.cache_dir
    )
    rows = json.loads(frame.to_json(orient="records"))
    assert mismatches({name: rows}, {name: history.truth["metrics"][name]}) == []


def test_a_day_reads_one_partition_and_a_full_scan_warns(history) -> None:
    s3 = history.stack.client("s3")
    bucket = history.stack.outputs.analytics.bucket
    sizes = {
        o["Key"]: o["Size"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="usage_events/")["Contents"]
    }
    target = history.target()
    sql = "SELECT count(*) AS n FROM usage_events WHERE day = :day"
    with warnings.catch_warnings():
        warnings.simplefilter("error", FullScanWarning)
        one = query(sql, params={"day": history.until}, target=target, cache_dir=history.cache_dir)
    (key,) = [k for k in sizes if f"day={history.until}/" in k]
    assert one.attrs["analytics"]["bytes_scanned"] == sizes[key] and one.attrs["analytics"]["partitions"] == 1
    with pytest.warns(FullScanWarning, match="without a condition on day"):
        everything = query(
            "SELECT count(*) AS n FROM usage_events", target=target, cache_dir=history.cache_dir
        )
    assert everything.attrs["analytics"]["bytes_scanned"] == sum(sizes.values())
    assert int(everything["n"][0]) == sum(
        r["requests"] for r in history.truth["metrics"]["api_health_by_route"]
    )


def test_a_replaced_object_is_read_again_not_from_the_cache(history) -> None:
    s3 = history.stack.client("s3")
    bucket = history.stack.outputs.analytics.bucket
    key = next(
        o["Key"]
        for o in s3.list_objects_v2(Bucket=bucket, Prefix=f"usage_events/day={history.since}/")["Contents"]
    )
    original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    sql = f"SELECT count(*) AS n FROM usage_events WHERE day = '{history.since}'"
    before = int(query(sql, target=history.target(), cache_dir=history.cache_dir)["n"][0])
    table = pq.read_table(io.BytesIO(original))
    try:
        sink = io.BytesIO()
        pq.write_table(table.slice(0, 10), sink)
        s3.put_object(Bucket=bucket, Key=key, Body=sink.getvalue())
        assert int(query(sql, target=history.target(), cache_dir=history.cache_dir)["n"][0]) == 10 != before
    finally:
        s3.put_object(Bucket=bucket, Key=key, Body=original)


def test_a_file_whose_types_do_not_fit_the_glue_table_fails_like_athena(history) -> None:
    s3 = history.stack.client("s3")
    bucket = history.stack.outputs.analytics.bucket
    sink = io.BytesIO()
    pq.write_table(pa.table({"status": pa.array(["200"])}), sink)
    key = f"usage_events/day={history.until}/bad-types.parquet"
    s3.put_object(Bucket=bucket, Key=key, Body=sink.getvalue())
    try:
        with pytest.raises(QueryError, match="HIVE_BAD_DATA: field status"):
            query(
                f"SELECT count(*) FROM usage_events WHERE day = '{history.until}'",
                target=history.target(),
                cache_dir=history.cache_dir,
            )
    finally:
        s3.delete_object(Bucket=bucket, Key=key)


def test_query_cli_prints_csv_and_bad_sql_is_one_line(history) -> None:
    done = history.ops(
        "analytics",
        "query",
        "--env",
        "local",
        "--format",
        "csv",
        "--param",
        f"day={history.until}",
        "SELECT region, count(*) AS n FROM usage_events WHERE day = :day GROUP BY region ORDER BY region",
    )
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "region,n" and len(lines) == 3 and "bytes scanned" in done.stderr
    bad = history.ops(
        "analytics",
        "query",
        "--env",
        "local",
        "SELECT nope FROM usage_events WHERE day = '2025-01-01'",
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0 and "nope" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_generate_refuses_to_mix_histories_and_has_a_dry_run(history) -> None:
    same_days = (
        "analytics",
        "generate",
        "--env",
        "local",
        "--days",
        "3",
        "--users",
        "5",
        "--end",
        history.until,
    )
    again = history.ops(*same_days, check=False)
    assert again.returncode == 2 and "--replace" in again.stderr and again.stderr.count("\n") == 1
    dry = history.ops(*same_days, "--replace", "--dry-run")
    assert "would delete" in dry.stdout
    s3 = history.stack.client("s3")
    assert s3.get_object(Bucket=history.stack.outputs.analytics.bucket, Key=TRUTH_KEY)  # nothing changed
    cloud = history.ops("analytics", "generate", "--env", "prod", check=False)
    assert cloud.returncode == 2 and "local stack only" in cloud.stderr


def test_athena_runs_in_the_env_workgroup_with_results_reuse() -> None:
    target = Target(
        "prod", "us-east-1", None, "bucket", "mbt_prod_analytics", "usage_events", "mbt-prod-analytics"
    )
    arguments = athena_arguments("SELECT 1", target)
    assert arguments["workgroup"] == "mbt-prod-analytics" and arguments["database"] == "mbt_prod_analytics"
    assert arguments["ctas_approach"] is False  # result reuse does not apply to CTAS
    assert arguments["result_reuse_configuration"]["ResultReuseByAgeConfiguration"]["Enabled"] is True
    assert arguments["athena_cache_settings"]["max_cache_seconds"] > 0


def test_the_local_stack_has_every_query_as_an_athena_named_query(local_stack) -> None:
    from ops.analytics.catalog import named_queries

    athena = local_stack.client("athena")
    ids = athena.list_named_queries(WorkGroup=local_stack.outputs.analytics.workgroup)["NamedQueryIds"]
    found = {q["Name"]: q for q in (athena.get_named_query(NamedQueryId=i)["NamedQuery"] for i in ids)}
    for expected in named_queries():
        assert found[expected["name"]]["QueryString"] == expected["query"]
        assert found[expected["name"]]["Database"] == local_stack.outputs.analytics.database


def test_a_cloud_env_goes_to_athena_in_its_workgroup(local_stack, tmp_path, monkeypatch) -> None:
    """The AWS path against the emulator's Athena (boto3's AWS_ENDPOINT_URL): the query reaches the env's
    workgroup and database unchanged. moto writes no result file, so awswrangler's read then fails: one line."""
    outputs = local_stack.outputs.model_dump(mode="json") | {"env": "dev", "endpoint_url": None}
    (tmp_path / "dev.json").write_text(json.dumps(outputs))
    monkeypatch.setenv("MBT_STACK_OUTPUTS", str(tmp_path / "dev.json"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", local_stack.endpoint_url)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    sql = "SELECT count(*) AS n FROM usage_events WHERE day = '2025-03-01'"
    try:
        query(sql, env="dev")
    except QueryError as exc:
        assert str(exc).startswith("Athena: ") and "\n" not in str(exc)
    athena = local_stack.client("athena")
    workgroup = local_stack.outputs.analytics.workgroup
    ids = athena.list_query_executions(WorkGroup=workgroup)["QueryExecutionIds"]
    sent = [athena.get_query_execution(QueryExecutionId=i)["QueryExecution"] for i in ids]
    mine = [q for q in sent if q["Query"] == sql]
    assert mine, f"no query with the SQL reached workgroup {workgroup}"
    assert mine[0]["QueryExecutionContext"]["Database"] == local_stack.outputs.analytics.database
