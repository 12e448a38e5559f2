"""The real hashicorp/aws provider schema, read from ../shared/terraform/ (never copied into the repo).

Used by the offline stand-in provider and by operators checking an argument:
    python -m ops.terraform.provider_schema aws_s3_bucket_replication_configuration
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from functools import cache
from pathlib import Path

from ops.errors import OpsError

PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws"
PROVIDER_VERSION = "6.47.0"
SCHEMA_FILE_NAME = f"aws-provider-schema-{PROVIDER_VERSION}.json.gz"
# Types the shared schema file does not carry (too large); a check that meets one must say so.
MISSING_TYPES = frozenset(
    {
        "aws_quicksight_analysis",
        "aws_quicksight_dashboard",
        "aws_quicksight_template",
        "aws_wafv2_rule_group",
        "aws_wafv2_web_acl",
        "aws_wafv2_web_acl_rule",
    }
)


def schema_path() -> Path:
    """$AWS_PROVIDER_SCHEMA, else ../shared/terraform/ beside the checkout."""
    explicit = os.environ.get("AWS_PROVIDER_SCHEMA")
    if explicit:
        path = Path(explicit)
    else:
        repo = Path(__file__).resolve().parents[2]
        path = repo.parent / "shared" / "terraform" / SCHEMA_FILE_NAME
    if not path.is_file():
        raise OpsError(
            f"AWS provider schema not found at {path}; set AWS_PROVIDER_SCHEMA to the "
            f"{SCHEMA_FILE_NAME} file (it is never copied into the repository)"
        )
    return path


@cache
def load_schema() -> dict:
    """The provider's schema document: provider, resource_schemas, data_source_schemas, ..."""
    with gzip.open(schema_path(), "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    return document["provider_schemas"][PROVIDER_ADDRESS]


def describe_block(block: dict, indent: str = "") -> list[str]:
    """Human-readable outline of a block: arguments with flags, then nested blocks."""
    lines = []
    for name, attr in sorted(block.get("attributes", {}).items()):
        flags = [k for k in ("required", "optional", "computed", "sensitive", "deprecated") if attr.get(k)]
        kind = (
            attr.get("type", "nested") if "type" in attr else f"nested {attr['nested_type']['nesting_mode']}"
        )
        lines.append(f"{indent}{name}: {json.dumps(kind)} [{', '.join(flags)}]")
        if "nested_type" in attr:
            lines += describe_block(attr["nested_type"], indent + "    ")
    for name, nested in sorted(block.get("block_types", {}).items()):
        bounds = f"min={nested.get('min_items', 0)} max={nested.get('max_items', '-')}"
        lines.append(f"{indent}{name} {{ }} ({nested['nesting_mode']}, {bounds})")
        lines += describe_block(nested["block"], indent + "    ")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if not args:
        print("usage: python -m ops.terraform.provider_schema TYPE [TYPE...]  (data.TYPE for data sources)")
        return 2
    schema = load_schema()
    status = 0
    for name in args:
        section, type_name = (
            ("data_source_schemas", name[5:]) if name.startswith("data.") else ("resource_schemas", name)
        )
        entry = schema.get(section, {}).get(type_name)
        if entry is None:
            note = " (not carried by the shared schema file)" if type_name in MISSING_TYPES else ""
            print(f"{name}: unknown type{note}", file=sys.stderr)
            status = 1
            continue
        print(f"# {name}")
        print("\n".join(describe_block(entry["block"])))
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `... | head` closed the pipe: not an error
        sys.stderr.close()
        sys.exit(0)
