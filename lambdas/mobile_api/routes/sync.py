"""PUT/DELETE /sync/{collection}/{id}, GET /sync: HTTP only; the rules are in `mobile_api.services.sync`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from backend_core.item_keys import SAFE_ID
from mobile_api import cursors, views
from mobile_api.deps import Deps
from mobile_api.errors import error_doc, json_response
from mobile_api.identity import require_caller
from mobile_api.models import MAX_VERSION, SyncConflict, SyncPage, SyncPut
from mobile_api.models import SyncItem as SyncItemBody
from mobile_api.services import sync as rules

_item = {"description": "the item", "content": {"application/json": {"model": SyncItemBody}}}
_conflict = {
    "description": "stale version; `current` is the server's item",
    "content": {"application/json": {"model": SyncConflict}},
}


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.put(
        "/sync/<collection>/<id>",
        summary="Create or update a synced item (optimistic version)",
        responses={200: _item, 409: _conflict, **error_doc(400, 401, 410, 413, 422, 503)},
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
        responses={200: _item, 409: _conflict, **error_doc(401, 404, 410, 422, 503)},
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
        responses={
            200: {"description": "a page of changes", "content": {"application/json": {"model": SyncPage}}},
            **error_doc(400, 401, 422),
        },
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
