"""Bad input answers a 4xx with the JSON error shape, never a 500 or a traceback."""

from __future__ import annotations

import base64
import json

import pytest

from tests.api.conftest import v2_event


def assert_error(reply, status):
    assert reply.status == status, reply.body
    assert set(reply.body) >= {"error", "message"}
    assert isinstance(reply.body["message"], str) and reply.body["message"]
    assert "Traceback" not in reply.body["message"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("PUT", "/sync/notes/n1", {}, 422),  # missing data
        ("PUT", "/sync/notes/n1", {"data": "text"}, 422),  # wrong type
        ("PUT", "/sync/notes/n1", {"data": {}, "version": "two"}, 422),
        ("PUT", "/sync/notes/n1", {"data": {}, "version": 0}, 422),
        ("PUT", "/sync/notes/n1", {"data": {}, "extra": 1}, 422),
        ("PUT", "/sync/bad%23coll/n1", {"data": {}}, 422),
        ("PUT", "/me", {"display_name": 42}, 422),
        ("POST", "/devices", {"platform": "blackberry", "token": "abcdefgh12"}, 422),
        ("POST", "/devices", {"platform": "apns"}, 422),
        ("POST", "/media/uploads", {"content_type": "application/x-sh", "size": 10}, 422),
        ("POST", "/media/uploads", {"content_type": "image/png", "size": 0}, 422),
        ("POST", "/media/uploads", {"content_type": "image/png", "size": 10**12}, 422),
        ("POST", "/media/uploads", {"content_type": "image/png", "size": 150 * 1024 * 1024}, 413),
        ("GET", "/sync?limit=0", None, 422),
        ("GET", "/sync?limit=abc", None, 422),
        ("GET", "/sync?since=not-a-cursor!!", None, 400),
        ("GET", "/sync?since=eyJzIjotMX0", None, 400),  # {"s":-1}
        ("GET", "/notifications?cursor=eyJrIjoiVVNFUiN4In0", None, 400),  # {"k":"USER#x"}
        ("GET", "/nope", None, 404),
        ("PATCH", "/me", None, 404),
    ],
)
def test_bad_requests(api, make_user, method, path, body, status):
    assert_error(api(method, path, make_user("consumers"), body), status)


def test_malformed_json_is_400(api, make_user):
    assert_error(api("PUT", "/me", make_user(), raw_body="{not json"), 400)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "multipart/form-data", "application/x-www-form-urlencoded"]
)
def test_body_that_is_not_json_typed_is_415(api, make_user, content_type):
    body = '{"display_name": "x"}'
    assert_error(api("PUT", "/me", make_user(), raw_body=body, headers={"content-type": content_type}), 415)


def test_body_that_is_not_utf8_is_400(api, make_user):
    event = v2_event("POST", "/devices", make_user(), raw_body=base64.b64encode(b"\xff\xfe\x00{").decode())
    event["isBase64Encoded"] = True
    reply = api.handler(event, None)
    assert reply["statusCode"] == 400 and json.loads(reply["body"])["error"] == "bad_request"


def test_huge_body_is_413_before_parsing(api, make_user):
    big = json.dumps({"data": {"blob": "x" * (500 * 1024)}})
    assert_error(api("PUT", "/sync/notes/big", make_user(), raw_body=big), 413)


def test_item_bigger_than_a_dynamodb_item_is_413(api, make_user):
    big = {"data": {"blob": "x" * (399 * 1024)}}
    assert_error(api("PUT", "/sync/notes/big", make_user(), big), 413)


def test_notification_too_big_for_a_push_is_413(api, make_user):
    provider = make_user("providers")
    reply = api(
        "POST",
        "/notifications",
        provider,
        {"to": None, "title": "t", "body": "b" * 2000, "data": {"x": "y" * 3000}},
    )
    assert_error(reply, 413)


def test_bad_idempotency_key_is_422(api, make_user):
    provider = make_user("providers")
    reply = api(
        "POST",
        "/notifications",
        provider,
        {"to": None, "title": "t", "body": "b"},
        headers={"Idempotency-Key": "has spaces#and hash"},
    )
    assert_error(reply, 422)


def test_unconfigured_push_platform_is_422(stack, make_user):
    from mobile_api.app import create_handler
    from mobile_api.settings import PlatformApps
    from tests.api.conftest import Api

    settings = stack.settings.model_copy(update={"platform_app_arns": PlatformApps()})
    reply = Api(create_handler(settings))(
        "POST", "/devices", make_user(), {"platform": "fcm", "token": "abcdefgh12"}
    )
    assert_error(reply, 422)
