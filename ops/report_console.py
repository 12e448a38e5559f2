"""The console reports print tables on: sized to the terminal, or laid out wide when piped or in CI.

rich falls back to 80 columns when stdout is not a terminal, which cuts bucket names, meters and days
into "mbt-local-medi…". A report read from a log or a file is laid out REPORT_WIDTH columns instead.
"""

from __future__ import annotations

from rich.console import Console

REPORT_WIDTH = 160  # columns of a table printed without a terminal (piped, `--out FILE`, CI logs)


def report_console() -> Console:
    """A stdout Console: the terminal's width when there is one, else REPORT_WIDTH columns."""
    console = Console(soft_wrap=True)
    return console if console.is_terminal else Console(soft_wrap=True, width=REPORT_WIDTH)
