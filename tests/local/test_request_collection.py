"""The request collection of docs/app-developers.md (docs/requests/*.http) runs green against the local
stack: every route, with ID tokens from a real sign-in (USER_SRP_AUTH, as the app client allows)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ops.local.http_collection import collection, file_variables, run
from tests.cli_in_process import ops

pytestmark = pytest.mark.integration
OPENAPI = Path(__file__).resolve().parents[2] / "lambdas" / "mobile_api" / "openapi.json"
# Every route of the API, from the committed OpenAPI document (itself drift-tested against the code); path
# parameters compared by position, not name (`{peer_id}` is a `{{...}}` variable like `{id}`).
ROUTES = {
    (m.upper(), re.sub(r"\{[^/}]+\}", "{id}", p))
    for p, ops in json.loads(OPENAPI.read_text())["paths"].items()
    for m in ops
}


def test_collection_covers_every_route():
    covered = {(r.method, _route_of(r.url)) for r in collection()}
    assert set(ROUTES) <= covered, f"routes without a request: {sorted(set(ROUTES) - covered)}"


def _route_of(url: str) -> str:
    path = url.replace("{{base}}", "").split("?", 1)[0]
    path = path.replace("{{provider_sub}}", "{id}").replace("first-note", "{id}")
    path = path.replace("/sync/notes/", "/sync/{id}/")
    return "/" + "/".join("{id}" if part.startswith("{{") else part for part in path.strip("/").split("/"))


def test_every_request_answers_as_documented(local_stack_clean):
    stack = local_stack_clean
    consumer = stack.create_user("consumers")
    provider = stack.create_user("providers")
    variables = {
        "base": stack.urls["primary"],
        "consumer_token": consumer.id_token,
        "provider_token": provider.id_token,
        "provider_sub": provider.sub,
    }
    outcomes = run(collection(), variables)
    failed = [
        f"{o.request.file}: {o.request.title}: {o.status} (expected {o.expected}) {o.body}"
        for o in outcomes
        if not o.ok
    ]
    assert failed == []
    assert len(outcomes) == len(collection())


def test_the_collection_runs_with_what_seed_prints(local_stack_clean, capsys, monkeypatch):
    """The docs say: paste what `ops local seed` prints at the top of a .http file. Those lines, and
    nothing else, run the whole collection."""
    monkeypatch.setenv("MBT_LOCAL_STATE_DIR", str(local_stack_clean.state_dir))
    code, out, err = ops(capsys, "local", "seed")
    assert code == 0, err
    variables = file_variables(out)
    assert set(variables) == {"base", "consumer_token", "provider_token", "provider_sub"}
    assert variables["base"] == local_stack_clean.urls["primary"]
    failed = [f"{o.request.title}: {o.status} {o.body}" for o in run(collection(), variables) if not o.ok]
    assert failed == []


def test_token_prints_a_working_id_token_of_a_demo_user(local_stack_clean, capsys, monkeypatch):
    monkeypatch.setenv("MBT_LOCAL_STATE_DIR", str(local_stack_clean.state_dir))
    code, out, err = ops(capsys, "local", "token", "--user", "provider")
    assert code == 0, err
    assert "provider@example.com: new password " in err
    token = out.strip()
    assert out == token + "\n"  # the token alone, for $(ops local token ...)
    me = local_stack_clean.request("GET", "/me", token=token)
    assert me.status_code == 200 and me.json()["role"] == "provider"


def test_token_for_an_unknown_user_is_one_line(local_stack, capsys, monkeypatch):
    monkeypatch.setenv("MBT_LOCAL_STATE_DIR", str(local_stack.state_dir))
    code, out, err = ops(capsys, "local", "token", "--user", "admin")
    assert code == 2 and out == ""
    assert err.strip() == "error: --user must be one of consumer, provider (the demo users), not 'admin'"
