"""Athena (Trino) SQL -> DuckDB SQL with the Glue schema applied, and the partitions a query can read.

The SQL is parsed as Athena SQL and optimised by sqlglot with the table's Glue types first: without the
types some translations change results silently (Trino's integer division `7 / 2 = 3` must not become
DuckDB's `3.5`). The optimised tree gives, for every place the query reads the table, the conditions on
the partition key alone; those decide which `day=` partitions are read, as Athena's partition pruning does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, ParseError, SqlglotError
from sqlglot.optimizer import optimize
from sqlglot.optimizer.scope import traverse_scope

from ops.analytics.schema import TableSchema
from ops.errors import OpsError

READ = "athena"


class QueryError(OpsError):
    """The query cannot run (bad SQL, unknown column or table, bad data): one line, like Athena's message."""


@dataclass
class Analysis:
    """What a query reads and how DuckDB runs it."""

    tree: exp.Expression  # optimised, qualified with the database
    duckdb_sql: str
    # One entry per read of the table: the conditions on the partition key alone (empty: none).
    partition_filters: list[list[exp.Expression]] = field(default_factory=list)

    @property
    def full_scans(self) -> int:
        """Reads of the table without any condition on the partition key."""
        return sum(1 for conditions in self.partition_filters if not conditions)

    def partition_sql(self, key: str, relation: str = "partitions") -> str | None:
        """DuckDB SQL selecting the partition values any read may need from `relation(key)`;
        None when some read needs them all."""
        if not self.partition_filters or self.full_scans:
            return None
        branches = []
        for conditions in self.partition_filters:
            rewritten = [_on_relation(c.copy(), key) for c in conditions]
            where = " AND ".join(c.sql("duckdb") for c in rewritten)
            branches.append(f'SELECT "{key}" FROM {relation} WHERE {where}')  # noqa: S608 (sqlglot-generated)
        return " UNION ".join(branches)


# The first word of a query, and of the statements that are not queries (named, not mistaken for typos).
QUERY_STARTS = frozenset({"SELECT", "WITH", "(", "VALUES", "TABLE"})
STATEMENT_STARTS = frozenset(
    {"ALTER", "ANALYZE", "CALL", "COMMIT", "CREATE", "DEALLOCATE", "DELETE", "DESCRIBE", "DROP", "EXECUTE",
     "EXPLAIN", "GRANT", "INSERT", "MERGE", "MSCK", "OPTIMIZE", "PREPARE", "REVOKE", "ROLLBACK", "SET", "SHOW",
     "START", "TRUNCATE", "UNLOAD", "UPDATE", "USE", "VACUUM"}
)  # fmt: skip


def parse(sql: str) -> exp.Expression:
    """Parse as Athena SQL; QueryError with the parser's first message (for a misspelt first word, the
    word: sqlglot reads `SELEC x` as the alias `SELEC AS x`)."""
    _check_first_word(sql)
    try:
        trees = [t for t in sqlglot.parse(sql, read=READ) if t is not None]
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        where = f" (line {first.get('line')}, column {first.get('col')})" if first else ""
        description = re.sub(  # a token's repr -> its text; the sentinel is the end of the query
            r"<Token token_type: [^,]+, text: ([^,]*),.*?>",
            lambda m: "the end of the query" if m.group(1) == "SENTINEL" else repr(m.group(1)),
            str(first.get("description", exc)),
        )
        description = re.sub(
            r"<class 'sqlglot\.expressions\.(?:\w+\.)*(\w+)'>", lambda m: m.group(1).upper(), description
        )
        raise QueryError(f"the SQL does not parse as Athena SQL{where}: {description}") from None
    except SqlglotError as exc:
        raise QueryError(f"the SQL does not parse as Athena SQL: {exc}") from None
    if len(trees) != 1:
        raise QueryError(f"one statement per query, got {len(trees)}")
    tree = trees[0]
    if not isinstance(tree, exp.Query):
        raise QueryError(f"only queries (SELECT ...) run here, not {tree.key.upper()}")
    if tree.find(exp.Placeholder):
        names = sorted({p.name or "?" for p in tree.find_all(exp.Placeholder)})
        raise QueryError(f"unbound parameter(s): {', '.join(':' + n for n in names)}")
    return tree


def _check_first_word(sql: str) -> None:
    from sqlglot.dialects.dialect import Dialect

    try:
        tokens = Dialect.get_or_raise(READ).tokenize(sql)
    except SqlglotError as exc:
        raise QueryError(f"the SQL does not parse as Athena SQL: {' '.join(str(exc).split())}") from None
    if not tokens:
        raise QueryError("no SQL given: a query starts with SELECT or WITH")
    # The word as written (the Athena tokenizer hands DDL over to Hive with an empty token text).
    start = tokens[0].start
    text = re.match(r"[A-Za-z_]\w*|\d+|\S", sql[start:]).group(0)
    if text.upper() in STATEMENT_STARTS:
        raise QueryError(f"only queries (SELECT ...) run here, not {text.upper()}")
    if text.upper() not in QUERY_STARTS:
        line = sql.count("\n", 0, start) + 1
        column = start - (sql.rfind("\n", 0, start) + 1) + 1
        raise QueryError(
            f"the SQL does not parse as Athena SQL (line {line}, column {column}): a query starts with "
            f"SELECT or WITH, not {text!r}"
        )


def analyse(sql: str, table: TableSchema) -> Analysis:
    """Optimise with the Glue schema, check every table read, find the partition conditions."""
    tree = parse(sql)
    _check_tables(tree, table)
    sql_schema = {table.database: {table.name: table.sql_types()}}
    try:
        optimized = optimize(tree, schema=sql_schema, dialect=READ, db=table.database)
    except OptimizeError as exc:
        raise QueryError(f"{exc}") from None
    except SqlglotError as exc:
        raise QueryError(f"the query cannot be planned: {exc}") from None
    key = next(iter(table.partition_keys), None)
    filters: list[list[exp.Expression]] = []
    for scope in traverse_scope(optimized):
        for alias, source in scope.selected_sources.items():
            node = source[1] if isinstance(source, tuple) else source
            if not isinstance(node, exp.Table):
                continue
            if node.name != table.name or (node.db and node.db != table.database):
                raise QueryError(
                    f"table {node.sql(READ)} does not exist here (only {table.database}.{table.name})"
                )
            node.set("catalog", None)
            conditions = _row_conditions(scope.expression, alias)
            filters.append([c for c in conditions if key and _only_partition_key(c, alias, key)])
    return Analysis(optimized, _athena_semantics(optimized.copy()).sql(dialect="duckdb"), filters)


def _athena_semantics(tree: exp.Expression) -> exp.Expression:
    """Where DuckDB answers differently from Athena for the same translated function, say what Athena
    means explicitly (each case found by comparing with the generator's ground truth):
    - count_if over no true row: Athena 0, DuckDB NULL -> count(CASE WHEN cond THEN 1 END);
    - date_trunc of a DATE: Athena a DATE, DuckDB a TIMESTAMP -> cast back to DATE.
    """

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.CountIf):
            return exp.Count(this=exp.Case(ifs=[exp.If(this=node.this, true=exp.Literal.number(1))]))
        if isinstance(node, exp.DateTrunc | exp.TimestampTrunc) and node.this.is_type(exp.DataType.Type.DATE):
            return exp.cast(node, exp.DataType.Type.DATE)
        return node

    return tree.transform(rewrite, copy=False)


def _check_tables(tree: exp.Expression, table: TableSchema) -> None:
    """Only the usage-event table exists here (CTE names aside): name others as Athena would."""
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for node in tree.find_all(exp.Table):
        if not node.name or (not node.db and node.name in ctes):
            continue
        if (
            node.name != table.name
            or node.db not in ("", table.database)
            or node.catalog not in ("", "awsdatacatalog")
        ):
            raise QueryError(
                f"table {node.sql(READ)} does not exist here (only {table.database}.{table.name})"
            )


def _row_conditions(select: exp.Expression, alias: str) -> list[exp.Expression]:
    """Conditions every row read from `alias` must meet: WHERE, plus ON of inner joins and of the left
    join that brings `alias` in (the optimiser pushes WHERE conditions into ON)."""
    where = select.args.get("where")
    conditions = _conjuncts(where.this) if where else []
    for join in select.args.get("joins") or []:
        on = join.args.get("on")
        if on is None:
            continue
        side = (join.side or "").upper()
        if not side or (side == "LEFT" and join.this.alias_or_name == alias):
            conditions += _conjuncts(on)
    return conditions


def _conjuncts(condition: exp.Expression) -> list[exp.Expression]:
    if isinstance(condition, exp.And):
        return list(condition.flatten())
    if isinstance(condition, exp.Paren):
        return _conjuncts(condition.this)
    return [condition]


def _only_partition_key(condition: exp.Expression, alias: str, key: str) -> bool:
    """True when the condition reads nothing but this source's partition key (and constants)."""
    if condition.find(exp.Select, exp.Subquery, exp.AggFunc, exp.Window):
        return False
    columns = list(condition.find_all(exp.Column))
    return bool(columns) and all(c.name == key and c.table in ("", alias) for c in columns)


def _on_relation(condition: exp.Expression, key: str) -> exp.Expression:
    for column in condition.find_all(exp.Column):
        column.replace(exp.column(key, quoted=True))
    return condition
