"""POST /devices, DELETE /devices/{id}: HTTP only; the rules are in `mobile_api.services.devices`."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from backend_core.item_keys import SAFE_ID
from mobile_api import views
from mobile_api.deps import Deps
from mobile_api.errors import json_response
from mobile_api.identity import require_caller
from mobile_api.models import DeviceRegistration
from mobile_api.services import devices as rules


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.post(
        "/devices",
        summary="Register a push token (idempotent per token)",
    )
    def register_device(body: DeviceRegistration):
        caller = require_caller(app.current_event.raw_event)
        device = rules.register_device(
            deps.devices, deps.push, caller.user_id, body.platform, body.token, deps.clock
        )
        return json_response(201, views.device(device))

    @app.delete(
        "/devices/<id>",
        summary="Remove one of the caller's devices",
    )
    def remove_device(id: Annotated[str, Path(pattern=SAFE_ID)]):
        caller = require_caller(app.current_event.raw_event)
        rules.remove_device(deps.devices, deps.push, caller.user_id, id)
        return Response(status_code=204, body="")
