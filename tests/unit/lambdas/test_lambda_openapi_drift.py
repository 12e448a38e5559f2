"""The committed OpenAPI document is what the code generates (regenerate: python -m mobile_api openapi)."""

from __future__ import annotations

import json
from pathlib import Path

from mobile_api.app import openapi_json

COMMITTED = Path(__file__).parents[3] / "lambdas" / "mobile_api" / "openapi.json"
ARCHITECTURE_ROUTES = {
    ("get", "/health"),
    ("get", "/me"),
    ("put", "/me"),
    ("post", "/devices"),
    ("delete", "/devices/{id}"),
    ("put", "/sync/{collection}/{id}"),
    ("delete", "/sync/{collection}/{id}"),
    ("get", "/sync"),
    ("post", "/media/uploads"),
    ("get", "/media/{id}"),
    ("post", "/providers/{id}/subscribe"),
    ("post", "/notifications"),
    ("get", "/notifications"),
}


def test_committed_openapi_matches_the_code():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_json(), (
        "lambdas/mobile_api/openapi.json is stale: run `PYTHONPATH=lambdas .venv/bin/python -m mobile_api openapi`"
    )


def test_openapi_has_exactly_the_architecture_routes():
    paths = json.loads(openapi_json())["paths"]
    assert {(m, p) for p, ops in paths.items() for m in ops} == ARCHITECTURE_ROUTES
