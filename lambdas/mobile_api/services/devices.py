"""Devices: a push token becomes an SNS platform endpoint in this region, idempotently per token.

A token belongs to one user in every region: registering it ends any other account's registration (the
token moved with the phone), and removing a device retires its endpoints in both regions (this one here,
the other through the endpoint_cleanup function on the replicated removal).
"""

from __future__ import annotations

from backend_core.device_store import Device, DeviceNotFound, DeviceStore
from backend_core.push import PushChannel, device_id, ensure_endpoint
from mobile_api.clock import Clock, now_iso
from mobile_api.services.errors import Invalid, NotFound


def register_device(
    devices: DeviceStore, channel: PushChannel, user_id: str, platform: str, token: str, clock: Clock
) -> Device:
    """Register `token` ("apns" or "fcm") for the user with this region's endpoint; the same token again
    is the same device. Raises Invalid when the platform is not configured in this region."""
    application_arn = channel.application_for(platform)
    if not application_arn:
        raise Invalid(f"push platform {platform} is not configured here", "platform_unavailable")
    arn = ensure_endpoint(channel.sns, application_arn, token)
    return devices.register(
        user_id, device_id(platform, token), platform, token, channel.region, arn, now_iso(clock)
    )


def remove_device(devices: DeviceStore, channel: PushChannel, user_id: str, device_id: str) -> Device:
    """Remove one of the user's devices and this region's endpoint of it (unless another account's
    registration of the token uses that endpoint); the removed device. Raises NotFound."""
    try:
        device = devices.remove(user_id, device_id)
    except DeviceNotFound:  # someone else's id looks exactly like a missing one: nothing leaks
        raise NotFound(f"no device {device_id}") from None
    # After the record: an endpoint left behind by a failure here is never targeted again, and the
    # endpoint_cleanup function retires it too. Another account's registration keeps the endpoint.
    endpoint = device.endpoint_in(channel.region)
    if endpoint and not devices.other_holders(device):  # the index may lag
        channel.sns.delete_endpoint(EndpointArn=endpoint)
    return device
