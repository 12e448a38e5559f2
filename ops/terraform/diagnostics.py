"""Terraform's diagnostics as one line for the operator: from its human output (`Error: ...` boxes) or from
`-json` output (`diagnostics` with severity, summary, detail, range). The one parser every runner uses
(the offline gates, `ops env ...`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from ops.terraform.provider_schema import MISSING_TYPES, PROVIDER_VERSION


def first_error_line(output: str) -> str:
    """Terraform's first error as one line: its summary and the first paragraph of its detail; else the last
    non-empty line of the output ('no output' when there is none)."""
    lines = [line.strip(" │╷╵") for line in output.splitlines()]
    for index, line in enumerate(lines):
        if not line.startswith("Error:"):
            continue
        detail: list[str] = []
        in_values = False  # the "├──── var.x is ..." block under the source: values, not the message
        for following in lines[index + 1 :]:
            if following.startswith("├"):
                in_values = True
                continue
            if in_values:
                in_values = bool(following)
                continue
            is_source = following.startswith(("on ", "with ")) or re.match(r"^\d+:", following)
            if is_source and not detail:
                continue
            if not following and detail:
                break
            if following and not is_source:
                detail.append(following)
        summary = line[len("Error:") :].strip()
        return f"{summary}: {' '.join(detail)}" if detail else summary
    meaningful = [line for line in lines if line]
    return meaningful[-1] if meaningful else "no output"


def describe(diagnostic: dict) -> str:
    """One `-json` diagnostic as 'file:line: summary: detail' (plus a note when the offline schema is why)."""
    where = diagnostic.get("range") or {}
    location = f"{where.get('filename')}:{where.get('start', {}).get('line')}: " if where else ""
    summary = diagnostic.get("summary") or ""
    detail = (diagnostic.get("detail") or "").replace("\n", " ").strip()
    return f"{location}{summary}{': ' + detail if detail else ''}{offline_limit(summary, detail)}"


def offline_limit(summary: str, detail: str) -> str:
    """Say plainly when a failure comes from what the offline schema lacks, not from the configuration."""
    if not summary.startswith("Invalid"):
        return ""
    missing = [name for name in re.findall(r'"(aws_[a-z0-9_]+)"', detail) if name in MISSING_TYPES]
    if missing:
        return (
            f" [{missing[0]} is a real hashicorp/aws {PROVIDER_VERSION} type that the offline schema file does "
            "not carry: check it with --provider registry]"
        )
    if "ephemeral" in summary.lower():
        return " [ephemeral resources are not served by the offline stand-in: check with --provider registry]"
    return ""


def validate_failure(
    name: str, stdout: str, returncode: int, output: str, warn: Callable[[str], None] = lambda _: None
) -> str | None:
    """The failure of `terraform validate -json` in `name` as one line (up to three errors), or None when valid.
    Each warning goes to `warn` as one line. Output that is not JSON is read as human output."""
    try:
        result = json.loads(stdout)
    except json.JSONDecodeError:
        return None if returncode == 0 else f"{name}: {first_error_line(output)}"
    diagnostics = result.get("diagnostics", [])
    errors = [d for d in diagnostics if d.get("severity") == "error"]
    for warning in (d for d in diagnostics if d.get("severity") == "warning"):
        warn(f"{name}: {describe(warning)}")
    if not errors and result.get("valid", returncode == 0):
        return None
    return f"{name}: " + "; ".join(describe(d) for d in errors[:3]) if errors else f"{name}: invalid"
