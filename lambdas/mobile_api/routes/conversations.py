"""POST /conversations/{peer_id}/messages, GET /conversations, GET /conversations/{peer_id}/messages,
POST /conversations/{peer_id}/read: HTTP only; the rules are in `mobile_api.services.conversations`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from backend_core.item_keys import SAFE_ID
from mobile_api import cursors, views
from mobile_api.deps import Deps
from mobile_api.errors import json_response
from mobile_api.identity import require_caller
from mobile_api.models import (
    MessageRequest,
    ReadRequest,
)
from mobile_api.services import conversations as rules
from mobile_api.services.media import Restoring


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.post(
        "/conversations/<peer_id>/messages",
        summary="Send a message to a connected consumer or provider",
    )
    def send_message(
        peer_id: Annotated[str, Path(pattern=SAFE_ID)],
        body: MessageRequest,
        idempotency_key: Annotated[
            str | None, Header(alias="idempotency-key", pattern=SAFE_ID, description="Makes retries safe.")
        ] = None,
    ):
        caller = require_caller(app.current_event.raw_event)
        sent = rules.send(
            deps.conversations,
            deps.subscriptions,
            deps.media,
            caller,
            peer_id,
            rules.Draft(text=body.text, media_id=body.media_id),
            idempotency_key,
            deps.clock,
        )
        headers = {"Idempotent-Replayed": "true"} if sent.replayed else None
        return json_response(201, views.message(sent.message), headers)

    @app.get(
        "/conversations",
        summary="Own conversations, most recent first, with unread counts",
    )
    def list_conversations(
        cursor: Annotated[str | None, Query(max_length=400)] = None,
        limit: Annotated[int, Query(ge=1, le=50)] = 20,
    ):
        caller = require_caller(app.current_event.raw_event)
        page = rules.conversation_list(
            deps.conversations, caller, limit, cursors.conversation_position(cursor)
        )
        return json_response(
            200,
            {
                "items": [views.conversation(c) for c in page.conversations],
                "next": cursors.conversation_cursor(page.next_position),
            },
        )

    @app.get(
        "/conversations/<peer_id>/messages",
        summary="A conversation's messages, newest first",
    )
    def list_messages(
        peer_id: Annotated[str, Path(pattern=SAFE_ID)],
        cursor: Annotated[str | None, Query(max_length=400)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
    ):
        caller = require_caller(app.current_event.raw_event)
        page = rules.history(
            deps.conversations, deps.subscriptions, caller, peer_id, limit, cursors.message_position(cursor)
        )
        return json_response(
            200,
            {
                "items": [views.message(m) for m in page.messages],
                "next": cursors.message_cursor(page.next_position),
            },
        )

    @app.post(
        "/conversations/<peer_id>/read",
        summary="Read receipt: the conversation is read up to a message",
    )
    def mark_read(peer_id: Annotated[str, Path(pattern=SAFE_ID)], body: ReadRequest):
        caller = require_caller(app.current_event.raw_event)
        state = rules.mark_read(
            deps.conversations, deps.subscriptions, caller, peer_id, body.up_to, deps.clock
        )
        return json_response(200, views.read_state(state))

    @app.get(
        "/conversations/<peer_id>/messages/<message_id>/media",
        summary="Download URL of the media a message of the conversation carries",
    )
    def message_media(
        peer_id: Annotated[str, Path(pattern=SAFE_ID)], message_id: Annotated[str, Path(pattern=SAFE_ID)]
    ):
        caller = require_caller(app.current_event.raw_event)
        found = rules.message_media(
            deps.conversations, deps.subscriptions, deps.media_access, caller, peer_id, message_id, deps.clock
        )
        if isinstance(found, Restoring):
            return json_response(
                202, views.media_restoring(found), headers={"Retry-After": str(found.retry_after)}
            )
        return json_response(200, views.media_link(found))
