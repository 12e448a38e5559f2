"""The front's event and response mapping, with tiny handlers defined here (in-process front,
real JWT verification against the running stack's emulated Cognito)."""

from __future__ import annotations

import base64
import http.client
import json

import pytest
import requests

from ops.local.api_front import ApiFront, RegionApp
from ops.local.jwt_auth import JwtVerifier

pytestmark = pytest.mark.integration


@pytest.fixture
def front_with(local_stack):
    """Start a front on a free port around `handler`; stopped after the test."""
    started: list[ApiFront] = []

    def start(handler) -> str:
        auth = local_stack.outputs.auth
        verifier = JwtVerifier(auth.issuer, local_stack.state["jwks_url"], [auth.client_id])
        app = RegionApp("primary", local_stack.region("primary"), handler, "test-fn")
        front = ApiFront("test", 0, verifier, lambda: app).start()
        started.append(front)
        return front.url

    yield start
    for front in started:
        front.stop()


def test_event_carries_claims_query_headers_and_body_like_api_gateway(local_stack, front_with):
    events: list[dict] = []

    def echo(event, context):
        events.append(event)
        return {"statusCode": 200, "body": json.dumps({"ok": True})}

    url = front_with(echo)
    user = local_stack.create_user("providers")
    response = requests.post(
        f"{url}/things/42?tag=a&tag=b&empty=",
        json={"name": "x"},
        headers={"Authorization": f"Bearer {user.id_token}", "X-App-Version": "1.2.3", "Cookie": "a=1; b=2"},
        timeout=30,
    )
    assert response.status_code == 200
    event = events[0]
    assert event["version"] == "2.0"
    assert event["rawPath"] == "/things/42"
    assert event["rawQueryString"] == "tag=a&tag=b&empty="
    assert event["queryStringParameters"] == {"tag": "a,b", "empty": ""}
    assert event["headers"]["x-app-version"] == "1.2.3"
    assert event["cookies"] == ["a=1", "b=2"]
    assert json.loads(event["body"]) == {"name": "x"} and event["isBase64Encoded"] is False
    http = event["requestContext"]["http"]
    assert (http["method"], http["path"]) == ("POST", "/things/42")
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["sub"] == user.sub
    assert claims["cognito:groups"] == "[providers]"  # API Gateway renders arrays as strings
    assert claims["token_use"] == "id"
    assert all(isinstance(v, str) for v in claims.values())


def test_binary_bodies_are_base64_both_ways(local_stack, front_with):
    def echo_bytes(event, context):
        raw = base64.b64decode(event["body"]) if event["isBase64Encoded"] else event["body"].encode()
        return {
            "statusCode": 201,
            "headers": {"Content-Type": "application/octet-stream"},
            "body": base64.b64encode(raw[::-1]).decode(),
            "isBase64Encoded": True,
            "cookies": ["session=abc; Secure; HttpOnly"],
        }

    url = front_with(echo_bytes)
    user = local_stack.create_user()
    response = requests.put(
        f"{url}/blob",
        data=b"\x00\x01\xff",
        timeout=30,
        headers={"Authorization": f"Bearer {user.id_token}", "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 201
    assert response.content == b"\xff\x01\x00"
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["set-cookie"] == "session=abc; Secure; HttpOnly"


def test_bare_return_values_become_200_json(local_stack, front_with):
    url = front_with(lambda event, context: {"hello": "world"})
    user = local_stack.create_user()
    response = requests.get(
        f"{url}/anything", headers={"Authorization": f"Bearer {user.id_token}"}, timeout=30
    )
    assert response.status_code == 200
    assert response.json() == {"hello": "world"}


@pytest.mark.parametrize(
    "handler",
    [lambda event, context: 1 / 0, lambda event, context: {"statusCode": "teapot"}],
    ids=["handler-raises", "invalid-status"],
)
def test_broken_handlers_give_api_gateways_500_not_a_traceback(local_stack, front_with, handler):
    url = front_with(handler)
    user = local_stack.create_user()
    response = requests.get(f"{url}/x", headers={"Authorization": f"Bearer {user.id_token}"}, timeout=30)
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}
    assert "Traceback" not in response.text


def test_health_skips_the_authorizer_and_the_handler_sees_no_claims(front_with):
    events: list[dict] = []
    url = front_with(lambda event, context: events.append(event) or {"statusCode": 200, "body": "{}"})
    assert requests.get(f"{url}/health", timeout=30).status_code == 200
    assert "authorizer" not in events[0]["requestContext"]


def test_oversized_payload_is_413_before_the_handler(local_stack, front_with):
    calls: list[dict] = []
    url = front_with(lambda event, context: calls.append(event) or {})
    user = local_stack.create_user()
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    # Only the headers: the front must refuse from Content-Length alone, without reading 10 MB.
    connection.putrequest("POST", "/big")
    connection.putheader("Authorization", f"Bearer {user.id_token}")
    connection.putheader("Content-Length", str(10 * 1024 * 1024 + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"] == "too_large"  # the API's code for 413
    connection.close()
    assert calls == []


@pytest.mark.parametrize(
    ("request_line", "headers", "status"),
    [
        (b"FOO /me HTTP/1.1", b"", 501),  # a method no route can have
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1", b"", 414),  # a URI longer than any the front reads
        (b"GET /me HTTP/1.1", b"X-Big: " + b"a" * 70_000 + b"\r\n", 431),  # a header line too long
        (b"GET /me extra HTTP/1.1", b"", 400),  # a request line with a word too many
    ],
)
def test_protocol_errors_answer_in_the_api_error_shape(front_with, request_line, headers, status):
    """The app parses every answer as JSON: the front's own refusals are JSON too, never an HTML page."""
    import socket

    calls: list[dict] = []
    url = front_with(lambda event, context: calls.append(event) or {})
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        raw.sendall(request_line + b"\r\nHost: x\r\n" + headers + b"\r\n")
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == str(status).encode(), head
    assert b"content-type: application/json" in head.lower()
    document = json.loads(body)
    assert set(document) == {"error", "message"} and document["error"] != "error"
    assert calls == []
