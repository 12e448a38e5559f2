"""POST /media/uploads, GET /media/{id}: HTTP only; the rules are in `mobile_api.services.media`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path

from backend_core.item_keys import SAFE_ID
from mobile_api import views
from mobile_api.deps import Deps
from mobile_api.errors import json_response
from mobile_api.identity import require_caller
from mobile_api.models import UploadRequest
from mobile_api.services import media as rules


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.post(
        "/media/uploads",
        summary="Presigned upload for one object",
    )
    def create_upload(body: UploadRequest):
        caller = require_caller(app.current_event.raw_event)
        grant = rules.create_upload(
            deps.media_access, caller.user_id, body.content_type, body.size, deps.clock
        )
        return json_response(201, views.upload_grant(grant))

    @app.get(
        "/media/<id>",
        summary="Download URL of one of the caller's objects",
    )
    def get_media(id: Annotated[str, Path(pattern=SAFE_ID)]):
        caller = require_caller(app.current_event.raw_event)
        found = rules.download(deps.media_access, caller.user_id, id, deps.clock)
        if isinstance(found, rules.Restoring):
            return json_response(
                202, views.media_restoring(found), headers={"Retry-After": str(found.retry_after)}
            )
        return json_response(200, views.media_link(found))
