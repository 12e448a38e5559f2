"""The fixtures are real Terraform: every argument and block exists in the hashicorp/aws 6.x schema."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ops.errors import OpsError
from ops.terraform.provider_schema import load_schema
from tests.policies.checkov_run import CHECKOV_PYTHON, FIXTURES
from tests.prerequisites import missing

HCL_TO_JSON = Path(__file__).with_name("hcl_to_json.py")
META_ARGUMENTS = {
    "provider",
    "count",
    "for_each",
    "depends_on",
    "lifecycle",
    "__start_line__",
    "__end_line__",
}


@pytest.fixture(scope="module")
def resource_schemas() -> dict[str, Any]:
    try:
        return load_schema()["resource_schemas"]
    except OpsError as exc:
        missing(f"no provider schema to check against: {exc}")


def _block_problems(where: str, block: dict[str, Any], body: dict[str, Any], *, plan: bool) -> list[str]:
    attributes, nested = block.get("attributes", {}), block.get("block_types", {})
    problems = []
    for key, raw in body.items():
        if key in META_ARGUMENTS:
            continue
        if key in attributes:
            settable = attributes[key].get("optional") or attributes[key].get("required")
            if not plan and not settable:
                problems.append(f"{where}: {key} is computed only")
        elif key in nested:
            for item in raw if isinstance(raw, list) else [raw]:
                if isinstance(item, dict):
                    problems += _block_problems(f"{where}.{key}", nested[key]["block"], item, plan=plan)
        elif key == "dynamic" and not plan:
            problems += _dynamic_problems(where, nested, raw)
        else:
            problems.append(f"{where}: unknown argument {key!r}")
    if not plan:
        problems += [
            f"{where}: missing {k}" for k, a in attributes.items() if a.get("required") and k not in body
        ]
        dynamic = {name for d in _as_list(body.get("dynamic")) if isinstance(d, dict) for name in d}
        problems += [
            f"{where}: missing block {k}"
            for k, b in nested.items()
            if b.get("min_items", 0) > 0 and k not in body and k not in dynamic
        ]
    return problems


def _as_list(raw: Any) -> list[Any]:
    return raw if isinstance(raw, list) else [] if raw is None else [raw]


def _dynamic_problems(where: str, nested: dict[str, Any], raw: Any) -> list[str]:
    """`dynamic "NAME" { for_each = ...; content { ... } }`: NAME must be a block, content its arguments."""
    problems = []
    for dynamic in _as_list(raw):
        for name, spec in dynamic.items() if isinstance(dynamic, dict) else []:
            if name not in nested:
                problems.append(f"{where}: dynamic {name!r} is not a block of this resource")
                continue
            for content in _as_list(spec.get("content") if isinstance(spec, dict) else None):
                if isinstance(content, dict):
                    problems += _block_problems(f"{where}.{name}", nested[name]["block"], content, plan=False)
    return problems


def test_terraform_fixtures_match_the_provider_schema(resource_schemas: dict[str, Any]) -> None:
    if not CHECKOV_PYTHON.exists():
        missing(f"python-hcl2 comes with checkov, which is not installed at {CHECKOV_PYTHON}")
    files = sorted(str(p) for p in FIXTURES.glob("*/*/main.tf"))
    parsed = subprocess.run(
        [str(CHECKOV_PYTHON), str(HCL_TO_JSON), *files], capture_output=True, text=True, check=True
    )
    problems, resources = [], 0
    for path, document in json.loads(parsed.stdout).items():
        for entry in document.get("resource", []):
            for resource_type, named in entry.items():
                for name, body in named.items():
                    resources += 1
                    where = f"{Path(path).relative_to(FIXTURES)}:{resource_type}.{name}"
                    if resource_type not in resource_schemas:
                        problems.append(f"{where}: unknown resource type")
                        continue
                    problems += _block_problems(
                        where, resource_schemas[resource_type]["block"], body, plan=False
                    )
    assert resources > 0
    assert not problems, "\n".join(problems)


def test_plan_fixtures_match_the_provider_schema(resource_schemas: dict[str, Any]) -> None:
    problems, resources = [], 0
    for path in sorted(FIXTURES.glob("*/*/tfplan.json")):
        plan = json.loads(path.read_text())
        assert plan["format_version"].startswith("1."), path
        changes = {c["address"] for c in plan["resource_changes"]}
        configured = {r["address"] for r in plan["configuration"]["root_module"]["resources"]}
        for resource in plan["planned_values"]["root_module"]["resources"]:
            resources += 1
            where = f"{path.relative_to(FIXTURES)}:{resource['address']}"
            assert resource["address"] in changes and resource["address"] in configured, where
            schema = resource_schemas.get(resource["type"])
            if schema is None:
                problems.append(f"{where}: unknown resource type")
                continue
            problems += _block_problems(where, schema["block"], resource["values"], plan=True)
    assert resources > 0
    assert not problems, "\n".join(problems)
