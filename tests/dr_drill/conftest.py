"""The drill against the local stack: settings from the stack outputs; the media buckets carry the
blueprint's replication rules (the media replication contract), which the local replicator follows."""

from __future__ import annotations

import pytest

from drill.settings import Settings


@pytest.fixture
def stack(local_stack_clean, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")  # the emulator's fake credentials, for backend_core.aws clients
    return local_stack_clean


def drill_settings(stack, **changes) -> Settings:
    out = stack.outputs
    values = {
        "region": out.primary_region,
        "endpoint_url": stack.endpoint_url,
        "table_name": out.table.name,
        "media_bucket": out.media.bucket.primary,
        "dr_region": out.dr_region,
        "dr_media_bucket": out.media.bucket.dr,
        "dr_api_url": out.api.dr,
        "alerts_topic_arn": out.alerts_topic_arn,
        "poll_interval_seconds": 0.1,
        **changes,
    }
    return Settings(**values)


@pytest.fixture
def replication_rule(stack):
    """The media bucket's replication rule, as the local stack provisions it from the contract."""
    rules = stack.client("s3", "primary").get_bucket_replication(Bucket=stack.outputs.media.bucket.primary)
    assert rules["ReplicationConfiguration"]["Rules"], "the local stack provisions the contract's rule"
    yield


@pytest.fixture
def without_replication_rule(stack):
    """The primary media bucket without its replication rule for one test (restored afterwards)."""
    s3 = stack.client("s3", "primary")
    bucket = stack.outputs.media.bucket.primary
    saved = s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]
    s3.delete_bucket_replication(Bucket=bucket)
    yield
    s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=saved)


@pytest.fixture
def alerts(stack):
    """An SQS queue subscribed to the alerts topic, so a test can read what the drill sent."""
    sqs, sns = stack.client("sqs", "primary"), stack.client("sns", "primary")
    url = sqs.create_queue(QueueName="drill-test-alerts")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sub = sns.subscribe(
        TopicArn=stack.outputs.alerts_topic_arn,
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"RawMessageDelivery": "true"},
    )["SubscriptionArn"]

    def received() -> list[str]:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        )
        return [m["Body"] for m in messages]

    yield received
    sns.unsubscribe(SubscriptionArn=sub)
    sqs.delete_queue(QueueUrl=url)
