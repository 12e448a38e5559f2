"""Devices: a push token becomes an SNS platform endpoint in this region, idempotently per token.

A token belongs to one user in every region: registering it ends any other account's registration (the
token moved with the phone), and removing a device retires its endpoints in both regions (this one here,
the other through the endpoint_cleanup function on the replicated removal).
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from backend_core.keys import SAFE_ID
from backend_core.push import device_id, ensure_endpoint
from mobile_api.deps import Deps, now_iso
from mobile_api.errors import ApiError, error_doc, json_response
from mobile_api.identity import require_caller
from mobile_api.models import Device, DeviceRegistration


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    region = deps.settings.region

    @app.post(
        "/devices",
        summary="Register a push token (idempotent per token)",
        responses={
            201: {"description": "device", "content": {"application/json": {"model": Device}}},
            **error_doc(400, 401, 422),
        },
    )
    def register_device(body: DeviceRegistration):
        caller = require_caller(app.current_event.raw_event)
        application_arn = getattr(deps.settings.platform_app_arns, body.platform)
        if not application_arn:
            raise ApiError(
                422, f"push platform {body.platform} is not configured here", "platform_unavailable"
            )
        arn = ensure_endpoint(deps.sns, application_arn, body.token)
        did = device_id(body.platform, body.token)
        item = deps.store.put_device(caller.user_id, did, body.platform, body.token, region, arn, now_iso())
        return json_response(
            201,
            {"id": did, "platform": body.platform, "enabled": True, "registered_at": item["registered_at"]},
        )

    @app.delete(
        "/devices/<id>",
        summary="Remove one of the caller's devices",
        responses={204: {"description": "removed"}, **error_doc(401, 404, 422)},
    )
    def remove_device(id: Annotated[str, Path(pattern=SAFE_ID)]):
        caller = require_caller(app.current_event.raw_event)
        item = deps.store.delete_device(caller.user_id, id)
        if item is None:  # someone else's id looks exactly like a missing one: nothing leaks
            raise ApiError(404, f"no device {id}")
        # After the record: an endpoint left behind by a failure here is never targeted again, and the
        # endpoint_cleanup function retires it too. Another account's registration keeps the endpoint.
        endpoint = (item.get("endpoints") or {}).get(region)
        others = [h for h in deps.store.token_holders(id) if h["PK"] != item["PK"]]  # the index may lag
        if endpoint and not others:
            deps.sns.delete_endpoint(EndpointArn=endpoint)
        return Response(status_code=204, body="")
