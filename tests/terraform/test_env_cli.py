"""`ops env ...` as an operator meets it: one-line errors, guards before any Terraform or AWS call."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from ops.env.cognito_replica import FALLBACK, ensure_user_pool_replica
from ops.env.credentials import credential_source

OPS = str(Path(sys.executable).parent / "ops")
NO_CREDENTIALS = {
    "PATH": os.environ.get("PATH", ""),
    "HOME": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
    "AWS_CONFIG_FILE": "/nonexistent/config",
    "AWS_EC2_METADATA_DISABLED": "true",
    "COLUMNS": "400",
}
# Credentials that exist but are never used: every command below stops before calling AWS.
FAKE_CREDENTIALS = {**NO_CREDENTIALS, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def ops_env(*args: str, environ: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environ = {**environ, "OPS_ENV_PLANS_DIR": str(tmp_path / "plans")}
    return subprocess.run(
        [OPS, "env", *args],
        env=environ,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    return errors[0]


def test_local_points_to_make_up(tmp_path: Path) -> None:
    message = one_line_error(ops_env("plan", "--env", "local", environ=FAKE_CREDENTIALS, tmp_path=tmp_path))
    assert "make up" in message


def test_unknown_env_lists_the_real_ones(tmp_path: Path) -> None:
    message = one_line_error(ops_env("plan", "--env", "qa", environ=FAKE_CREDENTIALS, tmp_path=tmp_path))
    assert "dev, prod, staging" in message


def test_missing_credentials_say_what_is_missing(tmp_path: Path) -> None:
    proc = ops_env("plan", "--env", "dev", environ=NO_CREDENTIALS, tmp_path=tmp_path)
    message = one_line_error(proc)
    assert proc.returncode == 2
    assert "no AWS credentials" in message and "AWS_PROFILE" in message


def test_destroy_is_refused_for_prod(tmp_path: Path) -> None:
    message = one_line_error(ops_env("destroy", "--env", "prod", environ=FAKE_CREDENTIALS, tmp_path=tmp_path))
    assert "refused" in message


def test_prod_destroy_is_refused_even_as_a_dry_run(tmp_path: Path) -> None:
    proc = ops_env("destroy", "--env", "prod", "--dry-run", environ=FAKE_CREDENTIALS, tmp_path=tmp_path)
    assert "refused" in one_line_error(proc)


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_destroy_without_a_terminal_asks_for_yes_or_a_dry_run(env: str, tmp_path: Path) -> None:
    """No terminal to confirm on (CI, a pipe) and no --yes: refused before Terraform or AWS is called."""
    message = one_line_error(ops_env("destroy", "--env", env, environ=FAKE_CREDENTIALS, tmp_path=tmp_path))
    assert f"destroy of {env} deletes everything" in message and "--dry-run" in message and "--yes" in message


def test_apply_needs_a_saved_plan(tmp_path: Path) -> None:
    message = one_line_error(ops_env("apply", "--env", "dev", environ=FAKE_CREDENTIALS, tmp_path=tmp_path))
    assert "make plan ENV=dev" in message


def test_prod_apply_asks_for_confirmation(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "prod.tfplan").write_bytes(b"saved plan placeholder")
    message = one_line_error(ops_env("apply", "--env", "prod", environ=FAKE_CREDENTIALS, tmp_path=tmp_path))
    assert "needs confirmation" in message and "--yes" in message


def test_credential_source_reads_the_environment() -> None:
    assert credential_source(FAKE_CREDENTIALS) == "env"
    assert credential_source(NO_CREDENTIALS) is None


@pytest.fixture
def moto_endpoint(free_port: int):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{free_port}"
    finally:
        server.stop()


def test_replica_step_reports_the_fallback_where_replicas_are_unavailable(moto_endpoint: str) -> None:
    # The emulator has no user pool replicas, like an account or Region without the feature.
    client = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=moto_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pool_id = client.create_user_pool(PoolName="mbt-test-users")["UserPool"]["Id"]
    result = ensure_user_pool_replica(client, pool_id, "us-west-2")
    assert result.action == "unavailable"
    assert result.region == "us-west-2"
    assert FALLBACK in result.message()
