"""Push after failover: the DR region's worker publishes to endpoints the primary region created.

Two regions on the local stack's moto: the device's endpoint is created in the primary region (as the
primary API did before the failover) and its row reaches the DR table through the replicator; the
worker under test is configured for the DR region only.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from backend_core.dal import Store
from backend_core.notifications import NotificationMessage
from notify_worker.app import create_handler
from notify_worker.regional_sns import RegionalSns, arn_region
from notify_worker.settings import PlatformApps, Settings


@pytest.fixture
def aws_credentials(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")  # the emulator's fake credentials


def dr_settings(stack) -> Settings:
    out = stack.outputs
    return Settings(
        region=out.dr_region,
        endpoint_url=stack.endpoint_url,
        table_name=out.table.name,
        platform_app_arns=PlatformApps(),
    )


def sqs_event(message: NotificationMessage) -> dict:
    return {
        "Records": [
            {
                "messageId": message.notification_id,
                "receiptHandle": "rh",
                "body": message.model_dump_json(),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-west-2:123456789012:notify",
                "awsRegion": "us-west-2",
            }
        ]
    }


@pytest.mark.parametrize(
    ("arn", "region"),
    [
        ("arn:aws:sns:us-east-1:123456789012:endpoint/APNS/app/0f6c", "us-east-1"),
        ("arn:aws-cn:sns:cn-north-1:123456789012:endpoint/GCM/app/1", "cn-north-1"),
        ("arn:aws:s3:::bucket", None),  # no region field
        ("not-an-arn", None),
        ("", None),
    ],
)
def test_arn_region(arn, region):
    assert arn_region(arn) == region


@pytest.mark.integration
def test_dr_worker_pushes_to_an_endpoint_of_the_primary_region(local_stack_clean, aws_credentials):
    stack = local_stack_clean
    primary_sns = stack.client("sns", "primary")
    apns = stack.outputs.notifications.platform_applications.apns
    endpoint = primary_sns.create_platform_endpoint(PlatformApplicationArn=apns, Token=uuid.uuid4().hex)[
        "EndpointArn"
    ]
    assert arn_region(endpoint) == stack.outputs.primary_region

    user, device_id = str(uuid.uuid4()), "phone-1"
    now = datetime.now(UTC).isoformat()
    Store(stack.client("dynamodb", "primary"), stack.outputs.table.name).put_device(
        user, device_id, "apns", endpoint, now
    )
    dr_store = Store(stack.client("dynamodb", "dr"), stack.outputs.table.name)
    stack.wait_for(lambda: dr_store.get_device(user, device_id), what="device row replicated to the DR table")

    message = NotificationMessage(
        notification_id=uuid.uuid4().hex,
        provider_id="provider-1",
        recipient_id=user,
        title="Hello",
        body="after failover",
        created_at=now,
    )
    handler = create_handler(dr_settings(stack))
    assert handler(sqs_event(message), None) == {"batchItemFailures": []}

    device = dr_store.get_device(user, device_id)
    assert device["enabled"] is True, (
        f"the DR worker retired a live endpoint: {device.get('disabled_reason')}"
    )
    inbox = dr_store.inbox(user, 10, None)[0]
    assert [(i["status"], int(i["delivered_devices"])) for i in inbox] == [("sent", 1)]
    attrs = primary_sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"]
    assert attrs["Enabled"] == "true"


@pytest.mark.integration
def test_one_client_per_region_is_reused(local_stack_clean, aws_credentials):
    router = RegionalSns(dr_settings(local_stack_clean))
    east = "arn:aws:sns:us-east-1:123456789012:endpoint/APNS/a/1"
    west = "arn:aws:sns:us-west-2:123456789012:endpoint/APNS/a/2"
    first = router.client_for(east)
    assert router.client_for(east.replace("/1", "/3")) is first
    assert first.meta.region_name == "us-east-1"
    assert router.client_for(west).meta.region_name == "us-west-2"
    assert router.client_for("not-an-arn").meta.region_name == "us-west-2"  # falls back to its own region
