"""Finds the custom checks, runs checkov over the fixtures, and reads what each fixture expects."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.prerequisites import missing

REPO = Path(__file__).resolve().parents[2]
POLICIES = REPO / "policies"
FIXTURES = Path(__file__).parent / "fixtures"
CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
CHECKOV_PYTHON = REPO / ".venv-checkov" / "bin" / "python"
FRAMEWORK_OF_FILE = {"main.tf": "terraform", "tfplan.json": "terraform_plan"}


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    source: Path


def discover_policies() -> dict[str, Policy]:
    """Every custom check in policies/: YAML graph checks and Python checks (read, not imported)."""
    found: dict[str, Policy] = {}
    for path in sorted(POLICIES.glob("*.yaml")):
        metadata = yaml.safe_load(path.read_text())["metadata"]
        found[metadata["id"]] = Policy(metadata["id"], metadata["name"], path)
    for path in sorted(POLICIES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "__init__"
            ):
                keywords = {k.arg: k.value for k in node.keywords if isinstance(k.value, ast.Constant)}
                if "id" in keywords and "name" in keywords:
                    check_id = keywords["id"].value
                    found[check_id] = Policy(check_id, keywords["name"].value, path)
    return found


@dataclass
class Results:
    """checkov's findings keyed by (fixture file relative to fixtures/, check id)."""

    by_file: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)

    def for_check(self, relative_file: str, check_id: str) -> list[tuple[str, str]]:
        return self.by_file.get((relative_file, check_id), [])

    def check_ids(self) -> set[str]:
        return {check_id for _, check_id in self.by_file}


def gate_ready_tree(destination: Path) -> Path:
    """A copy of the fixtures as the gate scans them: plan JSON enriched by ops.terraform.plan_for_checkov."""
    from ops.terraform.plan_for_checkov import enrich

    tree = destination / "fixtures"
    shutil.copytree(FIXTURES, tree)
    for plan in tree.glob("*/*/tfplan.json"):
        plan.write_text(json.dumps(enrich(json.loads(plan.read_text())), indent=1) + "\n")
    return tree


def run_checkov(tree: Path, frameworks: list[str], check_ids: list[str]) -> dict[str, Results]:
    """One checkov process per framework, run side by side (each takes several seconds to start)."""
    if not CHECKOV.exists():
        missing(f"checkov is not installed at {CHECKOV} (run `make setup`)")
    common = ["--skip-download", "-d", str(tree), "--external-checks-dir", str(POLICIES), "-o", "json"]
    processes = {
        framework: subprocess.Popen(
            [str(CHECKOV), *common, "--framework", framework, "--check", ",".join(check_ids)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "LOG_LEVEL": "ERROR"},
        )
        for framework in frameworks
    }
    return {framework: _read_report(process) for framework, process in processes.items()}


def _read_report(process: subprocess.Popen[str]) -> Results:
    stdout, stderr = process.communicate(timeout=300)
    if process.returncode not in (0, 1):  # 1 = some check failed, which the failing fixtures ensure
        pytest.fail(f"checkov exited {process.returncode}: {stderr[-2000:]}")
    reports = json.loads(stdout)
    results = Results()
    for report in reports if isinstance(reports, list) else [reports]:
        for outcome in ("passed_checks", "failed_checks", "skipped_checks"):
            for finding in report.get("results", {}).get(outcome, []):
                key = (finding["file_path"].lstrip("/"), finding["check_id"])
                results.by_file.setdefault(key, []).append(
                    (finding["resource"], finding["check_result"]["result"])
                )
    return results


EXPECT = re.compile(r"^#\s*expect(?P<plan>-plan)?:\s*(?P<verdict>pass|fail|none)\b(?P<resources>.*)$", re.M)


@dataclass(frozen=True)
class Expectation:
    verdict: str  # pass | fail | none (the check deliberately does not evaluate this framework)
    failing: frozenset[str]


def expectation(fixture_file: Path) -> Expectation:
    """Read `# expect:` (and, for tfplan.json, `# expect-plan:`) from the main.tf beside the fixture."""
    header = (fixture_file.parent / "main.tf").read_text()
    lines = {bool(m["plan"]): m for m in EXPECT.finditer(header)}
    if not lines:
        raise AssertionError(f"{fixture_file.parent}/main.tf has no '# expect:' line")
    chosen = lines.get(fixture_file.name == "tfplan.json") or lines[False]
    return Expectation(chosen["verdict"], frozenset(chosen["resources"].split()))


def fixture_files() -> list[Path]:
    return sorted(p for name in FRAMEWORK_OF_FILE for p in FIXTURES.glob(f"*/*/{name}"))
