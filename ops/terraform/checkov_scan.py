"""Checkov over the Terraform source and each env's plan JSON, with the project's policies: what gate 6 of
`make validate` runs (ops/terraform/gates.py orders the gates; this module knows checkov).

The source scan reads inline skips (each with its reason); each plan scan reads the plan as
`plan_for_checkov.enrich` prepares it (identifiers known only after apply marked as set) and joins it to the
source graph (`--repo-root-for-plan-enrichment`). Reports (CLI, JSON, JUnit, SARIF) go to
reports/checkov/<target>/.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ops.terraform.diagnostics import first_error_line
from ops.terraform.plan_for_checkov import enrich


@dataclass(frozen=True)
class Target:
    name: str  # "source" or "plan-<env>"
    args: list[str]


@dataclass
class Summary:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[str] | None = None


class CheckovError(Exception):
    """Checkov wrote no results for a target; the message is one line."""


def targets(src: Path, plans_dir: Path, out_root: Path, envs: list[str]) -> list[Target]:
    """The source tree, then each env's plan JSON under `plans_dir` (only `envs` when given), each enriched
    into out_root/plan-<env>/plan-for-checkov.json."""
    found = [Target("source", ["-d", str(src), "--framework", "terraform"])]
    for plan in sorted(plans_dir.glob("*.json")) if plans_dir.is_dir() else []:
        if envs and plan.stem not in envs:
            continue
        scanned = out_root / f"plan-{plan.stem}" / "plan-for-checkov.json"
        scanned.parent.mkdir(parents=True, exist_ok=True)
        scanned.write_text(json.dumps(enrich(json.loads(plan.read_text())), indent=1) + "\n")
        found.append(
            Target(f"plan-{plan.stem}", ["-f", str(scanned), "--framework", "terraform_plan",
                                         "--repo-root-for-plan-enrichment", str(src)])
        )  # fmt: skip
    return found


def scan(checkov: Path, target: Target, out_root: Path, policies_dir: Path) -> Summary:
    """Run checkov on one target; its summary. CheckovError when it wrote no results (checkov exits 0 on
    some failures, so the results file is what counts)."""
    out_dir = out_root / target.name
    out_dir.mkdir(parents=True, exist_ok=True)
    external = ["--external-checks-dir", str(policies_dir)] if policies_dir.is_dir() else []
    proc = subprocess.run(
        [str(checkov), *target.args, *external, "--skip-download", "--quiet", "--compact",
         "-o", "cli", "-o", "json", "-o", "junitxml", "-o", "sarif", "--output-file-path", str(out_dir)],
        capture_output=True, text=True, env={**os.environ, "LOG_LEVEL": "ERROR"},
    )  # fmt: skip
    results_file = out_dir / "results_json.json"
    if not results_file.is_file():
        raise CheckovError(f"{target.name}: no results ({first_error_line(proc.stderr or proc.stdout)})")
    return summarize(json.loads(results_file.read_text()))


def summarize(document: dict | list) -> Summary:
    """Counts and one line per failed check ('CKV_X resource (file): name') of checkov's JSON report (one
    report, or a list of them for several frameworks)."""
    summary = Summary(failures=[])
    for report in document if isinstance(document, list) else [document]:
        counts = report.get("summary", {})
        summary.passed += counts.get("passed", 0)
        summary.failed += counts.get("failed", 0)
        summary.skipped += counts.get("skipped", 0)
        for check in report.get("results", {}).get("failed_checks", []):
            summary.failures.append(  # type: ignore[union-attr]
                f"{check['check_id']} {check['resource']} ({check.get('file_path', '')}): {check.get('check_name', '')}"
            )
    return summary
