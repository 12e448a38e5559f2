"""What users of a maintained toolkit expect: a LICENSE matching pyproject, a changelog, `ops --version`,
and a pre-commit configuration running exactly the checks of `make lint`."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
OPS = Path(sys.executable).parent / "ops"


def test_license_file_is_the_license_pyproject_declares():
    declared = PYPROJECT["project"]["license"]["text"]
    assert declared == "Apache-2.0"
    text = (REPO / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text


def test_ops_version_prints_the_pyproject_version():
    proc = subprocess.run([str(OPS), "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"ops {PYPROJECT['project']['version']}"


def test_changelog_names_the_current_version():
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert re.search(
        rf"^## {re.escape(PYPROJECT['project']['version'])} - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M
    )
    assert changelog.index("## Unreleased") < changelog.index(f"## {PYPROJECT['project']['version']}")


def _lint_recipe() -> list[str]:
    makefile = (REPO / "Makefile").read_text()
    block = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert block, "Makefile has no lint target"
    return [line.strip() for line in block[1].splitlines()]


def test_pre_commit_hooks_run_the_checks_of_make_lint():
    """Each hook's entry is a `make lint` command ($(BIN) = .venv/bin), and every such command has a hook."""
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"]), "hooks must not need the network"
    # `ruff check .` in make lint; pre-commit passes the changed files instead of `.`.
    lint = {re.sub(r"\s+\.$", "", line.replace("$(BIN)", ".venv/bin")) for line in _lint_recipe()}
    entries = {hook["entry"] for hook in hooks}
    assert entries == lint
    assert all(hook["language"] == "system" for hook in hooks)


def test_the_pre_commit_config_names_files_that_exist():
    """Its comments point a reader at the test that guards it: that path must exist."""
    named = re.findall(
        r"\b((?:tests|ops|lambdas)/[\w/]+\.py)\b", (REPO / ".pre-commit-config.yaml").read_text()
    )
    assert named, "the config names the test that guards it"
    assert [path for path in named if not (REPO / path).is_file()] == []
