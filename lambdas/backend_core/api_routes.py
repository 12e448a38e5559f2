"""The API's route table: every route the mobile API serves and whether it is public (no Cognito JWT).

One definition, read by Terraform's API module (one `aws_apigatewayv2_route` per entry, through
`terraform/contracts/api_routes.json`), by the local stack's API front (which paths pass without a token) and
by the OpenAPI document (which routes carry no security requirement). The function's resolver registers its
routes in lambdas/mobile_api/routes/*.py; a test fails when they and this table differ
(tests/unit/contracts/test_api_routes.py), since a route served by the code but not declared here is a 404 at
API Gateway, and a route declared but not served is a 404 from the function.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Method = Literal["GET", "PUT", "POST", "DELETE"]


class ApiRoute(BaseModel):
    model_config = ConfigDict(frozen=True)
    method: Method
    path: str = Field(
        pattern=r"^/[A-Za-z0-9_/{}-]*$", description="API Gateway path template: /sync/{collection}/{id}."
    )
    public: bool = Field(False, description="True: no authorizer (the health check Route 53 calls).")

    @property
    def key(self) -> str:
        """API Gateway's route key: 'GET /media/{id}'."""
        return f"{self.method} {self.path}"

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\{[^/}]+\}", "[^/]+", self.path) + "$")

    def matches_path(self, path: str) -> bool:
        """Whether a request path ('/media/abc') falls under this route's template."""
        return self._pattern.match(path) is not None


class RouteTable(BaseModel):
    model_config = ConfigDict(frozen=True)
    routes: tuple[ApiRoute, ...]

    def keys(self, *, public: bool | None = None) -> list[str]:
        """Route keys in table order; public=True/False keeps only the public/private ones."""
        return [r.key for r in self.routes if public is None or r.public is public]

    def is_public_path(self, path: str) -> bool:
        """Whether a request path is served by a public route (the local front lets it pass without a token)."""
        return any(r.public and r.matches_path(path) for r in self.routes)

    def terraform(self) -> dict[str, list[str]]:
        """The export: route keys split by authorization (modules/api `routes`)."""
        return {"public": self.keys(public=True), "private": self.keys(public=False)}


# The routes of docs/architecture.md. Only the health check is public; every other route needs a Cognito JWT.
API_ROUTES = RouteTable(
    routes=(
        ApiRoute(method="GET", path="/health", public=True),
        ApiRoute(method="GET", path="/me"),
        ApiRoute(method="PUT", path="/me"),
        ApiRoute(method="POST", path="/devices"),
        ApiRoute(method="DELETE", path="/devices/{id}"),
        ApiRoute(method="PUT", path="/sync/{collection}/{id}"),
        ApiRoute(method="DELETE", path="/sync/{collection}/{id}"),
        ApiRoute(method="GET", path="/sync"),
        ApiRoute(method="POST", path="/media/uploads"),
        ApiRoute(method="GET", path="/media/{id}"),
        ApiRoute(method="POST", path="/providers/{id}/subscribe"),
        ApiRoute(method="DELETE", path="/providers/{id}/subscribe"),
        ApiRoute(method="GET", path="/subscriptions"),
        ApiRoute(method="POST", path="/notifications"),
        ApiRoute(method="GET", path="/notifications"),
        ApiRoute(method="POST", path="/me/provider-application"),
        ApiRoute(method="DELETE", path="/me"),
        # Conversations (issue 14)
        ApiRoute(method="POST", path="/conversations/{peer_id}/messages"),
        ApiRoute(method="GET", path="/conversations"),
        ApiRoute(method="GET", path="/conversations/{peer_id}/messages"),
        ApiRoute(method="POST", path="/conversations/{peer_id}/read"),
        ApiRoute(method="GET", path="/conversations/{peer_id}/messages/{message_id}/media"),
    )
)


def route_drift(served: set[str], table: RouteTable = API_ROUTES) -> list[str]:
    """What differs between the route keys a resolver serves and the table, one line each ('served but not
    declared: GET /x', 'declared but not served: ...'); empty when they agree."""
    declared = set(table.keys())
    return [f"served but not declared: {k}" for k in sorted(served - declared)] + [
        f"declared but not served: {k}" for k in sorted(declared - served)
    ]
