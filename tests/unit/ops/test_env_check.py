"""`ops env check`: the shipped env files are refused with every placeholder listed (file:line: what: fix),
a filled-in copy passes; `make destroy` needs an explicit ENV and a confirmation."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

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


def check(
    env: str, envs_dir: Path = ENVS, offline: bool = True, **extra_env: str | None
) -> subprocess.CompletedProcess[str]:
    """`ops env check`; an extra_env value of None removes that variable."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TF_VAR_")} | extra_env
    environ = {k: v for k, v in environ.items() if v is not None}
    return subprocess.run(
        [OPS, "env", "check", "--env", env, "--envs-dir", str(envs_dir)] + (["--offline"] if offline else []),
        capture_output=True, text=True, env=environ, check=False, timeout=60,
    )  # fmt: skip


def pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def apns(signing_key: str | None = None, **fields: str) -> str:
    """TF_VAR_apns as docs/first-deploy.md writes it: an HCL object, the .p8 key as a JSON-escaped string."""
    values = {"key_id": "ABC123DEFG", "team_id": "TEAM123456", "bundle_id": "io.acme.app"} | fields
    key = pem(ec.generate_private_key(ec.SECP256R1())) if signing_key is None else signing_key
    return (
        "{" + ", ".join([f"signing_key={json.dumps(key)}"] + [f'{k}="{v}"' for k, v in values.items()]) + "}"
    )


def fcm(**fields: object) -> str:
    document = {
        "type": "service_account",
        "project_id": "acme-mobile",
        "private_key_id": "0123abcd",
        "private_key": pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        "client_email": "sns@acme-mobile.iam.gserviceaccount.com",
    } | fields
    return json.dumps({k: v for k, v in document.items() if v is not None})


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
    proc = check(env, envs, TF_VAR_apns=apns(), TF_VAR_fcm_service_account_json=fcm())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"env {env}: ready to plan (files only: --offline)"


def test_one_placeholder_left_is_the_one_listed(tmp_path):
    envs = filled_in_copy(tmp_path, "dev")
    tfvars = envs / "dev.tfvars"
    tfvars.write_text(tfvars.read_text().replace('"acme-mobile/', '"example-org/'))
    proc = check("dev", envs, TF_VAR_fcm_service_account_json=fcm())
    assert proc.returncode != 0
    [finding, error] = proc.stderr.strip().splitlines()
    line = next(i for i, text in enumerate(tfvars.read_text().splitlines(), 1) if "example-org/" in text)
    assert finding.startswith(f"{tfvars}:{line}: placeholder GitHub repository: your owner/name on GitHub")
    assert error == "error: env dev: 1 thing(s) to set before a deploy (above; docs/first-deploy.md)"


def push_findings(proc: subprocess.CompletedProcess[str], variable: str) -> list[str]:
    assert proc.returncode != 0
    return [line for line in proc.stderr.splitlines() if line.startswith(f"{variable}: ")]


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("{signing_key=", "not an object Terraform can read"),
        (
            apns(signing_key="k"),
            "signing_key is not a .p8 PEM private key (no -----BEGIN PRIVATE KEY----- line)",
        ),
        (apns(signing_key=pem(rsa.generate_private_key(65537, 2048))), "not an EC P-256 (.p8) key"),
        (
            apns(signing_key="-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"),
            "signing_key is not a .p8 PEM private key (unreadable",
        ),
        (apns(key_id=""), "no key_id"),
        (apns(key_id="K"), "key_id 'K' is not 10 upper-case letters and digits"),
        (apns(team_id=""), "no team_id"),
        (apns(bundle_id=""), "no bundle_id"),
    ],
)
def test_an_unusable_apns_key_is_a_finding(tmp_path, value, what):
    proc = check("dev", filled_in_copy(tmp_path, "dev"), TF_VAR_apns=value)
    [finding] = push_findings(proc, "TF_VAR_apns")
    assert what in finding
    assert (
        "AuthKey_KEYID.p8" in finding or "Key ID" in finding or "Team ID" in finding or "bundle id" in finding
    )


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("not json", "not JSON"),
        ("[]", "not a JSON object"),
        (fcm(type="authorized_user"), "type is 'authorized_user', not 'service_account'"),
        (fcm(client_email=None, project_id=None), "lacks project_id, client_email"),
        (
            fcm(private_key="-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----"),
            "private_key is not",
        ),
    ],
)
def test_an_unusable_fcm_service_account_is_a_finding(tmp_path, value, what):
    proc = check("dev", filled_in_copy(tmp_path, "dev"), TF_VAR_fcm_service_account_json=value)
    [finding] = push_findings(proc, "TF_VAR_fcm_service_account_json")
    assert what in finding and "service-account key file" in finding


def test_online_check_lists_the_placeholders_before_the_credentials_error(tmp_path):
    """Without credentials the online check still prints every offline finding first, then says why the
    online part did not run, and exits non-zero."""
    no_credentials: dict[str, str | None] = {name: None for name in os.environ if name.startswith("AWS_")}
    no_credentials |= {
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    offline = check("dev")
    online = check("dev", offline=False, **no_credentials)
    assert online.returncode == 2
    *findings, error = online.stderr.strip().splitlines()
    assert findings == offline.stderr.strip().splitlines()[:-1] and findings
    assert error.startswith(f"error: env dev: {len(findings)} thing(s) to set before a deploy (above;")
    assert "the online checks did not run: no AWS credentials for env 'dev'" in error


@pytest.mark.parametrize("target", ["destroy", "bootstrap"])
def test_make_target_needs_an_explicit_env(target):
    """Both act on one account's resources: never on dev by default."""
    proc = subprocess.run(
        ["make", "-s", "--no-print-directory", target],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    ours = [line for line in proc.stderr.splitlines() if not line.startswith("make")]
    assert len(ours) == 1 and ours[0].startswith(f"error: make {target} needs an explicit ENV="), proc.stderr


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


def test_first_deploy_examples_are_lines_check_prints(tmp_path):
    """docs/first-deploy.md quotes `ops env check` lines: each is (a prefix of) a line it prints."""
    guide = (REPO / "docs" / "first-deploy.md").read_text()
    quoted = re.findall(r"`((?:terraform/envs/[\w.]+:\d+|TF_VAR_\w+): [^`]+)`", guide)
    assert len(quoted) >= 2
    printed = check("dev").stderr.splitlines()
    printed += check("dev", filled_in_copy(tmp_path, "dev"), TF_VAR_apns=apns(key_id="K")).stderr.splitlines()
    for example in quoted:
        prefix = example.removesuffix("(...)").rstrip()
        assert any(line.startswith(prefix) for line in printed), f"first-deploy.md quotes {example!r}"
