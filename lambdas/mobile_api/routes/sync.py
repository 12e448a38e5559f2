"""Cross-device sync: versioned items per user and collection, tombstones, a delta feed by cursor."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from backend_core.dal import NotFound, VersionConflict
from backend_core.keys import SAFE_ID
from mobile_api import cursors
from mobile_api.deps import Deps, iso, now_iso
from mobile_api.errors import ApiError, error_doc, error_response, json_response
from mobile_api.identity import require_caller
from mobile_api.models import SyncConflict, SyncItem, SyncPage, SyncPut

ITEM_OVERHEAD_BYTES = 1024  # keys, version, timestamps: what an item carries besides `data`

_item = {"description": "the item", "content": {"application/json": {"model": SyncItem}}}
_conflict = {
    "description": "stale version; `current` is the server's item",
    "content": {"application/json": {"model": SyncConflict}},
}


def _conflict_response(current: dict | None):
    return error_response(
        409,
        "stale version: merge with `current` and retry with its version",
        "version_conflict",
        current=current,
    )


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    max_data = deps.settings.max_body_bytes - ITEM_OVERHEAD_BYTES

    @app.put(
        "/sync/<collection>/<id>",
        summary="Create or update a synced item (optimistic version)",
        responses={200: _item, 409: _conflict, **error_doc(400, 401, 413, 422)},
    )
    def put_item(
        collection: Annotated[str, Path(pattern=SAFE_ID)],
        id: Annotated[str, Path(pattern=SAFE_ID)],
        body: SyncPut,
    ):
        caller = require_caller(app.current_event.raw_event)
        if len(json.dumps(body.data, separators=(",", ":"))) > max_data:
            raise ApiError(413, f"item data exceeds {max_data} bytes")
        try:
            item = deps.store.put_sync_item(
                caller.user_id, collection, id, body.data, body.version, now_iso()
            )
        except VersionConflict as exc:
            return _conflict_response(exc.current)
        return json_response(200, item)

    @app.delete(
        "/sync/<collection>/<id>",
        summary="Delete a synced item (leaves a tombstone)",
        responses={200: _item, 409: _conflict, **error_doc(401, 404, 422)},
    )
    def delete_item(
        collection: Annotated[str, Path(pattern=SAFE_ID)],
        id: Annotated[str, Path(pattern=SAFE_ID)],
        version: Annotated[int | None, Query(ge=1, description="Version the device last saw.")] = None,
    ):
        caller = require_caller(app.current_event.raw_event)
        try:
            item = deps.store.delete_sync_item(caller.user_id, collection, id, version, now_iso())
        except NotFound:
            raise ApiError(404, f"no item {collection}/{id}") from None
        except VersionConflict as exc:
            return _conflict_response(exc.current)
        return json_response(200, item)

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
            str | None, Query(max_length=200, description="`next` from the previous page.")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ):
        caller = require_caller(app.current_event.raw_event)
        after = cursors.sync_seq(since)
        settle = deps.settings.effective_sync_settle_seconds
        settled_before = iso(datetime.now(UTC) - timedelta(seconds=settle)) if settle else None
        items, has_more = deps.store.sync_changes(caller.user_id, after, limit, settled_before)
        last = items[-1]["seq"] if items else after
        return json_response(
            200, {"items": items, "next": cursors.sync_cursor(last) if last else None, "has_more": has_more}
        )
