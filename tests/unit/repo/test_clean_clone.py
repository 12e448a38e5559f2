"""A plain clone finds the AWS provider schema by itself, or says in one line how to provide it.

Each case copies the files a clone of this tree has (`git ls-files`: tracked and new, ignored ones left out,
so no .cache/ and no virtualenv) to a temp dir where no ../shared exists, then runs the clone's own code
(PYTHONPATH) with this environment's interpreter:
- schema reachable only through $AWS_PROVIDER_SCHEMA: `make setup`'s schema step names it, and the Terraform
  gates fmt + validate + terraform test pass on the clone's gate fixture with the offline provider;
- the clone placed beside a ../shared/terraform/ holding the schema, no variable: that file is used;
- neither, registry unreachable: one error line naming both ways, exit 1; `ops tf validate` refuses the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ops.terraform.provider_schema import SCHEMA_FILE_NAME
from tests.prerequisites import missing

REPO = Path(__file__).resolve().parents[3]
OPS_MAIN = 'import sys; from ops.cli import main; sys.argv[0] = "ops"; main()'
CLOSED_PORT = "127.0.0.1:1"  # nothing listens there: the registry is unreachable


def real_schema() -> Path:
    for candidate in (
        os.environ.get("AWS_PROVIDER_SCHEMA"),
        REPO.parent / "shared" / "terraform" / SCHEMA_FILE_NAME,
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    missing("the AWS provider schema ($AWS_PROVIDER_SCHEMA or ../shared/terraform/)")


def clone(target: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def run(
    repo: Path, args: list[str], schema: Path | None, timeout: int = 60
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_PROVIDER_SCHEMA", "CI")}
    env |= {"PYTHONPATH": f"{repo}{os.pathsep}{repo / 'lambdas'}", "OPS_TERRAFORM_REGISTRY": CLOSED_PORT}
    if schema is not None:
        env["AWS_PROVIDER_SCHEMA"] = str(schema)
    return subprocess.run(
        [sys.executable, *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_clone_with_the_schema_only_in_the_env_var_runs_the_terraform_gates(tmp_path):
    schema = real_schema()
    repo = clone(tmp_path / "mobile-backend-toolkit")
    assert not (tmp_path / "shared").exists()

    found = run(repo, ["-m", "ops.terraform.provider_schema", "--setup"], schema)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip().splitlines() == [f"provider schema: $AWS_PROVIDER_SCHEMA ({schema})"]

    reports = tmp_path / "reports"
    gates = run(
        repo,
        ["-c", OPS_MAIN, "tf", "validate", "--dir", str(repo / "tests/terraform_gates/fixture"),
         "--reports", str(reports), "--gates", "fmt,validate,test"],
        schema, timeout=600,
    )  # fmt: skip
    assert gates.returncode == 0, gates.stderr[-3000:]
    assert "all Terraform gates passed" in gates.stdout
    assert (repo / ".cache" / "terraform").is_dir()  # the clone's own Terraform cache, not this tree's


def test_clone_beside_shared_uses_its_schema(tmp_path):
    schema = real_schema()
    shared = tmp_path / "shared" / "terraform"
    shared.mkdir(parents=True)
    (shared / SCHEMA_FILE_NAME).symlink_to(schema)
    repo = clone(tmp_path / "mobile-backend-toolkit")

    found = run(repo, ["-m", "ops.terraform.provider_schema", "--setup"], None)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == f"provider schema: ../shared/terraform/ ({shared / SCHEMA_FILE_NAME})"


def test_clone_without_a_schema_or_registry_says_how_in_one_line(tmp_path):
    repo = clone(tmp_path / "mobile-backend-toolkit")

    found = run(repo, ["-m", "ops.terraform.provider_schema", "--setup"], None)
    assert found.returncode == 1
    [line] = found.stderr.strip().splitlines()
    assert line.startswith("error: no AWS provider schema and registry.terraform.io is unreachable")
    assert "AWS_PROVIDER_SCHEMA" in line and "../shared/terraform/" in line

    gates = run(repo, ["-c", OPS_MAIN, "tf", "validate", "--gates", "validate"], None)
    assert gates.returncode != 0
    assert (
        gates.stderr.strip()
        .splitlines()[-1]
        .startswith("error: no AWS provider schema: set AWS_PROVIDER_SCHEMA")
    )


def test_a_missing_file_named_by_the_env_var_is_refused_not_replaced(tmp_path):
    repo = clone(tmp_path / "mobile-backend-toolkit")
    found = run(repo, ["-m", "ops.terraform.provider_schema", "--setup"], tmp_path / "nope.json.gz")
    assert found.returncode == 1
    assert f"AWS_PROVIDER_SCHEMA names {tmp_path / 'nope.json.gz'}, which is not a file" in found.stderr


pytestmark = pytest.mark.terraform
