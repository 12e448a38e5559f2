"""The local fronts answer a browser's preflight with the local env's origins (as API Gateway does with the
blueprint's cors_configuration), and log one request line per answer, shown by `ops local logs`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ops.local import cors
from ops.local.config import StackConfig

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
OPS = str(Path(sys.executable).parent / "ops")
LOCAL_ORIGINS = StackConfig().cors_allowed_origins


def preflight(stack, origin: str, path: str = "/me") -> requests.Response:
    return requests.options(
        f"{stack.urls['primary']}{path}",
        headers={"Origin": origin, "Access-Control-Request-Method": "PUT",
                 "Access-Control-Request-Headers": "authorization,content-type"},
        timeout=10,
    )  # fmt: skip


@pytest.mark.parametrize("origin", LOCAL_ORIGINS)
def test_preflight_from_an_allowed_origin_is_answered_without_a_token(local_stack, origin):
    reply = preflight(local_stack, origin)
    assert reply.status_code == 204
    assert reply.headers["access-control-allow-origin"] == origin
    assert set(reply.headers["access-control-allow-methods"].split(",")) >= {"GET", "PUT", "POST", "DELETE"}
    assert set(reply.headers["access-control-allow-headers"].split(",")) == {"authorization", "content-type"}
    assert reply.headers["access-control-max-age"] == str(cors.MAX_AGE_SECONDS)


def test_preflight_from_another_origin_gets_no_cors_headers(local_stack):
    reply = preflight(local_stack, "https://evil.example.net")
    assert reply.status_code == 204
    assert not [name for name in reply.headers if name.lower().startswith("access-control-")]


def test_answers_to_an_allowed_origin_carry_allow_origin(local_stack):
    user = local_stack.create_user("consumers")
    allowed = local_stack.request("GET", "/me", user=user, headers={"Origin": LOCAL_ORIGINS[0]})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == LOCAL_ORIGINS[0]
    other = local_stack.request("GET", "/me", user=user, headers={"Origin": "https://evil.example.net"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
    # A preflight is not a way around the authorizer: the real request still needs the token.
    assert local_stack.request("GET", "/me", headers={"Origin": LOCAL_ORIGINS[0]}).status_code == 401


def test_module_and_local_fronts_allow_the_same_methods_and_headers():
    text = (REPO / "terraform/modules/api/http_api.tf").read_text()
    block = re.search(r"cors_configuration.*?content \{(.*?)\n    \}", text, re.S)[1]
    listed = {name: re.findall(r'"([^"]+)"', re.search(rf"{name}\s*=\s*\[([^\]]*)\]", block)[1])
              for name in ("allow_methods", "allow_headers")}  # fmt: skip
    assert tuple(listed["allow_methods"]) == cors.ALLOW_METHODS
    assert tuple(listed["allow_headers"]) == cors.ALLOW_HEADERS
    assert re.search(r"max_age\s*=\s*(\d+)", block)[1] == str(cors.MAX_AGE_SECONDS)


def test_each_request_is_one_log_line_shown_by_ops_local_logs(local_stack):
    user = local_stack.create_user("consumers")
    reply = local_stack.request("PUT", "/sync/notes/logged-item", user=user, json={"data": {"n": 1}})
    assert reply.status_code == 200
    request_id = reply.headers["apigw-requestid"]
    line = local_stack.wait_for(
        lambda: next((ln for ln in _log_lines(local_stack) if request_id in ln), None),
        what="the request's log line",
    )
    assert re.search(
        rf"request primary PUT /sync/\{{collection\}}/\{{id\}} 200 \d+\.\dms {request_id}$", line
    )
    shown = subprocess.run(
        [OPS, "local", "logs", "--requests", "--lines", "200"],
        env={**os.environ, "MBT_LOCAL_STATE_DIR": str(local_stack.state_dir)},
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout.splitlines()  # fmt: skip
    assert any(request_id in ln for ln in shown)
    assert all(" request " in ln for ln in shown)


def _log_lines(stack) -> list[str]:
    return (Path(stack.state_dir) / "logs" / "stack.log").read_text(errors="replace").splitlines()
