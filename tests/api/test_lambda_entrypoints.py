"""The module-level `lambda_handler`s build their settings from the environment once, as Lambda runs them."""

from __future__ import annotations

import importlib
import json

import mobile_api.app
import notify_worker.app
from tests.api.conftest import v2_event


def lambda_env(monkeypatch, stack):
    s = stack.settings
    values = {
        "AWS_REGION": s.region, "ENDPOINT_URL": s.endpoint_url, "ENV_NAME": "local", "TABLE_NAME": s.table_name,
        "MEDIA_BUCKET": s.media_bucket, "NOTIFY_QUEUE_URL": s.notify_queue_url,
        "USAGE_STREAM_NAME": s.usage_stream_name, "PLATFORM_APP_ARNS_APNS": s.platform_app_arns.apns,
        "PLATFORM_APP_ARNS_FCM": s.platform_app_arns.fcm,
    }  # fmt: skip
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_api_lambda_handler_from_environment(monkeypatch, stack, make_user):
    lambda_env(monkeypatch, stack)
    monkeypatch.setattr(mobile_api.app, "_handler", None)
    out = mobile_api.app.lambda_handler(v2_event("GET", "/me", make_user()), None)
    assert out["statusCode"] == 200 and json.loads(out["body"])["role"] == "consumer"
    first = mobile_api.app._handler
    mobile_api.app.lambda_handler(v2_event("GET", "/health", None), None)
    assert mobile_api.app._handler is first  # built once


def test_worker_lambda_handler_from_environment(monkeypatch, stack):
    lambda_env(monkeypatch, stack)
    importlib.reload(notify_worker.app)  # a cold start: the handler is built from this environment
    event = {"Records": [{"messageId": "m1", "receiptHandle": "r", "body": "not json", "attributes": {},
                          "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                          "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q", "awsRegion": "us-east-1"}]}  # fmt: skip
    assert notify_worker.app.lambda_handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
