"""The committed OpenAPI document is what the code generates (regenerate: python -m mobile_api openapi)."""

from __future__ import annotations

import json
from pathlib import Path

from backend_core.api_routes import API_ROUTES
from mobile_api.app import openapi_json

COMMITTED = Path(__file__).parents[3] / "lambdas" / "mobile_api" / "openapi.json"


def test_committed_openapi_matches_the_code():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_json(), (
        "lambdas/mobile_api/openapi.json is stale: run `PYTHONPATH=lambdas .venv/bin/python -m mobile_api openapi`"
    )


def test_openapi_has_exactly_the_route_table():
    paths = json.loads(openapi_json())["paths"]
    assert {f"{m.upper()} {p}" for p, ops in paths.items() for m in ops} == set(API_ROUTES.keys())
