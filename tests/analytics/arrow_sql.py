"""Run an Athena SQL file on an Arrow table with DuckDB, as the local engine does but without S3: the
SQL tests hand generated events to the translated queries directly."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ops.analytics.schema import TableSchema
from ops.analytics.translate import analyse

SCHEMA = TableSchema.from_contract("mbt_test_analytics")


def run(sql: str, table: pa.Table):
    """The query's result as a DataFrame (convert_dtypes, like the query layer) over `table`, which has the
    contract's columns and `day`."""
    analysis = analyse(sql, SCHEMA)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("events_arrow", table)
    con.execute(f'CREATE SCHEMA "{SCHEMA.database}"')
    con.execute(f'CREATE VIEW "{SCHEMA.database}"."usage_events" AS SELECT * FROM events_arrow')
    return con.execute(analysis.duckdb_sql).df().convert_dtypes()


def with_day(history) -> pa.Table:
    """A generated history's tables as one table with the contract's types (plain strings, as a Parquet
    reader gives them) and the `day` partition column."""
    schema = SCHEMA.arrow_schema()
    return pa.concat_tables(
        history.tables[d].cast(schema).append_column("day", pa.array([d] * history.tables[d].num_rows))
        for d in history.days
    )
