"""Athena's work done locally: the same SQL over the same Parquet, read from the emulated S3 by DuckDB.

DuckDB cannot fetch from S3 here (no httpfs extension offline), so the partitions the query needs are
chosen first (partition projection + pruning, as Athena does), their files copied into a local cache
(by ETag: a changed object is fetched again), and DuckDB reads those files through a view that applies the
Glue schema (Glue's type for every column, NULL for a column a file lacks, an error for a file whose type
does not fit, as Athena's Parquet reader). The bytes reported are those of the files actually read.

A table stored as `SymlinkTextInputFormat` (how Athena reads S3 Inventory reports) is read as Athena reads
it: each chosen partition holds `symlink.txt` manifests naming the data files (s3:// URIs, one a line), and
the rows of those files carry that partition's value.
"""

from __future__ import annotations

import logging
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ops.analytics.schema import GLUE_TO_SQL, TableSchema
from ops.analytics.target import Target
from ops.analytics.translate import Analysis, QueryError, analyse
from ops.local.aws import client
from ops.paths import REPO_ROOT

log = logging.getLogger("ops.analytics.local")
CACHE_ENV = "MBT_ANALYTICS_CACHE"


def default_cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or REPO_ROOT / ".cache" / "analytics")


@dataclass(frozen=True)
class DataFile:
    key: str
    size: int
    etag: str
    partition: str


class LocalEngine:
    def __init__(self, target: Target, cache_dir: Path | None = None) -> None:
        if target.endpoint_url is None:
            raise ValueError("the local engine needs the emulator's endpoint")
        self.target = target
        self.cache_dir = (cache_dir or default_cache_dir()) / target.bucket
        self.s3 = client("s3", target.region, target.endpoint_url)
        self.glue = client("glue", target.region, target.endpoint_url)

    # ---- catalogue --------------------------------------------------------------------------
    def table(self) -> TableSchema:
        try:
            found = self.glue.get_table(DatabaseName=self.target.database, Name=self.target.table)["Table"]
        except self.glue.exceptions.EntityNotFoundException:
            raise QueryError(f"table {self.target.database}.{self.target.table} does not exist") from None
        found.setdefault("DatabaseName", self.target.database)
        return TableSchema.from_glue(found)

    def partitions(self, table: TableSchema) -> dict[str, list[DataFile]]:
        """Partition value -> its data files, for every partition Athena would consider."""
        key = next(iter(table.partition_keys))
        template = (
            table.parameters.get("storage.location.template")
            or f"{table.location.rstrip('/')}/{key}=${{{key}}}/"
        )
        bucket, _, path = template[len("s3://") :].partition("/")
        head, _, tail = path.partition(f"${{{key}}}")
        if bucket != self.target.bucket or tail not in ("", "/"):
            raise QueryError(
                f"unsupported storage.location.template {template!r} (the local engine reads {self.target.bucket})"
            )
        allowed = self._allowed_values(table, key)
        found: dict[str, list[DataFile]] = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=head):
            for obj in page.get("Contents", []):
                value, _, rest = obj["Key"][len(head) :].partition("/")
                name = rest.rsplit("/", 1)[-1]
                if not rest or "/" in rest or name.startswith(("_", ".")) or not allowed(value):
                    continue  # not a data file of a partition Athena would read
                found.setdefault(value, []).append(
                    DataFile(obj["Key"], obj["Size"], obj["ETag"].strip('"'), value)
                )
        return dict(sorted(found.items()))

    def _allowed_values(self, table: TableSchema, key: str) -> Any:
        params = table.parameters
        if params.get("projection.enabled", "").lower() != "true":
            registered = {
                p["Values"][0]
                for page in self.glue.get_paginator("get_partitions").paginate(
                    DatabaseName=table.database, TableName=table.name
                )
                for p in page["Partitions"]
            }
            return registered.__contains__
        kind = params.get(f"projection.{key}.type")
        fmt = params.get(f"projection.{key}.format")
        if kind == "date" and fmt == "yyyy-MM-dd-HH-mm":
            return _hourly_values(params, key)
        if kind != "date" or fmt != "yyyy-MM-dd":
            raise QueryError(
                f"unsupported partition projection {kind}/{fmt} (locally: date, yyyy-MM-dd or yyyy-MM-dd-HH-mm)"
            )
        low, high = _projection_range(params.get(f"projection.{key}.range", ""))

        def allowed(value: str) -> bool:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return False
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return False
            return low <= day <= high

        return allowed

    # ---- running ------------------------------------------------------------------------------
    def run(self, sql: str) -> tuple[Any, dict[str, Any]]:
        """(DataFrame, stats) of one query. Stats: bytes_scanned, files, partitions, full_scans, seconds."""
        import duckdb

        started = time.perf_counter()
        table = self.table()
        analysis = analyse(sql, table)
        by_partition = self.partitions(table)
        key = next(iter(table.partition_keys))
        chosen = self._prune(analysis, list(by_partition), key)
        files = [f for value in chosen for f in by_partition[value]]
        if table.symlinked:
            files = self._symlink_targets(files)
        local_files = self._fetch(files)
        con = duckdb.connect(config={"threads": max(1, min(4, os.cpu_count() or 1))})
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{table.database}"')
            con.execute(self._view_sql(con, table, local_files, key, [f.partition for f in files]))
            try:
                frame = con.execute(analysis.duckdb_sql).df()
            except duckdb.Error as exc:
                raise QueryError(f"query failed: {str(exc).splitlines()[0]}") from None
        finally:
            con.close()
        stats = {
            "engine": "duckdb",
            "bytes_scanned": sum(f.size for f in files),
            "files": len(files),
            "partitions": len(chosen),
            "partitions_available": len(by_partition),
            "full_scans": analysis.full_scans,
            "seconds": round(time.perf_counter() - started, 3),
        }
        return frame, stats

    def _prune(self, analysis: Analysis, values: list[str], key: str) -> list[str]:
        selection = analysis.partition_sql(key)
        if selection is None or not values:
            return values
        import duckdb

        con = duckdb.connect()
        try:
            con.execute("SET TimeZone = 'UTC'")
            rows = ", ".join("(" + _quote(v) + ")" for v in values)
            # Built from quoted partition names listed in S3 and SQL sqlglot generated: no user text.
            con.execute(f'CREATE TABLE partitions AS SELECT * FROM (VALUES {rows}) AS t("{key}")')  # noqa: S608
            kept = {row[0] for row in con.execute(selection).fetchall()}
        except duckdb.Error as exc:
            raise QueryError(f"cannot evaluate the {key} condition: {str(exc).splitlines()[0]}") from None
        finally:
            con.close()
        return [v for v in values if v in kept]

    def _fetch(self, files: list[DataFile]) -> list[Path]:
        """Local copies of the files (cached by ETag), checked against the Glue schema on download."""

        def one(data_file: DataFile) -> Path:
            path = self.cache_dir / f"{data_file.key}.{data_file.etag}"
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                body = self.s3.get_object(Bucket=self.target.bucket, Key=data_file.key)["Body"].read()
                partial = path.with_name(path.name + ".part")
                partial.write_bytes(body)
                partial.replace(path)  # atomic: a half-written file is never taken for a cached one
                for stale in path.parent.glob(Path(data_file.key).name + ".*"):
                    if stale != path and not stale.name.endswith(".part"):
                        stale.unlink(missing_ok=True)
            return path

        if not files:
            return []
        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(one, files))

    def _symlink_targets(self, manifests: list[DataFile]) -> list[DataFile]:
        """The data files the partitions' symlink manifests name, each with its manifest's partition."""
        targets = []
        for manifest in manifests:
            body = self.s3.get_object(Bucket=self.target.bucket, Key=manifest.key)["Body"].read().decode()
            for line in filter(None, (line.strip() for line in body.splitlines())):
                bucket, _, key = line.removeprefix("s3://").partition("/")
                if not line.startswith("s3://") or bucket != self.target.bucket:
                    raise QueryError(
                        f"{manifest.key}: unsupported symlink {line!r} (locally: s3://{self.target.bucket}/...)"
                    )
                head = self.s3.head_object(Bucket=bucket, Key=key)
                targets.append(
                    DataFile(key, head["ContentLength"], head["ETag"].strip('"'), manifest.partition)
                )
        return targets

    def _view_sql(
        self, con: Any, table: TableSchema, files: list[Path], key: str, partitions: list[str] | None = None
    ) -> str:
        name = f'"{table.database}"."{table.name}"'
        if not files:
            columns = ", ".join(
                f'CAST(NULL AS {GLUE_TO_SQL[t]}) AS "{c}"' for c, t in table.all_columns.items()
            )
            return f"CREATE VIEW {name} AS SELECT {columns} WHERE FALSE"
        listing = "[" + ", ".join(_quote(str(f)) for f in files) + "]"
        present = self._file_columns(con, listing, table)
        selects = []
        for column, glue_type in table.columns.items():
            source = f'"{column}"' if column in present else "NULL"
            selects.append(f'CAST({source} AS {GLUE_TO_SQL[glue_type]}) AS "{column}"')
        if table.symlinked and partitions is not None:  # the data files live outside the partitions
            cases = " ".join(
                f"WHEN {_quote(str(f))} THEN {_quote(v)}" for f, v in zip(files, partitions, strict=True)
            )
            selects.append(f'CASE filename {cases} END AS "{key}"')
        else:
            pattern = f"/{key}=([^/]+)/[^/]*$"
            selects.append(f'regexp_extract(filename, {_quote(pattern)}, 1) AS "{key}"')
        source = f"read_parquet({listing}, filename = true, union_by_name = true)"
        return f"CREATE VIEW {name} AS SELECT {', '.join(selects)} FROM {source}"  # noqa: S608 (quoted paths)

    def _file_columns(self, con: Any, listing: str, table: TableSchema) -> set[str]:
        """Columns present in the files; QueryError when a file's type does not fit the Glue type."""
        import duckdb

        try:
            rows = con.execute(
                f"SELECT file_name, name, type, logical_type, converted_type FROM parquet_schema({listing})"  # noqa: S608
            ).fetchall()
        except duckdb.Error as exc:
            raise QueryError(f"a data file is not Parquet: {str(exc).splitlines()[0]}") from None
        present = set()
        for file_name, column, physical, logical, converted in rows:
            glue_type = table.columns.get(column)
            if glue_type is None:
                continue
            present.add(column)
            if not _fits(glue_type, physical, str(logical or ""), str(converted or "")):
                shown = Path(file_name).name.rsplit(".", 1)[0]
                raise QueryError(
                    f"HIVE_BAD_DATA: field {column}'s type {physical} in parquet file {shown} "
                    f"is incompatible with type {glue_type} defined in table schema"
                )
        return present


def _fits(glue_type: str, physical: str, logical: str, converted: str) -> bool:
    """Whether Athena's Parquet reader accepts a column of this physical/logical type for the Glue type."""
    logical, converted = logical.upper(), converted.upper()
    if glue_type == "string":
        return physical == "BYTE_ARRAY" and (
            "STRING" in logical or converted in ("UTF8", "ENUM", "JSON") or not logical
        )
    if glue_type in ("int", "smallint", "tinyint"):
        return physical == "INT32" and "DATE" not in logical
    if glue_type == "bigint":
        return physical in ("INT32", "INT64") and "TIMESTAMP" not in logical and "DATE" not in logical
    if glue_type in ("double", "float"):
        return physical in ("DOUBLE", "FLOAT")
    if glue_type == "boolean":
        return physical == "BOOLEAN"
    if glue_type == "timestamp":
        return physical == "INT96" or (
            physical == "INT64" and ("TIMESTAMP" in logical or "TIMESTAMP" in converted)
        )
    if glue_type == "date":
        return physical == "INT32" and ("DATE" in logical or converted == "DATE")
    return False


def _hourly_values(params: dict[str, str], key: str) -> Any:
    """Which `yyyy-MM-dd-HH-mm` values a date projection with an interval in HOURS (or DAYS) yields: from the
    range's start, every interval, up to its end (NOW: this hour)."""
    unit = params.get(f"projection.{key}.interval.unit", "DAYS").upper()
    step = int(params.get(f"projection.{key}.interval", "1") or 1) * {"HOURS": 3600, "DAYS": 86400}.get(
        unit, 0
    )
    if step <= 0:
        raise QueryError(f"unsupported projection interval unit {unit} (locally: HOURS or DAYS)")
    text = params.get(f"projection.{key}.range", "")
    parts = text.split(",")
    if len(parts) != 2:
        raise QueryError(f"projection range {text!r} must be 'start,end'")

    def moment(part: str) -> datetime:
        part = part.strip()
        if part.upper() == "NOW":
            return datetime.now(UTC)
        try:
            return datetime.strptime(part, "%Y-%m-%d-%H-%M").replace(tzinfo=UTC)
        except ValueError:
            raise QueryError(
                f"unsupported projection range bound {part!r} (yyyy-MM-dd-HH-mm or NOW)"
            ) from None

    low, high = moment(parts[0]), moment(parts[1])

    def allowed(value: str) -> bool:
        try:
            at = datetime.strptime(value, "%Y-%m-%d-%H-%M").replace(tzinfo=UTC)
        except ValueError:
            return False
        return low <= at <= high and (at - low).total_seconds() % step == 0

    return allowed


def _projection_range(text: str) -> tuple[date, date]:
    """'2024-01-01,NOW' -> (date, date). Locally: yyyy-MM-dd bounds and NOW only."""

    def bound(part: str) -> date:
        part = part.strip()
        if part.upper() == "NOW":
            return datetime.now(UTC).date()
        try:
            return date.fromisoformat(part)
        except ValueError:
            raise QueryError(
                f"unsupported projection range bound {part!r} (locally: yyyy-MM-dd or NOW)"
            ) from None

    parts = text.split(",")
    if len(parts) != 2:
        raise QueryError(f"projection range {text!r} must be 'start,end'")
    return bound(parts[0]), bound(parts[1])


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
