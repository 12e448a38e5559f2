"""The API's Powertools resolver, holding the event it resolves on itself rather than on the class.

Powertools keeps the event being resolved on `BaseRouter` (a class attribute: `BaseRouter.current_event =
...` in `resolve`), so every resolver of a process shares it. Lambda runs one request at a time per execution
environment (one process), so that is safe in AWS. The local stack runs several execution environments of
a function as threads of one process (ops/local/api_front.py): there, a request could read the event of
another request in flight, and act as its caller (the CI flake where the drill's provider got "this route is
for providers": the probe's consumer event had replaced the provider's). Each environment builds its own
resolver and runs one request at a time, so the resolver's own attribute is enough.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.api_gateway import Route
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent


def registered_routes(app: APIGatewayHttpResolver) -> list[Route]:
    """The resolver's own route table, in its match order (static routes first, then dynamic ones)."""
    return app._static_routes + app._dynamic_routes


def route_key(route: Route) -> str:
    """The route as API Gateway's `routeKey` and `backend_core.api_routes` spell it: "PUT /sync/{collection}/{id}"
    (Powertools writes path parameters as `<collection>`)."""
    return f"{route.method} {route.path.replace('<', '{').replace('>', '}')}"


class EnvironmentResolver(APIGatewayHttpResolver):
    """`APIGatewayHttpResolver` whose `current_event` belongs to the instance (one per execution
    environment)."""

    _own_event: BaseProxyEvent | None = None

    @property  # type: ignore[override]
    def current_event(self) -> BaseProxyEvent:
        if self._own_event is None:
            raise RuntimeError("no event is being resolved")
        return self._own_event

    @current_event.setter
    def current_event(self, value: BaseProxyEvent) -> None:
        self._own_event = value

    def resolve(self, event: Any, context: Any) -> dict[str, Any]:
        """As Powertools' `resolve`, with this resolver's own copy of the event (Powertools still sets the
        shared class attribute, which this instance no longer reads)."""
        raw = event.raw_event if isinstance(event, BaseProxyEvent) else event
        self._own_event = self._to_proxy_event(raw)
        try:
            return super().resolve(event, context)
        finally:
            self._own_event = None
