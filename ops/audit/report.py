"""The audit report as a person reads it (rich tables, Markdown) and as a machine does (JSON).

Both human renderings print the same sections (`sections`): the verdict and the violations first, then
declared vs actual settings per bucket, objects by last use, the monthly cost with the prices it used and the
break-even size, and the TTL archive reconciliation. Sections marked `detail` (the usage by meter behind every
cost figure) are printed in Markdown and JSON, left out of the terminal table.
"""

from __future__ import annotations

import dataclasses
import io
import json
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from ops.audit.model import Report
from ops.audit.objects import _size
from ops.report_console import REPORT_WIDTH


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    empty: str = "(nothing)"
    detail: bool = False  # Markdown and JSON only
    at_fault: list[bool] = field(default_factory=list)  # per row: printed in red / marked in Markdown
    group_column: bool = False  # the first column names a group: printed on its first row only


def as_json(report: Report) -> str:
    document = dataclasses.asdict(report)
    document["passed"] = report.passed
    document["violations"] = [{**dataclasses.asdict(v), "line": v.line()} for v in report.violations]
    return json.dumps(document, indent=2, sort_keys=False, default=str) + "\n"


def _usd(value: float) -> str:
    """Dollars as a person reads them: cents for a dollar or more, else enough digits to see the figure."""
    value = value + 0.0  # no "-0"
    if value == 0:
        return "$0.00"
    if abs(value) >= 1:
        return f"${value:,.2f}"
    if abs(value) < 0.000001:
        return "<$0.000001" if value > 0 else ">-$0.000001"
    return f"${value:.6f}" if abs(value) < 0.01 else f"${value:.4f}"


def _quantity(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:,.2f}"
    return f"{value:.9f}".rstrip("0") or "0"


def verdict(report: Report) -> str:
    if report.passed:
        return "PASSED: the archival policy holds"
    return f"FAILED: {len(report.violations)} violation(s)"


def policy_line(report: Report) -> str:
    policy = report.policy
    tiers = ", ".join(
        f"{tier} after {days} days" for tier, days in sorted(policy.get("archive_tiers", {}).items())
    )
    return (
        f"Policy (backend_core/archival.py): media objects into INTELLIGENT_TIERING after "
        f"{policy.get('intelligent_tiering_after_days')} days; {tiers} without access on the primary media "
        f"bucket only (the DR copy is the failover read path); noncurrent versions to GLACIER after "
        f"{policy.get('noncurrent_to_glacier_days')} days, deleted after {policy.get('noncurrent_expire_days')}; "
        f"TTL-removed items archived under {policy.get('expired_items_prefix')}."
    )


def sections(report: Report) -> list[Section]:
    """Every part of the report in the one layout both renderers print."""
    out = [
        Section(
            "Violations",
            ["area", "where", "what", "expected", "found", "detail"],
            [[v.area, v.subject, v.what, v.expected, v.actual, v.detail] for v in report.violations],
            empty="none",
            at_fault=[True] * len(report.violations),
        )
    ]
    checks = report.settings  # in the stack outputs' bucket order
    out.append(
        Section(
            "Declared vs actual: every bucket of the stack outputs against the archival-policy contract",
            ["bucket", "setting", "expected", "actual", "ok"],
            [
                [f"{c.bucket} ({c.role})", c.setting, c.expected, c.actual, "yes" if c.ok else "NO"]
                for c in checks
            ],
            at_fault=[not c.ok for c in checks],
            group_column=True,
        )
    )
    rows, fault = [], []
    for bucket in report.objects:
        for klass, totals in sorted(bucket.classes.items(), key=lambda kv: _class_order(kv[0])):
            prefixes = ", ".join(
                f"{p} {t[klass].count:,}" for p, t in sorted(bucket.by_prefix.items()) if klass in t
            )
            rows.append(
                [
                    f"{bucket.bucket} ({bucket.role})",
                    klass,
                    f"{totals.count:,}",
                    _size(totals.bytes),
                    prefixes,
                ]
            )
            fault.append(_faulty_class(klass))
    inactive = report.policy.get("inactive_after_days")
    out.append(
        Section(
            f"Objects by last use (inactive: not used for {inactive} days or more)",
            ["bucket", "class", "objects", "bytes", "by prefix"],
            rows,
            [f"Object states of {b.bucket}: {b.source}." for b in report.objects],
            empty="(no objects)",
            at_fault=fault,
            group_column=True,
        )
    )
    out += _cost_sections(report)
    ttl_rows = [
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
        Section(
            "TTL archive reconciliation: items removed by TTL (each region's stream, last 24 hours) against "
            "their archive records",
            ["region", "day", "removed by TTL", "archived", "missing", "e.g."],
            ttl_rows,
            list(report.ttl_notes),
            empty="(no TTL removals)",
            at_fault=[bool(d.missing) for d in report.ttl],
        )
    )
    return out


def _cost_sections(report: Report) -> list[Section]:
    cost = report.cost
    if not cost.get("buckets"):
        return [Section("Monthly storage cost", [], [], empty="(not computed: no media bucket was read)")]
    rows = []
    for bucket, figures in cost["buckets"].items():
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
                _usd(figures["policy_saves_monthly_usd"]),
                _usd(figures["transition_requests_once_usd"]),
            ]
        )
    total = cost["total_monthly_usd"]
    rows.append(
        ["total", "", "", "", _usd(total["today"]), _usd(total["all_standard"]), _usd(total["policy"]),
         _usd(cost["policy_saves_monthly_usd"]), _usd(cost["transition_requests_once_usd"])]
    )  # fmt: skip
    table = cost["price_table"]
    notes = [
        f"Prices: {table['file']} (checked {table['checked_on']}, {_days_ago(table['age_days'])}), the rates "
        "listed below; every figure is the usage by meter (Markdown and JSON reports) priced at them."
    ]
    for bucket, figures in cost["buckets"].items():
        if figures.get("unpriced_objects"):
            missing = ", ".join(f"{k} {v:,}" for k, v in figures["unpriced_objects"].items())
            notes.append(
                f"{bucket}: objects in classes the price table has no meter for, left out: {missing}."
            )
    out = [
        Section(
            "Monthly storage cost of the media buckets' current versions (USD)",
            [
                "bucket",
                "region",
                "objects",
                "bytes",
                "today",
                "all in Standard",
                "under the policy",
                "policy saves",
                "transitions (once)",
            ],
            rows,
            notes,
        )
    ]
    rates = [
        [region, meter, f"${r['usd']:g} per {_quantity(r['per'])} {r['unit']}" + (" (first tier)" if r["tiered"] else ""), r["source"]]
        for region, meters in sorted(cost.get("rates", {}).items())
        for meter, r in meters.items()
    ]  # fmt: skip
    out.append(Section("Prices used", ["region", "meter", "price", "source"], rates))
    even = [
        [
            region,
            f"{figures['vs_standard_bytes'] / 1024:,.0f} KB",
            f"{figures['vs_archive_instant_access_bytes'] / 1024:,.0f} KB",
        ]
        for region, figures in sorted(cost.get("break_even", {}).items())
    ]
    out.append(
        Section(
            "Break-even object size: below it, archiving costs more per month than it saves",
            ["region", "vs Standard", "vs Archive Instant Access"],
            even,
            [
                "An object in Deep Archive Access pays the monitoring fee and 40 KB of overhead (8 KB as "
                "Standard, 32 KB at the archive rate); Intelligent-Tiering never moves an object under 128 KB."
            ],
        )
    )
    terms = [
        [region, t["what"], f"{t['held_days']}", f"{t['minimum_days']} ({t['term']})", "yes" if t["ok"] else "NO"]
        for region, found in sorted(cost.get("policy_terms", {}).items())
        for t in found
    ]  # fmt: skip
    out.append(
        Section(
            "The policy's transitions against minimum storage durations (early-deletion charges)",
            ["region", "what", "days held", "minimum days", "ok"],
            terms,
            at_fault=[not t["ok"] for found in cost.get("policy_terms", {}).values() for t in found],
        )
    )
    usage = [
        [bucket, scenario, meter, _quantity(quantity), _usd(_meter_cost(cost, figures["region"], meter, quantity))]
        for bucket, figures in cost["buckets"].items()
        for scenario, quantities in figures["usage"].items()
        for meter, quantity in sorted(quantities.items())
    ]  # fmt: skip
    out.append(
        Section(
            "Usage by meter behind each cost figure (per month)",
            ["bucket", "scenario", "meter", "quantity", "USD"],
            usage,
            ["Quantities in the meter's unit (GB-month: 2^30 bytes for a month; object-month)."],
            empty="(no objects)",
            detail=True,
        )
    )
    return out


def _days_ago(days: int) -> str:
    return {0: "today", 1: "a day ago"}.get(days, f"{days} days ago")


def _meter_cost(cost: dict[str, Any], region: str, meter: str, quantity: float) -> float:
    """A meter's share, at the rate the report lists (first tier: a bucket this size never reaches the next)."""
    rate = cost["rates"][region][meter]
    return quantity * rate["usd"] / rate["per"]


def _class_order(klass: str) -> tuple[int, str]:
    order = (
        "active",
        "inactive, archived",
        "inactive, archive due",
        "archived, used recently",
        "inactive, online",
    )
    for index, start in enumerate(order):
        if klass.startswith(start):
            return index, klass
    return len(order), klass


def _faulty_class(klass: str) -> bool:
    return klass.startswith("inactive, not archived") or klass == "archived on the failover copy"


def as_markdown(report: Report) -> str:
    lines = [
        f"# Lifecycle audit of `{report.env}`: {verdict(report)}",
        "",
        f"Generated {report.generated_at} in {report.seconds} s. {policy_line(report)}",
        "",
    ]
    for section in sections(report):
        lines += [f"## {section.title}", ""]
        if section.rows:
            lines.append("| " + " | ".join(section.header) + " |")
            lines.append("|" + "---|" * len(section.header))
            previous = None
            for index, row in enumerate(section.rows):
                cells = [_md(c) for c in row]
                if section.group_column:
                    cells[0], previous = ("" if row[0] == previous else f"`{cells[0]}`"), row[0]
                if index < len(section.at_fault) and section.at_fault[index]:
                    cells = [f"**{c}**" if c else c for c in cells]
                lines.append("| " + " | ".join(cells) + " |")
        else:
            lines.append(section.empty)
        for note in section.notes:
            lines += ["", note]
        lines.append("")
    if report.notes:
        lines += ["## Notes", ""] + [f"- {_md(n)}" for n in report.notes] + [""]
    return "\n".join(lines)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_table(report: Report, console: Console) -> None:
    style = "green" if report.passed else "red"
    console.print(f"[bold {style}]Lifecycle audit of {report.env}: {verdict(report)}[/]", highlight=False)
    console.print(f"[dim]Generated {report.generated_at} in {report.seconds} s. {policy_line(report)}[/]")
    console.print()
    for section in sections(report):
        if section.detail:
            continue
        if not section.rows:
            console.print(f"[bold]{section.title}[/]: {section.empty}", highlight=False)
            console.print()
            continue
        table = Table(title=section.title, title_justify="left", title_style="bold")
        for name in section.header:  # fold, never cut: a bucket name or key is useless half-printed
            table.add_column(name, overflow="fold")
        previous = None
        for index, row in enumerate(section.rows):
            cells = list(row)
            if section.group_column:
                if previous is not None and cells[0] != previous:
                    table.add_section()
                cells[0], previous = ("" if cells[0] == previous else cells[0]), cells[0]
            faulty = index < len(section.at_fault) and section.at_fault[index]
            table.add_row(*cells, style="red" if faulty else None)
        console.print(table)
        for note in section.notes:
            console.print(f"[dim]{note}[/]", highlight=False)
        console.print()
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    console.print(f"[bold {style}]{verdict(report)}[/] in {report.env} ({report.seconds} s)", highlight=False)


def plain_table(report: Report) -> str:
    """The terminal table as plain text (`--format table --out FILE`)."""
    console = Console(record=True, width=REPORT_WIDTH, file=io.StringIO(), color_system=None)
    render_table(report, console)
    return console.export_text()
