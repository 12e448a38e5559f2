"""The `terraform` command: Terraform 1.15 from PyPI, the project's CLI config, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TERRAFORM = str(Path(sys.executable).parent / "terraform")
pytestmark = pytest.mark.terraform


def terraform(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TERRAFORM, *args], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, "TF_PROVIDER_SOURCE": "offline", **env},
    )  # fmt: skip


def test_runs_terraform_1_15_from_the_library() -> None:
    proc = terraform("version", "-json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["terraform_version"].startswith("1.15.")


def test_exit_code_of_a_failing_command_passes_through() -> None:
    proc = terraform("no-such-command")
    assert proc.returncode == 1
    assert 'no command named "no-such-command"' in proc.stderr


def test_own_binary_gets_the_same_environment_and_arguments(tmp_path: Path) -> None:
    fake = tmp_path / "terraform"
    fake.write_text('#!/bin/sh\necho "$CHECKPOINT_DISABLE|$TF_CLI_CONFIG_FILE|$*"\nexit 7\n')
    fake.chmod(0o755)
    proc = terraform("plan", "-input=false", TERRAFORM_BINARY=str(fake))
    assert proc.returncode == 7
    checkpoint, config, args = proc.stdout.strip().split("|")
    assert checkpoint == "1"
    assert (
        config.endswith(".cache/terraform/offline.tfrc") and "filesystem_mirror" in Path(config).read_text()
    )
    assert args == "plan -input=false"


def test_registry_mode_uses_a_plugin_cache_config() -> None:
    proc = terraform("version", TF_PROVIDER_SOURCE="registry", TERRAFORM_BINARY="/bin/echo")
    assert proc.returncode == 0
    config = Path(__file__).resolve().parents[3] / ".cache/terraform/registry.tfrc"
    assert "plugin_cache_dir" in config.read_text() and "filesystem_mirror" not in config.read_text()


def test_bad_provider_source_is_a_one_line_error() -> None:
    proc = terraform("version", TF_PROVIDER_SOURCE="carrier-pigeon")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "TF_PROVIDER_SOURCE" in proc.stderr


def test_other_exit_codes_pass_through_too(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('output "x" {\n  value = "changed"\n}\n')
    assert terraform("init", "-input=false", cwd=tmp_path).returncode == 0
    proc = terraform("plan", "-detailed-exitcode", "-input=false", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr  # 2: the plan has changes
