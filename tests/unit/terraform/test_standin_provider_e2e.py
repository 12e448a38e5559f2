"""The real Terraform engine driving the stand-in provider offline: init, validate, test, plan, no apply."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TERRAFORM = str(Path(sys.executable).parent / "terraform")
pytestmark = pytest.mark.terraform

CONFIG = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 6.0" }
  }
}
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { project = "p", env = "test" }
  }
}
provider "aws" {
  alias  = "dr"
  region = "eu-central-1"
}
data "aws_caller_identity" "me" {}
resource "aws_sqs_queue" "jobs" {
  name = "jobs-${data.aws_caller_identity.me.account_id}"
  tags = { owner = "team" }
}
resource "aws_sqs_queue" "jobs_dr" {
  provider = aws.dr
  name     = "jobs"
}
output "queue_arn" {
  value = aws_sqs_queue.jobs.arn
}
"""

TEST_FILE = """
mock_provider "aws" {}
mock_provider "aws" {
  alias = "dr"
}
run "names_the_queue_after_the_account" {
  command = plan
  assert {
    condition     = startswith(aws_sqs_queue.jobs.name, "jobs-")
    error_message = "queue name"
  }
}
"""


def terraform(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TERRAFORM, *args, "-no-color"], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, "TF_PROVIDER_SOURCE": "offline", "TF_INPUT": "0"},
    )  # fmt: skip


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("standin")
    (directory / "main.tf").write_text(CONFIG)
    (directory / "tests").mkdir()
    (directory / "tests/queue.tftest.hcl").write_text(TEST_FILE)
    init = terraform(directory, "init")
    assert init.returncode == 0, init.stderr
    assert "hashicorp/aws v6.47.0" in init.stdout
    return directory


def test_validate_passes_a_valid_configuration(root: Path) -> None:
    proc = terraform(root, "validate")
    assert proc.returncode == 0, proc.stderr


def test_validate_warns_on_a_deprecated_argument(root: Path) -> None:
    (root / "deprecated.tf").write_text(
        'data "aws_region" "here" {}\noutput "r" {\n  value = data.aws_region.here.name\n}\n'
    )
    (root / "deprecated_arg.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "private"\n}\n'
    )
    try:
        proc = terraform(root, "validate")
    finally:
        (root / "deprecated.tf").unlink()
        (root / "deprecated_arg.tf").unlink()
    assert proc.returncode == 0
    assert "Argument is deprecated" in proc.stdout + proc.stderr
    assert '"acl" is deprecated' in proc.stdout + proc.stderr


def test_terraform_test_runs_with_mock_providers(root: Path) -> None:
    proc = terraform(root, "test")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed, 0 failed" in proc.stdout


def test_plan_knows_what_the_real_provider_knows_at_plan_time(root: Path) -> None:
    proc = terraform(root, "plan", "-out=plan.tfplan")
    assert proc.returncode == 0, proc.stderr
    show = terraform(root, "show", "-json", "plan.tfplan")
    plan = json.loads(show.stdout)
    changes = {c["address"]: c["change"] for c in plan["resource_changes"]}
    primary, dr = changes["aws_sqs_queue.jobs"], changes["aws_sqs_queue.jobs_dr"]
    assert primary["after"]["name"] == "jobs-123456789012"  # data source placeholder
    assert primary["after"]["region"] == "eu-west-1" and dr["after"]["region"] == "eu-central-1"
    assert primary["after"]["tags_all"] == {"project": "p", "env": "test", "owner": "team"}
    assert primary["after_unknown"]["arn"] is True and primary["after_unknown"]["url"] is True


def test_apply_is_refused_with_a_clear_reason(root: Path) -> None:
    proc = terraform(root, "apply", "-auto-approve")
    assert proc.returncode == 1
    assert "offline stand-in for hashicorp/aws cannot apply" in proc.stderr


def test_existing_state_is_upgraded_and_updates_warn_about_replacement(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n}\nresource "aws_sqs_queue" "q" {\n  name = "renamed"\n}\n'
    )
    state = {
        "version": 4, "terraform_version": "1.15.0", "serial": 1, "lineage": "00000000-0000-0000-0000-000000000000",
        "outputs": {},
        "resources": [{
            "mode": "managed", "type": "aws_sqs_queue", "name": "q",
            "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
            "instances": [{"schema_version": 0, "attributes": {"name": "old", "id": "https://q", "arn": "arn:q"}}],
        }],
    }  # fmt: skip
    (tmp_path / "terraform.tfstate").write_text(json.dumps(state))
    assert terraform(tmp_path, "init").returncode == 0
    proc = terraform(tmp_path, "plan", "-refresh=false")
    assert proc.returncode == 0, proc.stderr  # a state written by an older provider is readable
    assert "~ name" in proc.stdout and '"old" -> "renamed"' in proc.stdout
    assert "Replacement cannot be predicted offline" in proc.stdout + proc.stderr
