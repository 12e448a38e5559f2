"""Every SQL file of ops/analytics/queries parses as Athena (Trino) SQL, reads only day partitions it
names, and translated by sqlglot with the Glue schema gives, on DuckDB, the generator's ground truth.
No local stack here: the generated Arrow tables are handed to DuckDB directly."""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from ops.analytics import catalog
from ops.analytics.generator import Settings, generate
from ops.analytics.metrics import records
from ops.analytics.schema import TableSchema
from ops.analytics.translate import QueryError, analyse
from tests.analytics.truth import mismatches

FILES = catalog.all_files()
SCHEMA = TableSchema.from_contract("mbt_test_analytics")


@pytest.fixture(scope="module")
def events():
    history = generate(Settings(days=35, users=250, seed=3, end=date(2025, 6, 30)))
    table = pa.concat_tables(
        history.tables[d].append_column("day", pa.array([d] * history.tables[d].num_rows))
        for d in history.days
    )
    return history, table


def run(sql: str, table: pa.Table):
    analysis = analyse(sql, SCHEMA)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("events_arrow", table)
    con.execute(f'CREATE SCHEMA "{SCHEMA.database}"')
    con.execute(f'CREATE VIEW "{SCHEMA.database}"."usage_events" AS SELECT * FROM events_arrow')
    return con.execute(analysis.duckdb_sql).df().convert_dtypes()


def test_there_is_a_file_per_metric_of_the_issue() -> None:
    names = {f.name for f in FILES}
    assert {
        "dau_wau_mau",
        "new_vs_returning",
        "retention_weekly_cohorts",
        "api_health_by_route",
        "api_health_by_region_day",
        "platform_mix",
        "app_version_mix",
        "provider_activity",
        "consumer_engagement",
    } <= names


@pytest.mark.parametrize("sql_file", FILES, ids=lambda f: f.name)
def test_parses_as_athena_sql_with_known_functions(sql_file: catalog.SqlFile) -> None:
    tree = sqlglot.parse_one(sql_file.text, read="athena", error_level=ErrorLevel.RAISE)
    unknown = sorted({f.name for f in tree.find_all(exp.Anonymous)})
    assert unknown == [], f"functions sqlglot does not know as Trino functions: {unknown}"
    tree.sql(dialect="athena", unsupported_level=ErrorLevel.RAISE)  # expressible in Athena's dialect
    assert sql_file.title and sql_file.params == ("since", "until")
    assert catalog.placeholder_names(sql_file.text) == set(sql_file.params)


@pytest.mark.parametrize("sql_file", FILES, ids=lambda f: f.name)
def test_every_read_of_the_table_names_its_days(sql_file: catalog.SqlFile) -> None:
    analysis = analyse(sql_file.bind({"since": "2025-06-01", "until": "2025-06-30"}), SCHEMA)
    assert analysis.partition_filters and analysis.full_scans == 0


@pytest.mark.parametrize("sql_file", FILES, ids=lambda f: f.name)
def test_translated_to_duckdb_it_gives_the_ground_truth(sql_file: catalog.SqlFile, events) -> None:
    history, table = events
    frame = run(sql_file.bind({"since": history.days[0], "until": history.days[-1]}), table)
    got = {sql_file.name: records(frame)}
    assert mismatches(got, {sql_file.name: history.truth["metrics"][sql_file.name]}) == []


@pytest.mark.parametrize("sql_file", FILES, ids=lambda f: f.name)
def test_the_console_copy_parses_and_runs(sql_file: catalog.SqlFile, events) -> None:
    _, table = events
    text = catalog.console_text(sql_file)
    assert catalog.placeholder_names(text) == set()
    sqlglot.parse_one(text, read="athena", error_level=ErrorLevel.RAISE)
    run(text, table)  # the last 28 days before today: no rows in this history, but it must run


def test_athena_semantics_survive_translation(events) -> None:
    """Trino's integer division and count_if over nothing (0, not NULL), which DuckDB answers otherwise."""
    _, table = events
    frame = run(
        "SELECT 7 / 2 AS int_div, count_if(status = 999) AS none, CAST(7 AS double) / 2 AS real_div,"
        " date_trunc('week', date(day)) AS week FROM usage_events WHERE day = '2025-06-30' GROUP BY 4",
        table,
    )
    row = records(frame)[0]
    assert (row["int_div"], row["none"], row["real_div"]) == (3, 0, 3.5)
    assert str(row["week"])[:10] == "2025-06-30"


def test_parameters_bind_by_name_outside_strings_and_comments() -> None:
    text = "SELECT ':since' AS s -- :until\nFROM usage_events WHERE day BETWEEN :since AND :until"
    bound = catalog.bind(text, {"since": "2025-01-01", "until": date(2025, 1, 31)})
    assert (
        bound.endswith("BETWEEN '2025-01-01' AND '2025-01-31'")
        and "':since'" in bound
        and "-- :until" in bound
    )
    for params, message in (
        ({"since": "2025-01-01"}, "missing parameter"),
        ({"since": "2025-01-01", "until": "2025-01-31", "x": 1}, "no parameter"),
        ({"since": "yesterday", "until": "2025-01-31"}, "must be a date"),
    ):
        with pytest.raises(catalog.ParameterError, match=message):
            catalog.bind(text, params)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELEC 1", "does not parse"),
        ("SELECT nope FROM usage_events WHERE day = '2025-01-01'", "nope"),
        ("SELECT * FROM other_table", "does not exist"),
        ("DROP TABLE usage_events", "only queries"),
        ("SELECT * FROM usage_events WHERE day = :day", "unbound parameter"),
    ],
)
def test_bad_queries_are_one_line_errors(sql: str, message: str) -> None:
    with pytest.raises(QueryError, match=message) as caught:
        analyse(sql, SCHEMA)
    assert "\n" not in str(caught.value)


def test_partition_conditions_are_found_per_read() -> None:
    analysis = analyse(
        "SELECT a.day FROM usage_events a JOIN usage_events b ON a.user_id = b.user_id "
        "WHERE a.day = '2025-01-02' AND b.day IN ('2025-01-01', '2025-01-03') AND a.status > 0",
        SCHEMA,
    )
    assert len(analysis.partition_filters) == 2 and analysis.full_scans == 0
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE partitions AS SELECT * FROM (VALUES ('2025-01-01'), ('2025-01-02'), ('2025-01-03'), ('2025-01-04')) t(day)"
    )
    kept = sorted(r[0] for r in con.execute(analysis.partition_sql("day")).fetchall())
    assert kept == ["2025-01-01", "2025-01-02", "2025-01-03"]
    assert (
        analyse(
            "SELECT count(*) FROM usage_events WHERE status = 500 OR day = '2025-01-01'", SCHEMA
        ).full_scans
        == 1
    )
