"""The usage-event table as Glue describes it, and the same types in Arrow (Parquet) and SQL.

The Glue table (columns from `backend_core.usage_events.glue_columns()`, partition key `day`) is what
Athena applies to the Parquet files; the local engine, the Firehose stand-in and the generator apply the
same schema, read from the (emulated) Glue catalog or, offline, from the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backend_core.archival import INVENTORY_COLUMNS, MEDIA_INVENTORY
from backend_core.usage_events import PARTITION_KEY, TABLE_NAME, glue_columns

SYMLINK_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat"

# Glue primitive type -> the SQL type sqlglot/DuckDB use for it.
GLUE_TO_SQL = {
    "string": "VARCHAR",
    "int": "INT",
    "bigint": "BIGINT",
    "double": "DOUBLE",
    "float": "FLOAT",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
}


@dataclass(frozen=True)
class TableSchema:
    """Columns (name -> Glue type, in order), partition keys, and where the data lives."""

    database: str
    name: str
    columns: dict[str, str]
    partition_keys: dict[str, str]
    location: str = ""  # s3://bucket/usage_events/
    parameters: dict[str, str] = field(default_factory=dict)
    input_format: str = (
        ""  # SYMLINK_INPUT_FORMAT: partitions hold symlink.txt manifests naming the data files
    )

    @property
    def symlinked(self) -> bool:
        return self.input_format == SYMLINK_INPUT_FORMAT

    @classmethod
    def from_contract(cls, database: str = "", location: str = "") -> TableSchema:
        return cls(
            database=database,
            name=TABLE_NAME,
            columns={c["name"]: c["type"] for c in glue_columns()},
            partition_keys={PARTITION_KEY: "string"},
            location=location,
        )

    @classmethod
    def for_table(cls, database: str, name: str) -> TableSchema:
        """A known table's schema from its contract, offline: the usage events, or the media inventory
        (backend_core.archival). KeyError for any other name."""
        if name == TABLE_NAME:
            return cls.from_contract(database)
        if name == MEDIA_INVENTORY.table:
            return cls(
                database=database,
                name=name,
                columns={column: kind for column, kind, _ in INVENTORY_COLUMNS},
                partition_keys={MEDIA_INVENTORY.partition_key: "string"},
                input_format=SYMLINK_INPUT_FORMAT,
            )
        raise KeyError(f"no contract for table {name}")

    @classmethod
    def from_glue(cls, table: dict[str, Any]) -> TableSchema:
        """From a Glue GetTable `Table` document."""
        descriptor = table["StorageDescriptor"]
        return cls(
            database=table["DatabaseName"],
            name=table["Name"],
            columns={c["Name"]: c["Type"].lower() for c in descriptor["Columns"]},
            partition_keys={c["Name"]: c["Type"].lower() for c in table.get("PartitionKeys", [])},
            location=descriptor.get("Location", ""),
            parameters=dict(table.get("Parameters") or {}),
            input_format=descriptor.get("InputFormat", ""),
        )

    @property
    def all_columns(self) -> dict[str, str]:
        return {**self.columns, **self.partition_keys}

    def sql_types(self) -> dict[str, str]:
        """name -> SQL type of every column, partition keys included (sqlglot's schema)."""
        unknown = sorted({t for t in self.all_columns.values() if t not in GLUE_TO_SQL})
        if unknown:
            raise ValueError(f"Glue types without a local mapping: {', '.join(unknown)}")
        return {name: GLUE_TO_SQL[t] for name, t in self.all_columns.items()}

    def arrow_schema(self) -> Any:
        """The Parquet schema of one data file (partition keys live in the path, not the file)."""
        import pyarrow as pa

        types = {
            "string": pa.string(),
            "int": pa.int32(),
            "bigint": pa.int64(),
            "double": pa.float64(),
            "float": pa.float32(),
            "boolean": pa.bool_(),
            # Naive UTC, millisecond precision: Glue's `timestamp` carries no zone.
            "timestamp": pa.timestamp("ms"),
            "date": pa.date32(),
        }
        return pa.schema([pa.field(name, types[t]) for name, t in self.columns.items()])

    def bucket_and_prefix(self) -> tuple[str, str]:
        """('bucket', 'usage_events/') from the table location."""
        if not self.location.startswith("s3://"):
            raise ValueError(f"table {self.name} has no S3 location")
        bucket, _, prefix = self.location[len("s3://") :].partition("/")
        return bucket, prefix if prefix.endswith("/") or not prefix else prefix + "/"
