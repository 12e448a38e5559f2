"""Push tokens and SNS platform endpoints, shared by the API (registration) and the notify worker (delivery).

An SNS endpoint is regional and belongs to one platform application, so each region keeps its own endpoint
for a token, created by that region (never by calling the other region's SNS: the DR region must work with
the primary dark). The device row records the endpoint of each region that made one; a region without
one creates it on first use.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from backend_core.settings import PlatformApps

_EXISTING = re.compile(r"Endpoint (arn:[^ ]+) already exists")
DEAD_ENDPOINT_CODES = {"EndpointDisabled", "EndpointDisabledException"}
MISSING_ENDPOINT_CODES = {"NotFound", "NotFoundException"}


@dataclass(frozen=True)
class PushChannel:
    """SNS in this region: the client, the region's name and its platform applications."""

    sns: Any
    region: str
    platform_apps: PlatformApps

    def application_for(self, platform: str) -> str | None:
        """The platform application ARN of "apns" or "fcm" in this region; None when not configured."""
        return getattr(self.platform_apps, platform, None) or None


def device_id(platform: str, token: str) -> str:
    """One id per push token (and platform): the same phone re-registering gets the same device."""
    return hashlib.sha256(f"{platform}:{token}".encode()).hexdigest()[:32]


def ensure_endpoint(sns: Any, application_arn: str, token: str) -> str:
    """AWS's recommended create-then-check flow: reuse the token's endpoint, re-create it if it was disabled
    or points at another token (docs.aws.amazon.com/sns/latest/dg/mobile-platform-endpoint.html)."""
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


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_dead_endpoint(exc: ClientError) -> bool:
    """The platform rejected the token for good (APNs/FCM said it is invalid): stop pushing to it."""
    return error_code(exc) in DEAD_ENDPOINT_CODES


def is_missing_endpoint(exc: ClientError) -> bool:
    """The endpoint is gone (deleted, e.g. by the other region's device removal): create it again."""
    error = exc.response.get("Error", {})
    code, message = error.get("Code", ""), error.get("Message", "").lower()
    return code in MISSING_ENDPOINT_CODES or (
        code == "InvalidParameter" and "endpoint" in message and "exist" in message
    )
