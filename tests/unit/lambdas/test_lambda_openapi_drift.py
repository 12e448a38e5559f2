"""The committed OpenAPI document is what the code generates (regenerate: python -m mobile_api openapi)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from backend_core.api_routes import API_ROUTES
from mobile_api.app import openapi_json

ROOT = Path(__file__).parents[3]
COMMITTED = ROOT / "lambdas" / "mobile_api" / "openapi.json"


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


def test_every_route_of_the_table_has_its_responses_described():
    from mobile_api.openapi_doc import ROUTE_RESPONSES

    assert set(ROUTE_RESPONSES) == set(API_ROUTES.keys())


def test_the_function_never_loads_the_documentation():
    """Importing the handler module and serving a request load neither the response bodies nor the route table:
    they only describe the API (a fresh interpreter, so no other test's imports count)."""
    probe = (
        "import sys; sys.path[:0] = ['lambdas']; import mobile_api.app as a; from mobile_api.settings import Settings; "
        "h = a.create_handler(Settings(region='us-east-1', table_name='t', endpoint_url='http://127.0.0.1:1')); "
        "r = h({'version': '2.0', 'routeKey': 'GET /health', 'rawPath': '/health', 'headers': {}, "
        "'requestContext': {'http': {'method': 'GET', 'path': '/health'}, 'requestId': 'r', 'stage': '$default'}}, None); "
        "print(r['statusCode'], *sorted(m for m in sys.modules if m in {'mobile_api.openapi_doc', 'backend_core.api_routes'}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["200"]
