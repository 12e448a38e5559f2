"""GET/PUT /me: the caller's own profile, created on first use from the token's claims."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from mobile_api.deps import Deps, now_iso
from mobile_api.errors import error_doc, json_response
from mobile_api.identity import Caller, require_caller
from mobile_api.models import Health, Profile, ProfileUpdate


def _public(caller: Caller, item: dict[str, Any]) -> dict[str, Any]:
    # Role and groups come from the token every time: Cognito is their source of truth.
    return Profile(
        user_id=caller.user_id,
        email=item.get("email"),
        display_name=item.get("display_name"),
        role=caller.role,
        groups=list(caller.groups),
        created_at=item["created_at"],
        updated_at=item["updated_at"],
    ).model_dump()


def _defaults(caller: Caller) -> dict[str, Any]:
    now = now_iso()
    return {
        "email": caller.email,
        "display_name": caller.name,
        "role": caller.role,
        "created_at": now,
        "updated_at": now,
    }


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
        item = deps.store.get_or_create_profile(caller.user_id, _defaults(caller))
        return json_response(200, _public(caller, item))

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
        changes = update.model_dump(exclude_none=True)
        item = deps.store.update_profile(caller.user_id, changes, now_iso())
        if item is None:  # first call ever: create from claims, then apply
            deps.store.get_or_create_profile(caller.user_id, _defaults(caller))
            item = deps.store.update_profile(caller.user_id, changes, now_iso())
        return json_response(200, _public(caller, item or {}))
