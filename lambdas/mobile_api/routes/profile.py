"""GET/PUT /me: the caller's own profile, created on first use from the token's claims."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from mobile_api.deps import Deps, now_iso
from mobile_api.errors import error_doc, json_response
from mobile_api.identity import Caller, require_caller
from mobile_api.models import Health, Profile, ProfileUpdate


def _public(caller: Caller, item: dict[str, Any]) -> dict[str, Any]:
    # Role and groups come from the token every time: Cognito is their source of truth (the profile keeps a
    # copy, refreshed by every newer token, for the routes that ask about another user's role).
    return Profile(
        user_id=caller.user_id,
        email=item.get("email"),
        display_name=item.get("display_name"),
        role=caller.role,
        groups=list(caller.groups),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
    ).model_dump()


def sync_claims(deps: Deps, caller: Caller) -> None:
    """Keep the profile's copy of the token's claims (role, email) current: once per token per handler."""
    key = (caller.user_id, caller.issued_at)
    if key in deps.claims_synced:
        return
    deps.store.sync_profile_claims(
        caller.user_id, caller.role, caller.email, caller.name, caller.issued_at, now_iso()
    )
    deps.claims_synced[key] = None
    while len(deps.claims_synced) > CLAIMS_SYNCED_MAX:
        deps.claims_synced.pop(next(iter(deps.claims_synced)))  # insertion order: the oldest first


CLAIMS_SYNCED_MAX = 10_000


def _profile(deps: Deps, caller: Caller) -> dict[str, Any]:
    item = deps.store.get_profile(caller.user_id, consistent=True)
    if item is None:  # removed since this container synced the token: create it again
        deps.claims_synced.pop((caller.user_id, caller.issued_at), None)
        sync_claims(deps, caller)
        item = deps.store.get_profile(caller.user_id, consistent=True) or {}
    return item


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.get(
        "/health",
        summary="Liveness of this region",
        responses={200: {"description": "ok", "content": {"application/json": {"model": Health}}}},
    )
    def health():
        return json_response(200, {"status": "ok", "region": deps.settings.region})

    @app.get(
        "/me",
        summary="Own profile (created on first call)",
        responses={
            200: {"description": "profile", "content": {"application/json": {"model": Profile}}},
            **error_doc(401),
        },
    )
    def get_me():
        caller = require_caller(app.current_event.raw_event)
        return json_response(200, _public(caller, _profile(deps, caller)))

    @app.put(
        "/me",
        summary="Update own profile",
        responses={
            200: {"description": "profile", "content": {"application/json": {"model": Profile}}},
            **error_doc(400, 401, 422),
        },
    )
    def put_me(update: ProfileUpdate):
        caller = require_caller(app.current_event.raw_event)
        _profile(deps, caller)
        changes = update.model_dump(exclude_none=True)
        item = deps.store.update_profile(caller.user_id, changes, now_iso())
        return json_response(200, _public(caller, item or {}))
