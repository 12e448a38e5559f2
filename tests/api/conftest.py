"""Fixtures for the API tests: the functions in-process against a real moto server on loopback, and the
local stack's HTTP fronts for the tests that go over HTTP (fixtures of the ops.local.testing plugin, loaded
for the whole suite by pyproject's `-p ops.local.testing`, so every test module shares one stack).

In-process events are built exactly as API Gateway's HTTP API (payload v2) delivers them, with the verified
JWT claims in requestContext.authorizer (groups rendered "[consumers]" as API Gateway does).
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from backend_core.table_design import TABLE_DESIGN
from mobile_api.app import create_handler
from mobile_api.settings import PlatformApps, Settings
from notify_worker.app import create_handler as create_worker
from notify_worker.settings import Settings as WorkerSettings
from ops.local.moto_gateway import GatewayServer, MotoGateway
from ops.local.provision import USAGE_LOG_PROCESSING
from ops.local.stand_ins.log_subscription import Destination, LogSubscription

REGION = "us-east-1"


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        os.environ[name] = value
    # The local stack's AWS endpoint (moto behind the gateway that makes it fail like AWS), on its own.
    server = GatewayServer("127.0.0.1", 0, MotoGateway()).start()
    yield f"http://127.0.0.1:{server.get_host_and_port()[1]}"
    server.stop()


def aws(service: str, url: str) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=url)


@dataclass
class Stack:
    url: str
    settings: Settings
    analytics_bucket: str
    dlq_url: str

    def client(self, service: str) -> Any:
        return aws(service, self.url)


@pytest.fixture(scope="session")
def stack(moto_url: str) -> Stack:
    suffix = uuid.uuid4().hex[:8]
    table, media, analytics = f"app-{suffix}", f"media-{suffix}", f"analytics-{suffix}"
    aws("dynamodb", moto_url).create_table(**TABLE_DESIGN.to_boto3_create_args(table))
    s3 = aws("s3", moto_url)
    s3.create_bucket(Bucket=media)
    s3.create_bucket(Bucket=analytics)
    sqs = aws("sqs", moto_url)
    dlq_url = sqs.create_queue(QueueName=f"notify-dlq-{suffix}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue_url = sqs.create_queue(
        QueueName=f"notify-{suffix}",
        Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}),
            "VisibilityTimeout": "0",
        },
    )["QueueUrl"]
    sns = aws("sns", moto_url)
    apns = sns.create_platform_application(Name=f"apns-{suffix}", Platform="APNS", Attributes={})
    fcm = sns.create_platform_application(Name=f"fcm-{suffix}", Platform="GCM", Attributes={})
    stream = f"usage-{suffix}"
    aws("firehose", moto_url).create_delivery_stream(
        DeliveryStreamName=stream,
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/firehose",
            "BucketARN": f"arn:aws:s3:::{analytics}",
            "Prefix": "usage/",
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
            "ProcessingConfiguration": USAGE_LOG_PROCESSING,  # fed by the log-subscription stand-in
        },
    )
    settings = Settings(
        region=REGION,
        endpoint_url=moto_url,
        env_name="local",
        table_name=table,
        media_bucket=media,
        cdn_domain=None,
        notify_queue_url=queue_url,
        usage_stream_name=stream,
        platform_app_arns=PlatformApps(
            apns=apns["PlatformApplicationArn"], fcm=fcm["PlatformApplicationArn"]
        ),
    )
    return Stack(moto_url, settings, analytics, dlq_url)


@dataclass
class User:
    """Claims as API Gateway passes a verified Cognito token to the function (every value a string)."""

    sub: str
    groups: str | None
    email: str | None = ""  # "" = a made-up address, None = no email claim
    token_use: str = "id"
    issued_at: int = field(default_factory=lambda: int(time.time()))

    def claims(self) -> dict[str, Any]:
        claims: dict[str, Any] = {"sub": self.sub, "token_use": self.token_use, "iat": str(self.issued_at)}
        if self.token_use == "id" and self.email is not None:  # access tokens carry no email (nor name)
            claims["email"] = self.email or f"{self.sub[:8]}@example.test"
        if self.groups is not None:
            claims["cognito:groups"] = self.groups
        return claims


@pytest.fixture
def make_user():
    def make(group: str | None = "consumers", rendering: str = "brackets") -> User:
        rendered = None if group is None else (f"[{group}]" if rendering == "brackets" else group)
        return User(str(uuid.uuid4()), rendered)

    return make


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def v2_event(
    method: str,
    path: str,
    user: User | None,
    body: Any = None,
    headers: dict | None = None,
    raw_body: str | None = None,
) -> dict[str, Any]:
    parsed = urllib.parse.urlsplit(path)
    query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
    hdrs = {"content-type": "application/json", "x-client-platform": "ios", "x-app-version": "1.2.3"}
    hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    context: dict[str, Any] = {
        "http": {
            "method": method,
            "path": parsed.path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": "pytest",
        },
        "requestId": uuid.uuid4().hex,
        "routeKey": "$default",
        "stage": "$default",
        "accountId": "123456789012",
        "apiId": "local",
        "domainName": "local",
        "timeEpoch": 0,
    }
    if user is not None:
        context["authorizer"] = {"jwt": {"claims": user.claims(), "scopes": None}}
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parsed.path,
        "rawQueryString": parsed.query,
        "headers": hdrs,
        "queryStringParameters": query or None,
        "requestContext": context,
        "body": text,
        "isBase64Encoded": False,
    }


class Api:
    def __init__(self, handler: Any) -> None:
        self.handler = handler

    def __call__(
        self,
        method: str,
        path: str,
        user: User | None = None,
        body: Any = None,
        headers: dict | None = None,
        raw_body: str | None = None,
    ) -> Reply:
        out = self.handler(v2_event(method, path, user, body, headers, raw_body), None)
        text = out.get("body") or ""
        if out.get("isBase64Encoded"):
            text = base64.b64decode(text).decode()
        return Reply(out["statusCode"], json.loads(text) if text else None, out.get("headers") or {})


@pytest.fixture
def subscription(stack: Stack) -> Iterator[LogSubscription]:
    """The log-subscription stand-in on the in-process functions' usage lines, to this stack's stream."""
    part = LogSubscription(
        stack.url,
        [Destination(stack.settings.region, "/aws/lambda/test-api", stack.settings.usage_stream_name)],
    )
    part.start()
    yield part
    part.stop()


@pytest.fixture(scope="session")
def api(stack: Stack) -> Api:
    return Api(create_handler(stack.settings))


@pytest.fixture(scope="session")
def worker(stack: Stack):
    return create_worker(
        WorkerSettings(**stack.settings.model_dump(include=set(WorkerSettings.model_fields)))
    )


def sqs_event(
    messages: list[dict[str, Any]], queue_arn: str = "arn:aws:sqs:us-east-1:123456789012:q"
) -> dict:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


@pytest.fixture
def drain(stack: Stack, worker):
    """Run the worker over everything on the queue, as the Lambda event source mapping would."""
    sqs = stack.client("sqs")
    url = stack.settings.notify_queue_url

    def run(max_rounds: int = 10) -> list[dict]:
        results = []
        for _ in range(max_rounds):
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])
            messages = got.get("Messages", [])
            if not messages:
                break
            result = worker(sqs_event(messages), None)
            failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            done = [m for m in messages if m["MessageId"] not in failed]
            for m in done:  # the event source mapping deletes what the function did not report failed
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            results.append(result)
        return results

    return run


def sns_messages(stack: Stack, endpoint_arn: str) -> list[str]:
    """What moto recorded as pushed to one platform endpoint (moto's inspection API, loopback only)."""
    import requests

    out = requests.get(f"{stack.url}/moto-api/data.json", timeout=10).json()
    endpoints = out.get("sns", {}).get("PlatformEndpoint", [])
    for ep in endpoints:
        if ep.get("arn") == endpoint_arn:
            return list((ep.get("messages") or {}).values())
    return []
