"""Every SQL file of ops/analytics/queries parses as Athena (Trino) SQL, reads only day partitions it
names, and translated by sqlglot with the Glue schema gives, on DuckDB, the generator's ground truth.
No local stack here: the generated Arrow tables are handed to DuckDB directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from ops.analytics import catalog
from ops.analytics.generator import Settings, generate, ground_truth
from ops.analytics.metrics import records
from ops.analytics.translate import QueryError, analyse
from tests.analytics.arrow_sql import SCHEMA, run, with_day
from tests.analytics.truth import mismatches

FILES = catalog.all_files()


@pytest.fixture(scope="module")
def events():
    history = generate(Settings(days=35, users=250, seed=3, end=date(2025, 6, 30)))
    return history, with_day(history)


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


def test_a_range_past_the_data_or_over_a_lost_day_does_not_count_unobserved_days(events) -> None:
    """Retention eligibility needs the day n days after the first day to hold events: a range ending 45
    days after the data, and a day lost on the way (no events at all), must not depress retention.
    Every file still gives the ground truth of what the table holds over that range."""
    history, table = events
    lost = history.days[20]
    holed = table.filter(pc.not_equal(table["day"], lost))
    since, past = history.days[0], (date.fromisoformat(history.days[-1]) + timedelta(days=45)).isoformat()
    truth = ground_truth(holed.to_pandas(), since, past)
    for sql_file in FILES:
        frame = run(sql_file.bind({"since": since, "until": past}), holed)
        got = {sql_file.name: records(frame)}
        assert mismatches(got, {sql_file.name: truth[sql_file.name]}) == [], sql_file.name

    cohorts = {row["cohort_week"]: row for row in truth["retention_weekly_cohorts"]}
    first_days = (
        holed.group_by("user_id").aggregate([("day", "min")]).filter(pc.is_valid(pc.field("user_id")))
    )
    last_day = date.fromisoformat(history.days[-1])
    for n in (1, 7, 30):
        # Users whose day n is observed: not past the data and not the lost day.
        expected: dict[str, int] = {}
        for first in first_days["day_min"].to_pylist():
            day_n = date.fromisoformat(first) + timedelta(days=n)
            if day_n <= last_day and day_n.isoformat() != lost:
                week = date.fromisoformat(first) - timedelta(days=date.fromisoformat(first).weekday())
                expected[week.isoformat()] = expected.get(week.isoformat(), 0) + 1
        assert {w: r[f"d{n}_eligible"] for w, r in cohorts.items() if r[f"d{n}_eligible"]} == expected
    # Without the lost day, the range past the data says exactly what the range of the data says.
    within = run(
        catalog.load("retention_weekly_cohorts").bind({"since": since, "until": history.days[-1]}), table
    )
    beyond = run(catalog.load("retention_weekly_cohorts").bind({"since": since, "until": past}), table)
    assert records(beyond) == records(within)


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
        ("SELEC nonsense", r"\(line 1, column 1\): a query starts with SELECT or WITH, not 'SELEC'"),
        ("-- a comment\n  SELCT day FROM usage_events", r"\(line 2, column 3\).*not 'SELCT'"),
        ("SELECT * FROM usage_events WHERE", "does not parse as Athena SQL .*missing for WHERE"),
        ("SELECT FROM", "got the end of the query"),
        ("", "no SQL given"),
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


def test_today_s_partial_day_is_not_observed_even_with_health_checks() -> None:
    """The running stack writes health-check events (no user) today: that partial day must not count as a
    day on which nobody came back (a false D1/D7 of 0 % with the default --until, which is today)."""
    today = datetime.now(UTC).date()
    history = generate(Settings(days=21, users=200, seed=5, end=today - timedelta(days=1)))
    table = with_day(history)
    check = table.slice(0, 1)
    check = check.set_column(
        check.schema.get_field_index("user_id"), "user_id", pa.array([None], pa.string())
    )
    check = check.set_column(check.schema.get_field_index("day"), "day", pa.array([today.isoformat()]))
    sql = catalog.load("retention_weekly_cohorts")
    since = history.days[0]
    with_today = run(sql.bind({"since": since, "until": today.isoformat()}), pa.concat_tables([table, check]))
    without = run(sql.bind({"since": since, "until": history.days[-1]}), table)
    assert records(with_today) == records(without)
