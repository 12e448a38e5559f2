"""The real hashicorp/aws provider schema (never committed to the repository).

Where it is found, in order (`locate`):
1. `$AWS_PROVIDER_SCHEMA`, a `terraform providers schema -json` document, gzipped;
2. `../shared/terraform/aws-provider-schema-6.47.0.json.gz` beside the checkout;
3. `.cache/terraform/aws-provider-schema-6.47.0.json.gz`, which `make setup` writes itself where the
   Terraform registry is reachable: it installs the real provider and runs `terraform providers schema -json`
   (`python -m ops.terraform.provider_schema --setup`, one line saying which source it used).

Used by the offline stand-in provider and by operators checking an argument:
    python -m ops.terraform.provider_schema aws_s3_bucket_replication_configuration
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from ops.errors import OpsError
from ops.paths import REPO_ROOT

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


REPO = REPO_ROOT
SHARED_SCHEMA = REPO.parent / "shared" / "terraform" / SCHEMA_FILE_NAME
CACHED_SCHEMA = REPO / ".cache" / "terraform" / SCHEMA_FILE_NAME
# host:port probed before asking Terraform to install the provider (tests point it at a closed port)
REGISTRY_ENV = "OPS_TERRAFORM_REGISTRY"
REGISTRY = "registry.terraform.io:443"
HOW_TO_PROVIDE = (
    f"set AWS_PROVIDER_SCHEMA to an {SCHEMA_FILE_NAME} file (`terraform providers schema -json | gzip` of "
    f"hashicorp/aws {PROVIDER_VERSION}) or put it in ../shared/terraform/ beside the checkout, "
    "or run `make setup` where registry.terraform.io is reachable"
)


def locate() -> tuple[Path, str] | None:
    """The schema file and the name of where it came from, or None when there is none."""
    explicit = os.environ.get("AWS_PROVIDER_SCHEMA")
    if explicit:  # named explicitly: never fall back to another file silently
        path = Path(explicit)
        if not path.is_file():
            raise OpsError(f"AWS_PROVIDER_SCHEMA names {path}, which is not a file; {HOW_TO_PROVIDE}")
        return path, "$AWS_PROVIDER_SCHEMA"
    if SHARED_SCHEMA.is_file():
        return SHARED_SCHEMA, "../shared/terraform/"
    if CACHED_SCHEMA.is_file():
        return CACHED_SCHEMA, "the registry's provider (written by make setup)"
    return None


def schema_path() -> Path:
    """The schema file (see `locate`); OpsError saying how to provide it when there is none."""
    found = locate()
    if found is None:
        raise OpsError(f"no AWS provider schema: {HOW_TO_PROVIDE}")
    return found[0]


def registry_reachable(timeout: float = 3.0) -> bool:
    host, _, port = os.environ.get(REGISTRY_ENV, REGISTRY).rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def write_schema_from_registry(target: Path = CACHED_SCHEMA) -> Path:
    """Install the real hashicorp/aws provider with Terraform and write its schema to `target` (gzip)."""
    from ops.terraform.binary import terraform_binary
    from ops.terraform.terraform_rc import terraform_environment

    terraform = terraform_binary()
    environment = terraform_environment("registry")
    with tempfile.TemporaryDirectory(prefix="aws-schema-") as work:
        (Path(work) / "main.tf").write_text(
            'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", '
            f'version = "{PROVIDER_VERSION}" }}\n  }}\n}}\n'
        )
        for args in (["init", "-input=false", "-no-color"], ["providers", "schema", "-json"]):
            proc = subprocess.run(
                [terraform, *args], cwd=work, env=environment, capture_output=True, text=True, check=False
            )
            if proc.returncode != 0:
                last = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
                raise OpsError(
                    f"terraform {args[0]} of hashicorp/aws {PROVIDER_VERSION} failed "
                    f"({last[-1].strip(' │') if last else 'no output'}); {HOW_TO_PROVIDE}"
                )
        document = json.loads(proc.stdout)
        if PROVIDER_ADDRESS not in document.get("provider_schemas", {}):
            raise OpsError(f"terraform providers schema -json did not describe {PROVIDER_ADDRESS}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with gzip.open(partial, "wt", encoding="utf-8") as handle:
        json.dump(document, handle)
    partial.replace(target)
    return target


def ensure_schema() -> str:
    """Find the schema or, where the registry answers, make it; one line saying which source is used."""
    found = locate()
    if found is None:
        if not registry_reachable():
            raise OpsError(
                f"no AWS provider schema and registry.terraform.io is unreachable: {HOW_TO_PROVIDE}"
            )
        path = write_schema_from_registry()
        found = (path, "the registry's provider (terraform providers schema -json, written now)")
    path, source = found
    return f"provider schema: {source} ({path})"


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
    if args == ["--setup"]:
        try:
            print(ensure_schema())
        except OpsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0
    if not args:
        print(
            "usage: python -m ops.terraform.provider_schema TYPE [TYPE...]  (data.TYPE for data sources)\n"
            "       python -m ops.terraform.provider_schema --setup  (find or make the schema; say which)"
        )
        return 2
    try:
        schema = load_schema()
    except OpsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
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
