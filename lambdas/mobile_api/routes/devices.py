"""Devices: a push token becomes an SNS platform endpoint, idempotently per token."""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from botocore.exceptions import ClientError

from backend_core.keys import SAFE_ID
from mobile_api.deps import Deps, now_iso
from mobile_api.errors import ApiError, error_doc, json_response
from mobile_api.identity import require_caller
from mobile_api.models import Device, DeviceRegistration

_EXISTING = re.compile(r"Endpoint (arn:[^ ]+) already exists")


def device_id(platform: str, token: str) -> str:
    return hashlib.sha256(f"{platform}:{token}".encode()).hexdigest()[:32]


def ensure_endpoint(sns: Any, application_arn: str, token: str) -> str:
    """AWS's recommended create-then-check flow: reuse the token's endpoint, re-create it if it was disabled."""
    try:
        arn = sns.create_platform_endpoint(PlatformApplicationArn=application_arn, Token=token)["EndpointArn"]
    except ClientError as exc:
        match = _EXISTING.search(exc.response.get("Error", {}).get("Message", ""))
        if not match:
            raise
        arn = match.group(1)
    attrs = sns.get_endpoint_attributes(EndpointArn=arn).get("Attributes", {})
    if str(attrs.get("Enabled", "true")).lower() != "true" or attrs.get("Token") != token:
        sns.delete_endpoint(EndpointArn=arn)  # a fresh registration of the token means it is live again
        arn = sns.create_platform_endpoint(PlatformApplicationArn=application_arn, Token=token)["EndpointArn"]
    return arn


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
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
        item = deps.store.put_device(caller.user_id, did, body.platform, arn, now_iso())
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
        # After the record: an endpoint left behind by a failure here is never targeted again.
        deps.sns.delete_endpoint(EndpointArn=item["endpoint_arn"])
        return Response(status_code=204, body="")
