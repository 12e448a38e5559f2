"""ops/terraform/lambda_artefacts.py: a zip is checked against the function that deploys it, as Lambda runs it."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from ops.terraform.lambda_artefacts import elf_machine, plan_problems, zip_problems

EM_X86_64, EM_AARCH64 = 62, 183
HANDLER = "fn.app.handler"


def elf(machine: int, elf_class: int = 2, order: str = "<") -> bytes:
    ident = b"\x7fELF" + bytes([elf_class, 1 if order == "<" else 2, 1]) + bytes(9)
    return ident + struct.pack(f"{order}HHI", 3, machine, 1) + bytes(40)


def make_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def function_zip(tmp_path: Path, **extra: bytes) -> Path:
    files = {"fn/__init__.py": b"", "fn/app.py": b"def handler(event, context):\n    return {}\n", **extra}
    return make_zip(tmp_path / "fn.zip", files)


def test_a_zip_built_for_the_function_has_no_problems(tmp_path: Path) -> None:
    path = function_zip(
        tmp_path,
        **{
            "pydantic_core/_pydantic_core.cpython-312-aarch64-linux-gnu.so": elf(EM_AARCH64),
            "cryptography/hazmat/bindings/_rust.abi3.so": elf(EM_AARCH64),
            "numpy.libs/libgfortran-040039e1.so.5.0.0": elf(EM_AARCH64),
        },
    )
    assert zip_problems(path, "python3.12", "arm64", HANDLER) == []


@pytest.mark.parametrize(
    ("name", "machine", "runtime", "architecture", "reason"),
    [
        (
            "m.cpython-312-x86_64-linux-gnu.so",
            EM_X86_64,
            "python3.12",
            "arm64",
            "built for cpython-312 x86_64",
        ),
        ("m.cpython-312-aarch64-linux-gnu.so", EM_X86_64, "python3.12", "arm64", "is x86_64 machine code"),
        ("m.cpython-311-aarch64-linux-gnu.so", EM_AARCH64, "python3.12", "arm64", "built for cpython-311"),
        ("m.abi3.so", EM_AARCH64, "python3.12", "x86_64", "is aarch64 machine code"),
        ("lib/libz.so.1", EM_X86_64, "python3.13", "arm64", "is x86_64 machine code"),
    ],
)
def test_native_code_for_another_target_is_named(
    tmp_path, name, machine, runtime, architecture, reason
) -> None:
    path = function_zip(tmp_path, **{name: elf(machine)})
    (problem,) = zip_problems(path, runtime, architecture, HANDLER)
    assert name in problem and reason in problem


def test_a_32_bit_or_big_endian_header_is_read_as_such() -> None:
    assert elf_machine(elf(EM_AARCH64)) == EM_AARCH64
    assert elf_machine(elf(EM_AARCH64, order=">")) == EM_AARCH64
    assert elf_machine(elf(EM_AARCH64, elf_class=1)) is None
    assert elf_machine(b"not an elf file at all") is None


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        ("fn.app.lambda_handler", "defines no module-level lambda_handler"),
        ("fn.missing.handler", "which the zip lacks (fn/missing.py)"),
        ("handler", "is not module.function"),
    ],
)
def test_a_handler_the_zip_cannot_serve_is_named(tmp_path: Path, handler: str, reason: str) -> None:
    (problem,) = zip_problems(function_zip(tmp_path), "python3.12", "arm64", handler)
    assert reason in problem


def test_a_handler_may_be_assigned_or_imported(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "fn.zip", {"fn/app.py": b"from fn.core import run as handler\nother = 1\n"})
    assert zip_problems(path, "python3.12", "arm64", "fn.app.handler") == []
    assert zip_problems(path, "python3.12", "arm64", "fn.app.other") == []


def test_unusable_inputs_are_problems_not_exceptions(tmp_path: Path) -> None:
    assert "no such zip" in zip_problems(tmp_path / "absent.zip", "python3.12", "arm64")[0]
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    assert "not a readable zip" in zip_problems(tmp_path / "bad.zip", "python3.12", "arm64")[0]
    assert "not a Python runtime" in zip_problems(function_zip(tmp_path), "nodejs20.x", "arm64")[0]
    assert "unknown architecture" in zip_problems(function_zip(tmp_path), "python3.12", "riscv")[0]


def test_lambda_size_quotas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ops.terraform.lambda_artefacts as artefacts

    monkeypatch.setattr(artefacts, "UNZIPPED_LIMIT_BYTES", 100)
    path = function_zip(tmp_path, **{"data.bin": bytes(200)})
    (problem,) = zip_problems(path, "python3.12", "arm64", HANDLER)
    assert "unzipped, over Lambda's 250 MB quota" in problem


def test_plan_problems_name_the_function_and_read_paths_relative_to_the_root(tmp_path: Path) -> None:
    (tmp_path / "build").mkdir()
    function_zip(tmp_path / "build", **{"m.cpython-312-x86_64-linux-gnu.so": elf(EM_X86_64)})
    root = tmp_path / "terraform" / "blueprint"
    root.mkdir(parents=True)

    def change(address: str, actions: list[str], architectures: list[str] | None) -> dict:
        after = {"filename": "./../../build/fn.zip", "runtime": "python3.12", "handler": HANDLER}
        if architectures is not None:
            after["architectures"] = architectures
        return {"address": address, "mode": "managed", "type": "aws_lambda_function",
                "change": {"actions": actions, "after": after}}  # fmt: skip

    plan = {
        "resource_changes": [
            change("module.a.aws_lambda_function.this", ["create"], ["arm64"]),
            change("module.b.aws_lambda_function.this", ["update"], None),  # x86_64: Lambda's default
            change("module.c.aws_lambda_function.this", ["no-op"], ["arm64"]),  # deploys nothing
        ]
    }
    problems = plan_problems(plan, root)
    assert len(problems) == 1 and problems[0].startswith("module.a.aws_lambda_function.this: fn.zip: ")
