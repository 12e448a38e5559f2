"""Cross-device sync: versioned items per user and collection, tombstones, a delta feed by cursor.

Both regions take writes; backend_core.sync_store says how versions, conflicts and the feed hold across
them (and backend_core/README.md writes the guarantees down).
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from backend_core.keys import SAFE_ID
from backend_core.sync_store import ConcurrentWriters, ItemTooLarge, NotFound, SyncItem, VersionConflict
from mobile_api import cursors
from mobile_api.deps import Deps, now_iso
from mobile_api.errors import ApiError, error_doc, error_response, json_response
from mobile_api.identity import require_caller
from mobile_api.models import MAX_VERSION, SyncConflict, SyncPage, SyncPut
from mobile_api.models import SyncItem as SyncItemBody

_item = {"description": "the item", "content": {"application/json": {"model": SyncItemBody}}}
_conflict = {
    "description": "stale version; `current` is the server's item",
    "content": {"application/json": {"model": SyncConflict}},
}


def item_json(item: SyncItem, seq: int | None = None, origin: str | None = None) -> dict[str, Any]:
    """The API's shape of a synced item; `seq`/`origin` name its position in the feed."""
    return {
        "collection": item.collection,
        "id": item.item_id,
        "data": item.data,
        "version": item.version,
        "updated_at": item.updated_at,
        "deleted": item.deleted,
        "seq": item.seq if seq is None else seq,
        "origin": item.origin if origin is None else origin,
    }


def _conflict_response(current: SyncItem | None):
    return error_response(
        409,
        "stale version: merge with `current` and retry with its version",
        "version_conflict",
        current=item_json(current) if current else None,
    )


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.put(
        "/sync/<collection>/<id>",
        summary="Create or update a synced item (optimistic version)",
        responses={200: _item, 409: _conflict, **error_doc(400, 401, 413, 422, 503)},
    )
    def put_item(
        collection: Annotated[str, Path(pattern=SAFE_ID)],
        id: Annotated[str, Path(pattern=SAFE_ID)],
        body: SyncPut,
    ):
        caller = require_caller(app.current_event.raw_event)
        try:
            item = deps.sync.put(caller.user_id, collection, id, body.data, body.version, now_iso())
        except VersionConflict as exc:
            return _conflict_response(exc.current)
        except ItemTooLarge as exc:
            raise ApiError(413, f"item too large: {exc}") from None
        except ConcurrentWriters:
            raise ApiError(503, "too many concurrent writes to your data; retry shortly") from None
        return json_response(200, item_json(item))

    @app.delete(
        "/sync/<collection>/<id>",
        summary="Delete a synced item (leaves a tombstone)",
        responses={200: _item, 409: _conflict, **error_doc(401, 404, 422, 503)},
    )
    def delete_item(
        collection: Annotated[str, Path(pattern=SAFE_ID)],
        id: Annotated[str, Path(pattern=SAFE_ID)],
        version: Annotated[
            int | None, Query(ge=1, le=MAX_VERSION, description="Version the device last saw.")
        ] = None,
    ):
        caller = require_caller(app.current_event.raw_event)
        try:
            item = deps.sync.delete(caller.user_id, collection, id, version, now_iso())
        except NotFound:
            raise ApiError(404, f"no item {collection}/{id}") from None
        except VersionConflict as exc:
            return _conflict_response(exc.current)
        except ConcurrentWriters:
            raise ApiError(503, "too many concurrent writes to your data; retry shortly") from None
        return json_response(200, item_json(item))

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
        page = deps.sync.changes(caller.user_id, positions, limit)
        return json_response(
            200,
            {
                "items": [item_json(c.item, c.seq, c.origin) for c in page.changes],
                "next": cursors.sync_cursor(page.cursor) or since,
                "has_more": page.has_more,
            },
        )
