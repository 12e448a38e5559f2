"""The committed OpenAPI document is what the code generates (regenerate: python -m mobile_api openapi)."""

from __future__ import annotations

import json
from pathlib import Path

from backend_core.api_routes import API_ROUTES
from mobile_api.app import openapi_json

COMMITTED = Path(__file__).parents[3] / "lambdas" / "mobile_api" / "openapi.json"


def is_stale(committed: Path) -> bool:
    """The document at `committed` differs from what the code generates."""
    return committed.read_text(encoding="utf-8") != openapi_json()


def test_committed_openapi_matches_the_code():
    assert not is_stale(COMMITTED), (
        "lambdas/mobile_api/openapi.json is stale: run `PYTHONPATH=lambdas .venv/bin/python -m mobile_api openapi`"
    )


def test_a_hand_edited_copy_is_stale(tmp_path: Path):
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    document["paths"]["/me"]["get"]["summary"] = "edited by hand"
    edited = tmp_path / "openapi.json"
    edited.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    assert is_stale(edited)


def test_openapi_has_exactly_the_route_table():
    paths = json.loads(openapi_json())["paths"]
    assert {f"{m.upper()} {p}" for p, ops in paths.items() for m in ops} == set(API_ROUTES.keys())
