"""Issue 8, kind 6: the local stand-ins fail the way AWS fails, never more kindly, and status says what is true."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from backend_core.identity import IDENTITY
from backend_core.media_replication import MEDIA_REPLICATION
from ops.local.stand_ins.event_sources import SqsEventSource, StreamEventSource, WholeBatchFailed, failed_ids
from tests.local.test_event_sources import _dlq_bodies, _drain, _queue_with_dlq

pytestmark = pytest.mark.integration

MALFORMED = [
    {"batchItemFailures": [{"itemIdentifier": ""}]},
    {"batchItemFailures": [{"itemIdentifier": None}]},
    {"batchItemFailures": [{"itemIdentifier": "no-such-message"}]},
    {"batchItemFailures": [{"itemIdentifer": "misspelt key"}]},
    {"batchItemFailures": "not a list"},
    "not an object",
]


@pytest.mark.parametrize("response", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_partial_batch_response_fails_the_whole_batch(local_stack, response):
    """Lambda treats these as a failure of the whole batch: every message is retried, then reaches the DLQ
    (docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). Before, they were deleted."""
    queue, dlq = _queue_with_dlq(local_stack, max_receive_count=2)
    sqs = local_stack.client("sqs")
    for body in ("a", "b"):
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    source = SqsEventSource(
        "t", sqs, queue, local_stack.region("primary"), lambda e, c: response, "fn", retry_delay_seconds=0
    )
    _drain(source, polls=10)
    assert source.delivered == 0
    assert sorted(
        local_stack.wait_for(lambda: _dlq_bodies(local_stack, dlq), what="messages in the DLQ")
    ) == ["a", "b"]


@pytest.mark.parametrize("response", [None, {}, {"batchItemFailures": None}, {"batchItemFailures": []}])
def test_the_complete_success_shapes(response):
    assert failed_ids(response, ["m1"]) == []


def test_a_valid_partial_failure_names_only_its_records():
    assert failed_ids({"batchItemFailures": [{"itemIdentifier": "m2"}]}, ["m1", "m2"]) == ["m2"]
    with pytest.raises(WholeBatchFailed):
        failed_ids({"batchItemFailures": [{"itemIdentifier": "m3"}]}, ["m1", "m2"])


def test_a_malformed_stream_response_retries_from_the_first_record(local_stack_clean):
    stack = local_stack_clean
    calls: list[int] = []

    def handler(event, context):
        calls.append(len(event["Records"]))
        return {"batchItemFailures": [{"itemIdentifier": ""}]} if len(calls) == 1 else None

    source = StreamEventSource(
        "t",
        stack.client("dynamodbstreams"),
        stack.state["regions"]["primary"]["table_stream_arn"],
        stack.region("primary"),
        handler,
        "fn",
    )
    stack.client("dynamodb").put_item(
        TableName=stack.outputs.table.name, Item={"PK": {"S": f"T#{uuid.uuid4().hex}"}, "SK": {"S": "x"}}
    )
    stack.wait_for(
        lambda: (source.poll_once(), source.delivered)[1], what="the record delivered after a retry"
    )
    assert calls[0] == calls[1] >= 1 and source.discarded == 0


def test_the_local_app_client_allows_exactly_the_blueprints_flows(local_stack):
    out = local_stack.outputs
    idp = local_stack.client("cognito-idp")
    client = idp.describe_user_pool_client(UserPoolId=out.auth.user_pool_id, ClientId=out.auth.client_id)
    assert tuple(client["UserPoolClient"]["ExplicitAuthFlows"]) == IDENTITY.app_client_auth_flows
    user = local_stack.create_user()  # signs in with SRP, as the app does
    with pytest.raises(ClientError) as refused:
        idp.initiate_auth(
            ClientId=out.auth.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user.email, "PASSWORD": user.password},
        )
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "USER_PASSWORD_AUTH flow not enabled for this client" in refused.value.response["Error"]["Message"]


def test_the_media_buckets_carry_the_blueprints_replication_rules(local_stack):
    out = local_stack.outputs
    for side, bucket, rule, target in (
        ("primary", out.media.bucket.primary, MEDIA_REPLICATION.to_dr, out.media.bucket.dr),
        ("dr", out.media.bucket.dr, MEDIA_REPLICATION.to_primary, out.media.bucket.primary),
    ):
        config = local_stack.client("s3", side).get_bucket_replication(Bucket=bucket)[
            "ReplicationConfiguration"
        ]
        (actual,) = config["Rules"]
        assert actual["ID"] == rule.id and actual["Status"] == "Enabled"
        assert actual["Destination"]["Bucket"] == f"arn:aws:s3:::{target}"
        assert actual["DeleteMarkerReplication"]["Status"] == "Enabled"


def test_status_says_what_is_true(local_stack_clean):
    stack = local_stack_clean
    assert stack.status()["healthy"] is True
    stack.pause_replication()
    table = stack.outputs.table.name
    for i in range(3):
        stack.client("dynamodb").put_item(TableName=table, Item={"PK": {"S": f"S#{i}"}, "SK": {"S": "x"}})
    status = stack.status()
    assert status["components"]["replicator"]["pending_items"] == 3  # waiting, though not even read yet
    assert status["healthy"] is False and "replication is paused" in status["problems"]
    stack.resume_replication()
    stack.region_down("primary")
    stack.region_down("dr")
    status = stack.status()
    assert status["healthy"] is False
    for front in ("front.primary", "front.dr", "front.public"):
        assert status["components"][front]["healthy"] is False
        assert status["components"][front]["reason"] == "region down"
    assert {"region primary is down", "region dr is down"} <= set(status["problems"])


def test_a_dark_region_refuses_every_aws_call_and_the_other_serves(local_stack_clean):
    stack = local_stack_clean
    stack.region_down("primary")
    for call in (
        lambda: stack.client("dynamodb", "primary").describe_table(TableName=stack.outputs.table.name),
        lambda: stack.client("s3", "primary").head_bucket(Bucket=stack.outputs.media.bucket.primary),
        lambda: stack.client("sqs", "primary").get_queue_url(QueueName="mbt-local-notify"),
        lambda: stack.client("cognito-idp", "primary").describe_user_pool(
            UserPoolId=stack.outputs.auth.user_pool_id
        ),
    ):
        with pytest.raises(ClientError) as dark:
            call()
        assert dark.value.response["Error"]["Code"] in ("ServiceUnavailable", "503")
    stack.client("dynamodb", "dr").describe_table(TableName=stack.outputs.table.name)
    stack.client("s3", "dr").head_bucket(Bucket=stack.outputs.media.bucket.dr)
    stack.region_up("primary")
    stack.client("dynamodb", "primary").describe_table(TableName=stack.outputs.table.name)
