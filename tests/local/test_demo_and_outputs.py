"""`ops stack outputs --env local` and the demo scenario against the running stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ops.stack_outputs import StackOutputs, required_keys

pytestmark = pytest.mark.integration
OPS = str(Path(sys.executable).parent / "ops")


def _env(stack) -> dict:
    return {**os.environ, "MBT_LOCAL_STATE_DIR": str(stack.state_dir), "COLUMNS": "200"}


def test_stack_outputs_prints_the_running_stacks_document(local_stack):
    result = subprocess.run(
        [OPS, "stack", "outputs", "--env", "local"],
        capture_output=True,
        text=True,
        env=_env(local_stack),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    document = StackOutputs.model_validate_json(result.stdout)
    assert document == local_stack.outputs
    dumped = document.model_dump(mode="json")
    for dotted in required_keys():  # every contract key is present (values may be null where AWS-only)
        node = dumped
        for part in dotted.split("."):
            assert part in node, dotted
            node = node[part]
    assert document.api.primary != document.api.dr
    assert document.primary_region != document.dr_region


def test_the_resources_in_the_outputs_exist_in_both_regions(local_stack):
    outputs = local_stack.outputs
    for region in ("primary", "dr"):
        table = local_stack.client("dynamodb", region).describe_table(TableName=outputs.table.name)["Table"]
        assert table["StreamSpecification"]["StreamEnabled"] is True
        assert table["SSEDescription"]["Status"] == "ENABLED"
    for region, bucket in (("primary", outputs.media.bucket.primary), ("dr", outputs.media.bucket.dr)):
        s3 = local_stack.client("s3", region)
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values())
        rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
        assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    groups = local_stack.client("cognito-idp").list_groups(UserPoolId=outputs.auth.user_pool_id)["Groups"]
    assert {g["GroupName"] for g in groups} == {"consumers", "providers"}
    glue = local_stack.client("glue").get_table(
        DatabaseName=outputs.analytics.database, Name=outputs.analytics.table
    )
    assert glue["Table"]["PartitionKeys"][0]["Name"] == "day"
    local_stack.client("athena").get_work_group(WorkGroup=outputs.analytics.workgroup)
    for arn in outputs.notifications.platform_applications.model_dump().values():
        assert local_stack.client("sns").get_platform_application_attributes(PlatformApplicationArn=arn)


def test_demo_walks_the_scenario_end_to_end(local_stack_clean):
    result = subprocess.run(
        [sys.executable, "-m", "ops.demo"],
        capture_output=True,
        text=True,
        env=_env(local_stack_clean),
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for step in (
        "see the data in the DR region",
        "provider notifies the consumer, who receives it live",
        "consumer and provider chat, live both ways",
        "fail the primary region over",
    ):
        assert f"✓ {step}" in result.stdout
    assert "arrived live over the consumer's WebSocket" in result.stdout
    assert "each message arrived live on the other's WebSocket" in result.stdout
    assert local_stack_clean.status()["regions"] == {"primary": "up", "dr": "up"}  # the demo put it back
