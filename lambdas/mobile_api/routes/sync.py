"""PUT/DELETE /sync/{collection}/{id}, GET /sync: HTTP only; the rules are in `mobile_api.services.sync`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from backend_core.item_keys import SAFE_ID
from mobile_api import cursors, views
from mobile_api.deps import Deps
from mobile_api.errors import json_response
from mobile_api.identity import require_caller
from mobile_api.models import MAX_VERSION, SyncPut
from mobile_api.services import sync as rules


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.put(
        "/sync/<collection>/<id>",
        summary="Create or update a synced item (optimistic version)",
    )
    def put_item(
        collection: Annotated[str, Path(pattern=SAFE_ID)],
        id: Annotated[str, Path(pattern=SAFE_ID)],
        body: SyncPut,
    ):
        caller = require_caller(app.current_event.raw_event)
        item = rules.put_item(
            deps.sync, caller.user_id, collection, id, body.data, body.version, deps.clock, deps.erasures
        )
        return json_response(200, views.sync_item(item))

    @app.delete(
        "/sync/<collection>/<id>",
        summary="Delete a synced item (leaves a tombstone)",
    )
    def delete_item(
        collection: Annotated[str, Path(pattern=SAFE_ID)],
        id: Annotated[str, Path(pattern=SAFE_ID)],
        version: Annotated[
            int | None, Query(ge=1, le=MAX_VERSION, description="Version the device last saw.")
        ] = None,
    ):
        caller = require_caller(app.current_event.raw_event)
        item = rules.delete_item(
            deps.sync, caller.user_id, collection, id, version, deps.clock, deps.erasures
        )
        return json_response(200, views.sync_item(item))

    @app.get(
        "/sync",
        summary="Changes since a cursor, oldest first, tombstones included",
    )
    def changes(
        since: Annotated[
            str | None, Query(max_length=400, description="`next` from the previous page.")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ):
        caller = require_caller(app.current_event.raw_event)
        positions = cursors.sync_positions(since, deps.sync.regions)
        page = rules.changes(deps.sync, caller.user_id, positions, limit)
        return json_response(
            200,
            {
                "items": [views.sync_change(c) for c in page.changes],
                "next": cursors.sync_cursor(page.cursor) or since,
                "has_more": page.has_more,
            },
        )
