"""DELETE /me: HTTP only; the rules are in `mobile_api.services.account`."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from mobile_api.deps import Deps
from mobile_api.errors import json_response
from mobile_api.identity import claims_of, require_caller
from mobile_api.services import account as rules


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.delete(
        "/me",
        summary="Delete the account and everything the user owns, in both regions (completed asynchronously)",
    )
    def delete_me():
        event = app.current_event.raw_event
        caller = require_caller(event)
        erasure, _ = rules.delete_account(deps.erasures, caller, claims_of(event).get("iss"), deps.clock)
        return json_response(202, {"status": "deleting", "requested_at": erasure.requested_at})
