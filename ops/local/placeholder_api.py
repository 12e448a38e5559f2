"""Placeholder API function, served only while lambdas/mobile_api does not exist yet.

It answers `GET /health` and echoes the caller's claims on `GET /me`; every other route answers
501 so nobody mistakes it for the real API.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def create_handler(settings: dict[str, Any]) -> Callable[[dict, Any], dict]:
    region = settings["region"]

    def handler(event: dict, context: Any) -> dict:
        method, path = event["requestContext"]["http"]["method"], event["rawPath"]
        if (method, path) == ("GET", "/health"):
            return _json(200, {"status": "ok", "region": region, "handler": "placeholder"})
        if (method, path) == ("GET", "/me"):
            claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
            return _json(
                200,
                {
                    "sub": claims.get("sub"),
                    "email": claims.get("email"),
                    "groups": claims.get("cognito:groups"),
                    "region": region,
                },
            )
        return _json(
            501,
            {
                "error": "not_implemented",
                "message": "the local stack serves a placeholder until lambdas/mobile_api exists",
            },
        )

    return handler


def _json(status: int, document: dict) -> dict:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(document),
    }
