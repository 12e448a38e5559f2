"""Every foreseeable operator mistake ends in one line on stderr and a non-zero exit, never a traceback.

The real CLI (`.venv/bin/ops`) runs in a subprocess with a controlled environment: a private HOME and AWS
config, no network (STS is pointed at a local moto server or at a port where nothing answers).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

OPS = str(Path(sys.executable).parent / "ops")
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / ".aws").mkdir()
    return tmp_path


def environment(home: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "OPS_ENV_PLANS_DIR": str(home / "plans"),
        "MBT_LOCAL_STATE_DIR": str(home / "no-stack"),
        "COLUMNS": "80",  # narrow on purpose: the one line must not be wrapped
        **extra,
    }


def ops(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [OPS, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120
    )


def one_line(proc: subprocess.CompletedProcess[str], exit_code: int) -> str:
    """The single stderr line of a failed command (after the progress lines a command may print)."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr and "╭" not in proc.stderr, proc.stderr
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], proc.stderr
    assert proc.returncode == exit_code, (proc.returncode, proc.stderr)
    return errors[0]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing answers there


@pytest.fixture(scope="module")
def moto_sts() -> Iterator[str]:
    port = closed_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


FAKE_KEYS = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}

# --- credentials ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["env", "plan", "--env", "dev"],  # make plan ENV=dev (its first step: env check)
        ["stack", "outputs", "--env", "dev"],  # make outputs ENV=dev
        ["env", "destroy", "--env", "dev", "--dry-run"],  # make destroy ENV=dev ARGS=--dry-run
    ],
    ids=" ".join,
)
def test_a_profile_that_does_not_exist(home: Path, command: list[str]) -> None:
    line = one_line(ops(*command, env=environment(home, AWS_PROFILE="doesnotexist")), 2)
    assert "AWS profile 'doesnotexist' not found" in line and "env 'dev'" in line


def test_apply_with_a_profile_that_does_not_exist(home: Path) -> None:
    (home / "plans").mkdir()
    (home / "plans" / "dev.tfplan").write_bytes(b"saved plan placeholder")
    line = one_line(ops("env", "apply", "--env", "dev", env=environment(home, AWS_PROFILE="doesnotexist")), 2)
    assert "AWS profile 'doesnotexist' not found" in line


def test_no_credentials_at_all(home: Path) -> None:
    line = one_line(ops("env", "check", "--env", "dev", env=environment(home)), 2)
    assert "no AWS credentials for env 'dev'" in line


def test_an_sso_session_that_was_never_started(home: Path) -> None:
    (home / ".aws" / "config").write_text(
        "[profile team]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n"
        "region = us-east-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
        "sso_region = us-east-1\n"
    )
    line = one_line(ops("env", "check", "--env", "dev", env=environment(home, AWS_PROFILE="team")), 2)
    assert "aws sso login --profile team" in line


def test_an_expired_sso_token(home: Path) -> None:
    start_url = "https://corp.awsapps.com/start"
    (home / ".aws" / "config").write_text(
        f"[profile team]\nsso_start_url = {start_url}\nsso_region = us-east-1\n"
        "sso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n"
    )
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    expired = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (cache / f"{hashlib.sha1(start_url.encode()).hexdigest()}.json").write_text(
        json.dumps({"startUrl": start_url, "region": "us-east-1", "accessToken": "old", "expiresAt": expired})
    )
    line = one_line(ops("env", "plan", "--env", "dev", env=environment(home, AWS_PROFILE="team")), 2)
    assert "SSO session of profile 'team' is missing or expired" in line


def test_a_credential_process_that_fails(home: Path) -> None:
    (home / ".aws" / "config").write_text("[profile vault]\ncredential_process = /bin/false\n")
    line = one_line(ops("env", "check", "--env", "dev", env=environment(home, AWS_PROFILE="vault")), 2)
    assert "credentials of profile 'vault' are unusable" in line


def test_an_sts_endpoint_that_does_not_answer(home: Path) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    env = environment(home, **FAKE_KEYS, AWS_ENDPOINT_URL_STS=endpoint)
    line = one_line(ops("env", "plan", "--env", "dev", env=env), 1)
    assert f"could not reach {endpoint}" in line


def test_working_credentials_name_the_account(home: Path, moto_sts: str) -> None:
    proc = ops(
        "env", "check", "--env", "dev", env=environment(home, **FAKE_KEYS, AWS_ENDPOINT_URL_STS=moto_sts)
    )
    assert "env dev: account 123456789012 as arn:aws:" in proc.stderr
    # The shipped dev files still hold placeholders: listed after the account, then refused in one line.
    assert proc.returncode != 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error: env dev: ")


# --- arguments ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (["env", "plan"], "Missing option '--env' (see: ops env plan --help)"),
        (["env", "plan", "--env", "dev", "--bogus"], "No such option: --bogus (see: ops env plan --help)"),
        (["deploy"], "No such command 'deploy' (see: ops --help)"),
        (["tf", "validate", "--gates", "plan,lint"], "unknown gate(s) ['lint']"),
        (["local", "replication", "lag", "soon"], "Invalid value for 'seconds'"),
        (["env", "plan", "--env", "qa"], "unknown env 'qa': choose one of dev, prod, staging or local"),
        (["env", "plan", "--env", "local"], "make up"),
        (
            ["audit", "lifecycle", "--env", "local", "--format", "xml"],
            "--format must be one of table, json, md",
        ),
        (["audit", "lifecycle", "--env", "nowhere"], "unknown env 'nowhere'"),
        (["audit", "lifecycle", "--env", "local", "--source", "crawler"], "--source must be one of"),
        (["local", "archive", "--inactive-days", "-1"], "Invalid value for '--inactive-days'"),
        (["local", "archive", "--inactive-days", "abc"], "Invalid value for '--inactive-days'"),
        (["local", "archive", "--inactive-days", "999999999"], "Invalid value for '--inactive-days'"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_a_wrong_argument(home: Path, command: list[str], reason: str) -> None:
    assert reason in one_line(ops(*command, env=environment(home, **FAKE_KEYS)), 2)


# --- files, state and the local stack -------------------------------------------------------------


def test_no_saved_plan_to_apply(home: Path) -> None:
    line = one_line(ops("env", "apply", "--env", "dev", env=environment(home, **FAKE_KEYS)), 2)
    assert "no saved plan for env 'dev': run `make plan ENV=dev` first" in line


def test_an_output_directory_that_cannot_be_created(home: Path) -> None:
    line = one_line(
        ops("build", "lambdas", "--function", "drill", "--out", "/proc/no-such-dir", env=environment(home)), 2
    )
    assert "/proc/no-such-dir" in line


def test_a_terraform_tree_that_does_not_exist(home: Path) -> None:
    line = one_line(
        ops("tf", "validate", "--dir", str(home / "nowhere"), "--gates", "fmt", env=environment(home)), 2
    )
    assert "no Terraform tree at" in line


@pytest.mark.parametrize(
    "command",
    [["stack", "outputs", "--env", "local"], ["local", "seed"], ["audit", "lifecycle", "--env", "local"]],
    ids=" ".join,
)
def test_the_local_stack_is_not_running(home: Path, command: list[str]) -> None:
    assert "the local stack is not running" in one_line(ops(*command, env=environment(home)), 2)


def test_make_plan_with_a_profile_that_does_not_exist(home: Path) -> None:
    """`make plan` checks the env (files, then credentials) before it builds anything: the shipped env's
    findings, then one error line that says the online checks did not run, and why."""
    proc = subprocess.run(
        ["make", "-s", "--no-print-directory", "plan", "ENV=dev"],
        cwd=REPO, env={**environment(home, AWS_PROFILE="doesnotexist"), "PATH": os.environ["PATH"]},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    ours = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("make")]
    *findings, error = ours
    assert proc.returncode != 0 and findings, proc.stderr
    assert all(re.match(r"^terraform/envs/dev\.[\w.]+(:\d+)?: ", line) for line in findings), proc.stderr
    assert error.startswith(f"error: env dev: {len(findings)} thing(s) to set before a deploy")
    assert error.endswith(
        "the online checks did not run: env 'dev': AWS profile 'doesnotexist' not found in ~/.aws/config "
        "or ~/.aws/credentials: fix AWS_PROFILE (`aws configure list-profiles` lists yours)"
    )


# --- what AWS answers, translated (in-process: the answers are built as botocore raises them) ---------


@pytest.mark.parametrize(
    ("code", "exit_code", "reason"),
    [
        ("ExpiredToken", 2, "have expired (ExpiredToken): refresh them"),
        ("InvalidClientTokenId", 2, "AWS rejected the credentials (InvalidClientTokenId"),
        ("AccessDenied", 1, "AWS denied GetCallerIdentity (AccessDenied)"),
        ("Throttling", 1, "AWS GetCallerIdentity failed (Throttling)"),
    ],
)
def test_aws_answers_become_one_line(code: str, exit_code: int, reason: str) -> None:
    from botocore.exceptions import ClientError

    from ops.errors import describe

    answer = {"Error": {"Code": code, "Message": "the\nmessage"}}
    error = describe(ClientError(answer, "GetCallerIdentity"))
    assert reason in str(error) and "\n" not in str(error) and error.exit_code == exit_code


def test_no_region_and_unexpected_errors_become_one_line() -> None:
    from botocore.exceptions import NoRegionError

    from ops.errors import describe

    assert "no AWS region: set AWS_REGION" in str(describe(NoRegionError()))
    unexpected = describe(KeyError("functions"))
    assert str(unexpected).startswith("unexpected error: KeyError: 'functions'") and "OPS_DEBUG=1" in str(
        unexpected
    )
    assert unexpected.exit_code == 1


@pytest.mark.parametrize("value", ["nan", "inf", "1e400"])
def test_a_replication_lag_that_is_no_number_of_seconds_is_one_line(home: Path, value: str) -> None:
    """Refused before the stack is asked (no stack runs here): the reason is the value, not the stack."""
    line = one_line(ops("local", "replication", "lag", value, env=environment(home)), 2)
    assert "replication lag must be a number of seconds" in line
