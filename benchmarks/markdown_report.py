"""Each benchmark's tables, saved as Markdown next to its JSON (reports/bench/<name>.md) and printed.

The file holds only the tables the benchmark builds: log lines of the stacks it starts go to stderr and
never into the report.
"""

from __future__ import annotations

from pathlib import Path


def publish(json_report: Path, markdown: str) -> Path:
    """Write `markdown` to json_report with the suffix .md, print it; the path written."""
    path = json_report.with_suffix(".md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown.rstrip("\n") + "\n", encoding="utf-8")
    print(markdown.rstrip("\n"))
    return path
