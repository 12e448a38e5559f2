"""The route table (lambdas/backend_core/api_routes.py) is the one list of routes: the function's resolver
serves exactly it, the OpenAPI document marks exactly its public routes, the local front lets exactly those
pass without a token, and Terraform declares it (terraform/contracts/api_routes.json, kept by
test_contract_exports.py). Each check is shown to fail on a hand-made difference."""

from __future__ import annotations

import json

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from backend_core.api_routes import API_ROUTES, ApiRoute, RouteTable, route_drift
from mobile_api.app import build_app, openapi_json
from mobile_api.resolver import registered_routes, route_key
from mobile_api.settings import Settings
from ops import contracts


def served_route_keys(app: APIGatewayHttpResolver) -> set[str]:
    """'METHOD /path/{param}' of every route the resolver registered (its own route table)."""
    return {route_key(route) for route in registered_routes(app)}


def _app() -> APIGatewayHttpResolver:
    return build_app(Settings(region="us-east-1", table_name="t", endpoint_url="http://127.0.0.1:1"))


def test_the_function_serves_exactly_the_route_table() -> None:
    assert route_drift(served_route_keys(_app())) == []


def test_a_route_added_to_the_code_only_is_reported() -> None:
    app = _app()

    @app.get("/undeclared")
    def undeclared() -> dict:
        return {}

    assert route_drift(served_route_keys(app)) == ["served but not declared: GET /undeclared"]


def test_a_route_declared_only_is_reported() -> None:
    table = RouteTable(routes=(*API_ROUTES.routes, ApiRoute(method="POST", path="/ghost")))
    assert route_drift(served_route_keys(_app()), table) == ["declared but not served: POST /ghost"]


def test_openapi_leaves_exactly_the_public_routes_without_security() -> None:
    paths = json.loads(openapi_json())["paths"]
    open_routes = {
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        if operation.get("security") == []
    }
    assert open_routes == set(API_ROUTES.keys(public=True)) == {"GET /health"}


def test_the_local_front_lets_only_public_paths_pass() -> None:
    assert API_ROUTES.is_public_path("/health")
    assert not any(API_ROUTES.is_public_path(path) for path in ("/me", "/media/x", "/healthz", "/health/x"))


def test_terraform_reads_the_table_split_by_authorization() -> None:
    exported = json.loads(contracts.rendered_contracts()["api_routes.json"])
    assert exported == {"public": API_ROUTES.keys(public=True), "private": API_ROUTES.keys(public=False)}
    assert len(exported["public"]) + len(exported["private"]) == len(API_ROUTES.routes)


def test_a_hand_edited_route_export_is_drift(tmp_path) -> None:
    contracts.export(tmp_path)
    doc = json.loads((tmp_path / "api_routes.json").read_text())
    doc["private"].append("GET /added-by-hand")
    (tmp_path / "api_routes.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    assert contracts.drifted(tmp_path) == ["api_routes.json"]
