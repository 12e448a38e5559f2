"""Prepare an offline plan JSON for checkov: values configured but known only after apply count as set.

In `terraform show -json`, a value that is unknown at plan time (say `kms_key_id = aws_kms_key.data.arn`
for a key not created yet) is absent from `after`/`planned_values` and only flagged in `after_unknown`.
checkov then reads "no KMS key" and fails encryption checks that pass on the source. This happens with
the real provider too, for every resource not yet created. Here, an attribute that the configuration
sets AND that is unknown at plan time and is an identifier of another resource (an ARN, id, name or URL) is given the marker
"(known after apply)" (in a list for list and
set types), typed by the real provider schema; attributes the configuration leaves unset stay absent,
so a missing setting still fails.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ops.terraform.provider_schema import load_schema

KNOWN_AFTER_APPLY = "(known after apply)"
# Attributes that point at another resource (a KMS key ARN, a role ARN, a log group name, ...).
_IDENTIFIER = re.compile(r"(^|_)(arn|arns|id|ids|name|names|url|urls)$")


def _config_index(module: dict, prefix: str = "") -> dict[str, dict]:
    """Resource address without instance keys -> its `expressions` from the plan's configuration."""
    index: dict[str, dict] = {}
    for resource in module.get("resources", []):
        index[f"{prefix}{resource['address']}"] = resource.get("expressions", {})
    for name, call in module.get("module_calls", {}).items():
        index.update(_config_index(call.get("module", {}), f"{prefix}module.{name}."))
    return index


def _references_a_resource(expression: Any) -> bool:
    references = expression.get("references", []) if isinstance(expression, dict) else []
    return any(not ref.startswith(("var.", "local.")) for ref in references or [])


def _marker_for(spec_type: Any) -> Any:
    if spec_type == "string":
        return KNOWN_AFTER_APPLY
    if isinstance(spec_type, list) and spec_type[0] in ("list", "set") and spec_type[1] == "string":
        return [KNOWN_AFTER_APPLY]
    return None  # numbers, bools, maps, objects: no honest placeholder


def _fill(after: dict, unknown: dict, expressions: dict, block: dict) -> None:
    attributes = block.get("attributes", {})
    block_types = block.get("block_types", {})
    for name, flag in unknown.items():
        configured = expressions.get(name)
        if configured is None:
            continue  # not set in the configuration: a missing setting must stay missing
        if _references_a_resource(configured):
            continue  # checkov resolves direct references itself (and draws graph edges from them)
        if flag is True and after.get(name) is None and name in attributes and "type" in attributes[name]:
            if not _IDENTIFIER.search(name):
                continue  # only identifiers: a computed setting (say a conditional algorithm) is left to checkov
            marker = _marker_for(attributes[name]["type"])
            if marker is not None:
                after[name] = marker
        elif isinstance(flag, list) and name in block_types and isinstance(after.get(name), list):
            inner = block_types[name]["block"]
            configured_blocks = configured if isinstance(configured, list) else [configured]
            for index, (item, item_unknown) in enumerate(zip(after[name], flag, strict=False)):
                if isinstance(item, dict) and isinstance(item_unknown, dict) and configured_blocks:
                    item_expressions = configured_blocks[min(index, len(configured_blocks) - 1)]
                    if isinstance(item_expressions, dict):
                        _fill(item, item_unknown, item_expressions, inner)


def _planned_resources(module: dict) -> list[dict]:
    found = list(module.get("resources", []))
    for child in module.get("child_modules", []):
        found += _planned_resources(child)
    return found


def enrich(plan: dict) -> dict:
    """A copy of `plan` with configured-but-unknown values marked as known after apply."""
    plan = copy.deepcopy(plan)
    schemas = load_schema()["resource_schemas"]
    config = _config_index(plan.get("configuration", {}).get("root_module", {}))
    planned = {
        r["address"]: r for r in _planned_resources(plan.get("planned_values", {}).get("root_module", {}))
    }
    for change in plan.get("resource_changes", []):
        if change.get("mode") != "managed" or change["type"] not in schemas:
            continue
        after, unknown = change["change"].get("after"), change["change"].get("after_unknown")
        if not isinstance(after, dict) or not isinstance(unknown, dict):
            continue
        expressions = config.get(re.sub(r"\[[^\]]*\]", "", change["address"]), {})
        block = schemas[change["type"]]["block"]
        _fill(after, unknown, expressions, block)
        if change["address"] in planned:
            _fill(planned[change["address"]].setdefault("values", {}), unknown, expressions, block)
    return plan
