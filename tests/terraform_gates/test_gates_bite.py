"""Proof that `make validate` bites: a known-good fixture passes; each way of breaking it fails, for its reason.

The fixture (tests/terraform_gates/fixture) is a tiny tree shaped like the real one: a module that needs
the DR provider, a blueprint root, envs/. Every case copies it, breaks one thing and runs `make validate`
on the copy with the real Terraform engine and the offline hashicorp/aws schema.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixture"
MODULE = Path("modules/table/main.tf")
ROOT = Path("blueprint/main.tf")

pytestmark = pytest.mark.terraform


def run_validate(tree: Path, reports: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-s", "--no-print-directory", "validate", f"TF_DIR={tree}", f"REPORTS={reports}"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def error_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The gate's reason: exactly one line, the last one before make's own."""
    ours = [
        line for line in proc.stderr.splitlines() if not re.match(r"make(\[\d+\])?: ", line)
    ]  # make's own
    errors = [line for line in ours if line.startswith("error: ")]
    assert len(errors) == 1 and ours[-1] == errors[0], proc.stderr
    return errors[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


ZIP = Path("artefacts/fn.zip")
EM_X86_64, EM_AARCH64 = 62, 183


def elf_header(machine: int) -> bytes:
    """The first 64 bytes of a 64-bit little-endian shared object for `machine` (all the gate reads)."""
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)  # ELFCLASS64, ELFDATA2LSB, EV_CURRENT
    return ident + struct.pack("<HHI", 3, machine, 1) + bytes(40)  # ET_DYN, e_machine, e_version


def write_function_zip(
    tree: Path, extension: str = "_ext.cpython-312-aarch64-linux-gnu.so", machine: int = EM_AARCH64,
    handler_source: str = "def handler(event, context):\n    return {}\n",
) -> None:  # fmt: skip
    """The fixture function's zip: its handler module and one compiled extension, as a wheel would ship it."""
    (tree / ZIP).parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(tree / ZIP, "w") as archive:
        archive.writestr("fn/__init__.py", "")
        archive.writestr("fn/app.py", handler_source)
        archive.writestr(f"native/{extension}", elf_header(machine) + b"\0" * 256)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    copy = tmp_path / "terraform"
    shutil.copytree(FIXTURE, copy)
    write_function_zip(copy)
    return copy


def test_unbroken_fixture_passes_every_gate(tree: Path, tmp_path: Path) -> None:
    proc = run_validate(tree, tmp_path / "reports")
    assert proc.returncode == 0, proc.stderr
    assert "all Terraform gates passed" in proc.stdout
    for gate in ("fmt", "validate", "test", "plan", "artefacts", "checkov"):
        assert f"✓ {gate}" in proc.stderr
    assert (tmp_path / "reports/plans/test.json").is_file()
    for report in ("results_cli.txt", "results_junitxml.xml", "results_sarif.sarif"):
        assert (tmp_path / "reports/checkov/source" / report).is_file()
        assert (tmp_path / "reports/checkov/plan-test" / report).is_file()


def _misspelled_nested_argument(t: Path) -> None:
    edit(
        t / MODULE,
        "point_in_time_recovery {\n    enabled = true",
        "point_in_time_recovery {\n    enabeld = true",
    )


def _missing_required_argument(t: Path) -> None:
    edit(t / MODULE, "  primary_key_arn         = aws_kms_key.table.arn\n", "")


def _wrong_type(t: Path) -> None:
    edit(t / MODULE, "deletion_protection_enabled = true", 'deletion_protection_enabled = ["yes"]')


def _undeclared_variable(t: Path) -> None:
    edit(t / ROOT, 'name = "gate-fixture-${var.env}"', 'name = "gate-fixture-${var.stage}"')


def _unknown_resource_type(t: Path) -> None:
    edit(t / MODULE, 'resource "aws_kms_replica_key"', 'resource "aws_kms_replica_keys"')


def _dr_provider_not_passed(t: Path) -> None:
    edit(t / ROOT, "    aws    = aws\n    aws.dr = aws.dr\n", "    aws = aws\n")


def _unformatted(t: Path) -> None:
    edit(t / MODULE, "  billing_mode                = ", "  billing_mode = ")


def _checkov_violation(t: Path) -> None:
    edit(
        t / MODULE,
        "point_in_time_recovery {\n    enabled = true",
        "point_in_time_recovery {\n    enabled = false",
    )


def _no_dr_replica(t: Path) -> None:
    text = (t / MODULE).read_text()
    start = text.index("  replica {")
    end = text.index("  }\n", start) + len("  }\n")
    (t / MODULE).write_text(text[:start] + text[end:])


def _type_missing_from_offline_schema(t: Path) -> None:
    edit(t / MODULE, 'resource "aws_kms_replica_key"', 'resource "aws_wafv2_web_acl"')


# The other ways a zip can miss its function (ELF machine behind a right name, another CPython, size) are
# unit tests of ops/terraform/lambda_artefacts.py (tests/unit/terraform/test_lambda_artefacts.py).
def _x86_64_wheels_for_an_arm64_function(t: Path) -> None:
    # What `ops build lambdas` packaged before: manylinux x86_64 wheels (pydantic-core) for arm64 functions.
    write_function_zip(t, "_pydantic_core.cpython-312-x86_64-linux-gnu.so", EM_X86_64)


def _handler_not_in_the_zip(t: Path) -> None:
    write_function_zip(t, handler_source="def lambda_handler(event, context):\n    return {}\n")


BREAKAGES: list[tuple[Callable[[Path], None], str, list[str]]] = [
    (_misspelled_nested_argument, "validate", ["Unsupported argument", "enabeld", 'Did you mean "enabled"?']),
    (_missing_required_argument, "validate", ["Missing required argument", '"primary_key_arn" is required']),
    (_wrong_type, "validate", ["Incorrect attribute value type", "deletion_protection_enabled"]),
    (_undeclared_variable, "validate", ["Reference to undeclared input variable", '"stage"']),
    (_unknown_resource_type, "validate", ["Invalid resource type", "aws_kms_replica_keys"]),
    (
        _type_missing_from_offline_schema,
        "validate",
        ["aws_wafv2_web_acl is a real hashicorp/aws", "--provider registry"],
    ),
    (_dr_provider_not_passed, "validate", ["aws.dr"]),
    (_unformatted, "fmt", ["need `terraform fmt`", "main.tf"]),
    (_checkov_violation, "checkov", ["CKV_AWS_28", "aws_dynamodb_table"]),
    (_no_dr_replica, "checkov", ["CKV2_MBT_3", "aws_dynamodb_table", "R2"]),
    (
        _x86_64_wheels_for_an_arm64_function,
        "artefacts",
        ["aws_lambda_function.fn", "_pydantic_core.cpython-312-x86_64-linux-gnu.so", "arm64 (aarch64)"],
    ),
    (_handler_not_in_the_zip, "artefacts", ["fn.app.handler", "no module-level handler"]),
]


@pytest.mark.parametrize(
    ("breakage", "gate", "reasons"), BREAKAGES, ids=[b[0].__name__.strip("_") for b in BREAKAGES]
)
def test_broken_fixture_fails_for_its_reason(
    tree: Path, tmp_path: Path, breakage: Callable[[Path], None], gate: str, reasons: list[str]
) -> None:
    breakage(tree)
    proc = run_validate(tree, tmp_path / "reports")
    assert proc.returncode != 0, f"gates passed a broken tree:\n{proc.stderr}"
    line = error_line(proc)
    assert line.startswith(f"error: {gate}:"), line
    for reason in reasons:
        assert reason in line, f"{reason!r} not in: {line}"
