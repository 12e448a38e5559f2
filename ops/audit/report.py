"""The audit report as a person reads it (rich tables, Markdown) and as a machine does (JSON)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ops.audit.model import Report
from ops.audit.objects import _size


def as_json(report: Report) -> str:
    document = dataclasses.asdict(report)
    document["passed"] = report.passed
    document["violations"] = [{**dataclasses.asdict(v), "line": v.line()} for v in report.violations]
    return json.dumps(document, indent=2, sort_keys=False, default=str) + "\n"


def _usd(value: float) -> str:
    value = value + 0.0  # no "-0"
    if abs(value) >= 1:
        return f"${value:,.2f}"
    return f"${value:.6f}" if abs(value) < 0.01 else f"${value:.4f}"


def sections(report: Report) -> list[tuple[str, list[str], list[list[str]], str]]:
    """(title, header, rows, note) of each part of the report: the one layout both renderers print."""
    out = []
    out.append(
        (
            "Declared vs actual (every bucket of the stack outputs against the archival-policy contract)",
            ["bucket", "role", "setting", "expected", "actual", "ok"],
            [
                [c.bucket, c.role, c.setting, c.expected, c.actual, "yes" if c.ok else "NO"]
                for c in report.settings
            ],
            "",
        )
    )
    rows = []
    for bucket in report.objects:
        for klass, totals in sorted(bucket.classes.items()):
            prefixes = ", ".join(
                f"{p} {t[klass].count}" for p, t in sorted(bucket.by_prefix.items()) if klass in t
            )
            rows.append(
                [bucket.bucket, bucket.role, klass, f"{totals.count:,}", _size(totals.bytes), prefixes]
            )
    sources = "; ".join(f"{b.bucket}: {b.source}" for b in report.objects)
    inactive = report.policy.get("inactive_after_days")
    out.append(
        (
            f"Objects by last use (inactive: not used for {inactive} days)",
            ["bucket", "role", "class", "objects", "bytes", "by prefix"],
            rows,
            f"object states from {sources}" if sources else "",
        )
    )
    cost = report.cost
    rows = []
    for bucket, figures in cost.get("buckets", {}).items():
        monthly = figures["monthly_usd"]
        rows.append(
            [
                bucket,
                figures["region"],
                f"{figures['objects']:,}",
                _size(figures["bytes"]),
                _usd(monthly["today"]),
                _usd(monthly["all_standard"]),
                _usd(monthly["policy"]),
                _usd(figures["transition_requests_once_usd"]),
            ]
        )
    if cost.get("buckets"):
        total = cost["total_monthly_usd"]
        rows.append(
            ["total", "", "", "", _usd(total["today"]), _usd(total["all_standard"]), _usd(total["policy"]),
             _usd(cost["transition_requests_once_usd"])]
        )  # fmt: skip
    even = "; ".join(
        f"{region}: {figures['vs_standard_bytes'] / 1024:.0f} KB vs Standard, "
        f"{figures['vs_archive_instant_access_bytes'] / 1024:.0f} KB vs Archive Instant Access"
        for region, figures in cost.get("break_even", {}).items()
    )
    table = cost.get("price_table", {})
    out.append(
        (
            "Monthly storage cost (current versions)",
            [
                "bucket",
                "region",
                "objects",
                "bytes",
                "today",
                "all in Standard",
                "under the policy",
                "transitions (once)",
            ],
            rows,
            f"prices: ops/audit/{table.get('file')} as of {table.get('as_of')}; the policy saves "
            f"{_usd(cost.get('policy_saves_monthly_usd', 0.0))}/month vs Standard; break-even object size "
            f"below which archiving costs more than it saves: {even}",
        )
    )
    rows = [
        [
            d.region,
            d.day,
            f"{d.removed:,}",
            f"{d.archived:,}",
            f"{len(d.missing):,}",
            ", ".join(d.missing[:3]),
        ]
        for d in report.ttl
    ]
    out.append(
        (
            "TTL archive reconciliation (the streams' last 24 hours)",
            ["region", "day", "removed by TTL", "archived", "missing", "e.g."],
            rows,
            "; ".join(report.ttl_notes),
        )
    )
    return out


def as_markdown(report: Report) -> str:
    verdict = "PASSED" if report.passed else f"FAILED: {len(report.violations)} violation(s)"
    lines = [
        f"# Lifecycle audit of `{report.env}`: {verdict}",
        "",
        f"Generated {report.generated_at} in {report.seconds} s.",
        "",
    ]
    for title, header, rows, note in sections(report):
        lines += [f"## {title}", ""]
        if rows:
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
        else:
            lines.append("(nothing)")
        if note:
            lines += ["", note]
        lines.append("")
    lines += ["## Violations", ""]
    lines += [f"- {_md(v.line())}" for v in report.violations] or ["none"]
    lines += [f"- note: {_md(n)}" for n in report.notes]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _at_fault(row: list[str]) -> bool:
    return row[-1] == "NO" or any(
        cell.startswith("inactive, not archived") or cell == "archived on the failover copy" for cell in row
    )


def render_table(report: Report, console: Console) -> None:
    for title, header, rows, note in sections(report):
        table = Table(*header, title=title, title_justify="left", show_lines=False)
        for row in rows:
            table.add_row(*row, style="red" if _at_fault(row) else None)
        parts: list[Any] = [table]
        if note:
            parts.append(Text(note, style="dim"))
        console.print(Group(*parts))
        console.print()
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    if report.passed:
        console.print(
            f"[green]PASSED[/green]: the archival policy holds in {report.env} ({report.seconds} s)"
        )
        return
    console.print(
        f"[red]FAILED[/red]: {len(report.violations)} violation(s) in {report.env} ({report.seconds} s)"
    )
    for violation in report.violations:
        console.print(f"[red]violation:[/red] {violation.line()}", highlight=False)
