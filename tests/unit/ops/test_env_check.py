"""`ops env check`: the shipped env files are refused with every placeholder listed (file:line: what: fix),
a filled-in copy passes; `make destroy` needs an explicit ENV and a confirmation."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
ENVS = REPO / "terraform" / "envs"
OPS = str(Path(sys.executable).parent / "ops")
# What a placeholder looks like in the shipped files, found independently of ops/env/env_check.py.
SHIPPED_PLACEHOLDER = re.compile(r"ACCOUNT_ID|0{12}|\"Z0{6,}|example\.com|example-org/")
PUBLIC_KEY = """  signing_public_key_pem = <<-EOT
    -----BEGIN PUBLIC KEY-----
    MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAklQs1POQ0REEa6rgNm/L
    -----END PUBLIC KEY-----
  EOT
"""


def check(env: str, envs_dir: Path = ENVS, **extra_env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TF_VAR_")} | extra_env
    return subprocess.run(
        [OPS, "env", "check", "--env", env, "--offline", "--envs-dir", str(envs_dir)],
        capture_output=True, text=True, env=environ, check=False, timeout=60,
    )  # fmt: skip


def code_part(line: str) -> str:
    return line.split("#", 1)[0]


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_shipped_env_is_refused_with_every_placeholder_listed(env):
    proc = check(env)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith(f"error: env {env}: ") and "docs/first-deploy.md" in lines[-1]
    listed = {
        (m[1], int(m[2]))
        for m in (re.match(r"^(terraform/envs/[\w.]+):(\d+): [^:]+: .+", line) for line in lines[:-1])
        if m
    }
    expected = {
        (f"terraform/envs/{path.name}", number)
        for path in (ENVS / f"{env}.tfvars", ENVS / f"{env}.backend.hcl")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if SHIPPED_PLACEHOLDER.search(code_part(line))
    }
    assert expected and listed >= expected, f"not listed: {sorted(expected - listed)}"
    assert listed - expected <= {(f"terraform/envs/{env}.tfvars", n) for _, n in listed}  # only tfvars extras
    assert any("no CDN URL-signing public key" in line for line in lines)
    assert any("no push credentials" in line and "TF_VAR_apns" in line for line in lines)


def filled_in_copy(tmp_path: Path, env: str) -> Path:
    envs = tmp_path / "envs"
    shutil.copytree(ENVS, envs)
    for path in (envs / f"{env}.tfvars", envs / f"{env}.backend.hcl"):
        text = path.read_text()
        text = text.replace("ACCOUNT_ID", "210987654321").replace("000000000000", "210987654321")
        text = re.sub(r'"Z0{6,}[A-Z0-9]*"', '"Z0481516ACMEZONE"', text)
        text = text.replace("example-org/", "acme-mobile/").replace("example.com", "acme-mobile.io")
        if path.suffix == ".tfvars":
            text = re.sub(r"(^cdn = \{\n)", r"\1" + PUBLIC_KEY.replace("\\", "\\\\"), text, flags=re.M)
        path.write_text(text)
    return envs


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_filled_in_copy_passes(tmp_path, env):
    envs = filled_in_copy(tmp_path, env)
    proc = check(env, envs, TF_VAR_apns='{signing_key="k", key_id="K", team_id="T", bundle_id="io.acme"}')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"env {env}: ready to plan (files only: --offline)"


def test_one_placeholder_left_is_the_one_listed(tmp_path):
    envs = filled_in_copy(tmp_path, "dev")
    tfvars = envs / "dev.tfvars"
    tfvars.write_text(tfvars.read_text().replace('"acme-mobile/', '"example-org/'))
    proc = check("dev", envs, TF_VAR_fcm_service_account_json="{}")
    assert proc.returncode != 0
    [finding, error] = proc.stderr.strip().splitlines()
    line = next(i for i, text in enumerate(tfvars.read_text().splitlines(), 1) if "example-org/" in text)
    assert finding.startswith(f"{tfvars}:{line}: placeholder GitHub repository: your owner/name on GitHub")
    assert error == "error: env dev: 1 thing(s) to set before a deploy (above; docs/first-deploy.md)"


def test_make_destroy_needs_an_explicit_env():
    proc = subprocess.run(
        ["make", "-s", "--no-print-directory", "destroy"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "error: make destroy needs an explicit ENV=" in proc.stderr


def test_destroy_without_a_terminal_or_yes_changes_nothing():
    proc = subprocess.run(
        [OPS, "env", "destroy", "--env", "dev"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode != 0
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("error: destroy of dev deletes everything in it: rerun interactively, with --yes")
