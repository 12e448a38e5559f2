"""The request collection of docs/app-developers.md (docs/requests/*.http) runs green against the local
stack: every route, with ID tokens from a real sign-in (USER_SRP_AUTH, as the app client allows)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops.local.http_collection import collection, run

pytestmark = pytest.mark.integration
OPENAPI = Path(__file__).resolve().parents[2] / "lambdas" / "mobile_api" / "openapi.json"
# Every route of the API, from the committed OpenAPI document (itself drift-tested against the code).
ROUTES = {(m.upper(), p) for p, ops in json.loads(OPENAPI.read_text())["paths"].items() for m in ops}


def test_collection_covers_every_route():
    covered = {(r.method, _route_of(r.url)) for r in collection()}
    assert set(ROUTES) <= covered, f"routes without a request: {sorted(set(ROUTES) - covered)}"


def _route_of(url: str) -> str:
    path = url.replace("{{base}}", "").split("?", 1)[0]
    path = path.replace("{{provider_sub}}", "{id}").replace("first-note", "{id}")
    path = path.replace("/sync/notes/", "/sync/{collection}/")
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
    # A provider exists once it has a profile (GET /me creates it), as the app does after sign-in.
    assert stack.request("GET", "/me", user=provider).status_code == 200
    outcomes = run(collection(), variables)
    failed = [
        f"{o.request.file}: {o.request.title}: {o.status} (expected {o.expected}) {o.body}"
        for o in outcomes
        if not o.ok
    ]
    assert failed == []
    assert len(outcomes) == len(collection())
