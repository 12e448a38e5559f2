"""Resources planned per env and region, read from offline plan JSON (reports/plans/<env>.json).

python -m ops.env.plan_summary reports/plans/*.json    # prints the Markdown table in terraform/README.md
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from ops.errors import OpsError


def _config_providers(module: dict, prefix: str = "") -> dict[str, str]:
    """Resource address (no instance keys) -> provider config key, over the whole module tree."""
    found = {}
    for resource in module.get("resources", []):
        found[f"{prefix}{resource['address']}"] = resource.get("provider_config_key", "")
    for name, call in module.get("module_calls", {}).items():
        found.update(_config_providers(call.get("module", {}), f"{prefix}module.{name}."))
    return found


def _strip_keys(address: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", address)


def site_of(provider_key: str) -> str:
    """primary, dr or other (builtin providers), from a provider config key like `aws.dr` or `api_dr:aws`."""
    if provider_key.endswith("aws.dr") or provider_key == "aws.dr":
        return "dr"
    if provider_key.endswith("aws") or provider_key.endswith(":aws"):
        return "primary"
    return "other"


def resource_sites(plan: dict) -> list[tuple[str, str, str]]:
    """(address, type, site) of every managed resource the plan creates or changes."""
    providers = _config_providers(plan.get("configuration", {}).get("root_module", {}))
    rows = []
    for change in plan.get("resource_changes", []):
        if change.get("mode") != "managed":
            continue
        key = providers.get(_strip_keys(change["address"]), "")
        rows.append((change["address"], change["type"], site_of(key)))
    return rows


def counts(plan: dict) -> Counter[str]:
    return Counter(site for _, _, site in resource_sites(plan))


def markdown(plans: dict[str, dict]) -> str:
    lines = [
        "| env | primary provider (incl. global: IAM, Route 53, CloudFront) | DR provider (aws.dr) | builtin | total |",
        "|---|---:|---:|---:|---:|",
    ]
    for env, plan in plans.items():
        c = counts(plan)
        lines.append(f"| {env} | {c['primary']} | {c['dr']} | {c['other']} | {sum(c.values())} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    if not paths:
        raise OpsError("usage: python -m ops.env.plan_summary reports/plans/<env>.json ...")
    plans = {}
    for path in paths:
        if not path.is_file():
            raise OpsError(f"no plan at {path}: run `make validate` first")
        plans[path.stem] = json.loads(path.read_text())
    print(markdown(plans))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OpsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
