"""How `ops` prints report tables: sized to the terminal, or laid out wide when piped or in CI.

rich falls back to 80 columns when stdout is not a terminal, which cuts bucket names, meters and days
into "mbt-local-medi…". A report read from a log or a file is laid out REPORT_WIDTH columns instead;
a table of data (query results) is printed at its natural width.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

REPORT_WIDTH = 160  # columns of a table printed without a terminal (piped, `--out FILE`, CI logs)


def report_console() -> Console:
    """A stdout Console: the terminal's width when there is one, else REPORT_WIDTH columns."""
    console = Console(soft_wrap=True)
    return console if console.is_terminal else Console(soft_wrap=True, width=REPORT_WIDTH)


def print_at_natural_width(console: Console, table: Table) -> None:
    """Print a table of data (every cell no_wrap) at its natural width even when the terminal, or a pipe's
    80 columns, is narrower: rich would otherwise shrink columns to '2025-…'."""
    needed = console.measure(table, options=console.options.update_width(100_000)).maximum
    (console if needed <= console.width else Console(soft_wrap=True, width=needed)).print(table)
