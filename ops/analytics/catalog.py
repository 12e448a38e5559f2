"""The shared SQL: one file per metric in ops/analytics/queries/, read by the query layer, the CLI, the
notebooks, the local stack and (exported by `ops contracts export`) the blueprint's Athena named queries.

A file starts with comment lines: the first says what the query answers, `-- params: a, b` names its
parameters, the rest are notes. Parameters are written `:name` (awswrangler's "named" style) and bound
here, as SQL literals, before the text goes to either engine, so Athena and DuckDB get the same SQL.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
DATE_PARAMS = ("since", "until")
# What the console's copy of a query (Athena named query) uses for :since / :until: the last 28 complete
# days, in Athena's session time zone (UTC). Analysts running it from the console edit these two lines.
CONSOLE_DEFAULTS = {
    "since": "date_format(date_add('day', -28, current_date), '%Y-%m-%d')",
    "until": "date_format(date_add('day', -1, current_date), '%Y-%m-%d')",
}


class ParameterError(ValueError):
    """A parameter is missing, unknown or not of the expected form."""


@dataclass(frozen=True)
class SqlFile:
    name: str
    title: str  # the first comment line: what the query answers
    params: tuple[str, ...]
    notes: str
    text: str

    @property
    def description(self) -> str:
        """One line for the Athena console (named query description, at most 1,024 characters)."""
        params = ", ".join(f":{p}" for p in self.params)
        line = f"{self.title} Parameters {params} (yyyy-MM-dd); the console copy reads the last 28 complete days."
        return line[:1024]

    def bind(self, params: Mapping[str, object]) -> str:
        return bind(self.text, params, expected=self.params)


def _parse(path: Path) -> SqlFile:
    text = path.read_text()
    header = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        header.append(line[2:].strip())
    if not header:
        raise ValueError(f"{path.name}: the first line must be a comment saying what the query answers")
    params: tuple[str, ...] = ()
    notes = []
    for line in header[1:]:
        if line.startswith("params:"):
            params = tuple(p.strip() for p in line[len("params:") :].split(",") if p.strip())
        else:
            notes.append(line)
    return SqlFile(path.stem, header[0], params, " ".join(notes), text)


@cache
def all_files() -> tuple[SqlFile, ...]:
    """Every query file, by name."""
    return tuple(_parse(path) for path in sorted(QUERIES_DIR.glob("*.sql")))


def load(name: str) -> SqlFile:
    for sql_file in all_files():
        if sql_file.name == name:
            return sql_file
    known = ", ".join(f.name for f in all_files())
    raise KeyError(f"no query named {name!r} (known: {known})")


def literal(value: object) -> str:
    """A Python value as a Trino/DuckDB SQL literal."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return f"'{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise ParameterError(f"unsupported parameter value {value!r}")


def _placeholders(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each `:name` outside strings and comments, from sqlglot's tokens."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType

    tokens = Dialect.get_or_raise("athena").tokenize(text)
    found = []
    for colon, name in itertools.pairwise(tokens):
        if (
            colon.token_type == TokenType.COLON
            and name.start == colon.end + 1
            and re.fullmatch(r"\w+", name.text)
        ):
            found.append((colon.start, name.end + 1, name.text))
    return found


def placeholder_names(text: str) -> set[str]:
    return {name for _, _, name in _placeholders(text)}


def bind(text: str, params: Mapping[str, object], expected: tuple[str, ...] | None = None) -> str:
    """`text` with every `:name` replaced by the literal of params[name].

    `since`/`until` must be dates (a `date` or 'yyyy-MM-dd'). Raises ParameterError for a missing,
    unexpected or malformed parameter.
    """
    spots = _placeholders(text)
    used = {name for _, _, name in spots}
    if expected is not None and set(expected) != used:
        raise ParameterError(f"the file declares params {sorted(expected)} but uses {sorted(used)}")
    missing = sorted(used - set(params))
    if missing:
        raise ParameterError(f"missing parameter(s): {', '.join(':' + m for m in missing)}")
    unknown = sorted(set(params) - used)
    if unknown:
        raise ParameterError(f"the query has no parameter(s) {', '.join(':' + u for u in unknown)}")
    values = {name: literal(_checked(name, value)) for name, value in params.items()}
    out = text
    for start, end, name in reversed(spots):
        out = out[:start] + values[name] + out[end:]
    return out


def _checked(name: str, value: object) -> object:
    if name not in DATE_PARAMS:
        return value
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(f":{name} must be a date yyyy-MM-dd, got {value!r}") from None


def console_text(sql_file: SqlFile) -> str:
    """The file as the Athena console runs it (named query): date parameters -> a rolling window."""
    spots = _placeholders(sql_file.text)
    out = sql_file.text
    for start, end, name in reversed(spots):
        if name not in CONSOLE_DEFAULTS:
            raise ParameterError(f"{sql_file.name}: no console default for :{name}")
        out = out[:start] + CONSOLE_DEFAULTS[name] + out[end:]
    return out


def named_queries() -> list[dict[str, str]]:
    """What the blueprint and the local stack create as Athena named queries, one per file."""
    return [{"name": f.name, "description": f.description, "query": console_text(f)} for f in all_files()]
