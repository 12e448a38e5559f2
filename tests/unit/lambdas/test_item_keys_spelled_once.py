"""Only backend_core/item_keys.py spells a DynamoDB key prefix: every other file (functions, ops, tests,
benchmarks) builds and reads keys through it, and Terraform reads the prefixes it filters on from
terraform/contracts/item_keys.json (kept by tests/unit/contracts/test_contract_exports.py), so a prefix
changes in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from backend_core import item_keys

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ("lambdas", "ops", "tests", "benchmarks")
OWNER = ROOT / "lambdas" / "backend_core" / "item_keys.py"
PREFIXES = tuple(
    value
    for name, value in vars(item_keys).items()
    if name.isupper() and isinstance(value, str) and value.endswith("#")
)


def spelled_keys(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal, or f-string's literal start, that begins with a key prefix.
    Docstrings and messages start with words, so they are not caught; a key being built or matched is."""
    tree = ast.parse(source)
    # Parts of f-strings are judged with their f-string; bare string statements are docstrings.
    skipped = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    skipped |= {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    found = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            text = node.value
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            text = str(node.values[0].value)
        if text is not None and text.startswith(PREFIXES):
            found.append((node.lineno, node.col_offset, text))
    return [(line, text) for line, _, text in sorted(found)]


def terraform_spelled_keys(source: str) -> list[tuple[int, str]]:
    """(line, prefix) of every HCL string literal that begins with a key prefix (comments are skipped)."""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        code = re.split(r"\s(?:#|//)\s", " " + line, maxsplit=1)[0]
        found += [(number, m) for m in re.findall(r'"([A-Z][A-Z0-9_]*#)', code) if m.startswith(PREFIXES)]
    return found


def test_the_prefixes_are_known():
    assert {"USER#", "DEVICE#", "SUB#", "INBOX#", "NOTIF#", "SYNCLOG#", "MEDIAUSE#", "DRILL#"} <= set(
        PREFIXES
    )


def test_the_check_catches_a_key_built_by_hand():
    snippet = 'key = {"PK": f"USER#{sub}", "SK": "DEVICE#" + device_id}\nprefix = "SUB#"\n'
    assert [text for _, text in spelled_keys(snippet)] == ["USER#", "DEVICE#", "SUB#"]
    assert spelled_keys('"""USER#<sub> partitions are described here."""\nx = "a USER# b"\n') == []


def test_no_file_but_item_keys_spells_a_key_prefix():
    offenders = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path in (OWNER, Path(__file__).resolve()) or ".venv" in path.parts:  # this file: examples
                continue
            for line, text in spelled_keys(path.read_text(encoding="utf-8")):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert not offenders, "build keys with backend_core.item_keys:\n" + "\n".join(offenders)


def test_the_terraform_check_catches_a_prefix_spelled_in_hcl():
    snippet = 'pattern = { SK = { S = [{ prefix = "DEVICE#" }] } }\n  # a comment on "SUB#" keys\n'
    assert terraform_spelled_keys(snippet) == [(1, "DEVICE#")]
    assert terraform_spelled_keys('prefix = var.device_key_prefix\nname = "#"\n') == []


def test_no_terraform_file_spells_a_key_prefix():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for pattern in ("*.tf", "*.tftest.hcl")
        for path in sorted((ROOT / "terraform").rglob(pattern))
        if ".terraform" not in path.parts
        for line, text in terraform_spelled_keys(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "read prefixes from terraform/contracts/item_keys.json:\n" + "\n".join(offenders)
