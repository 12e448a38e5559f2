"""GET /health, GET/PUT /me: HTTP only; the rules are in `mobile_api.services.profile`."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from backend_core.profile_store import ProfileChanges
from mobile_api import views
from mobile_api.deps import Deps
from mobile_api.errors import json_response
from mobile_api.identity import require_caller
from mobile_api.models import ProfileUpdate
from mobile_api.services import profile as rules


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.get(
        "/health",
        summary="Liveness of this region",
    )
    def health():
        return json_response(200, {"status": "ok", "region": deps.settings.region})

    @app.get(
        "/me",
        summary="Own profile (created on first call)",
    )
    def get_me():
        caller = require_caller(app.current_event.raw_event)
        found = rules.own_profile(deps.profiles, deps.claims_synced, caller, deps.clock)
        return json_response(200, views.profile(caller, found))

    @app.put(
        "/me",
        summary="Update own profile",
    )
    def put_me(update: ProfileUpdate):
        caller = require_caller(app.current_event.raw_event)
        changes = ProfileChanges(display_name=update.display_name, locale=update.locale)
        updated = rules.update_own_profile(deps.profiles, deps.claims_synced, caller, changes, deps.clock)
        return json_response(200, views.profile(caller, updated))
