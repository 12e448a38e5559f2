"""The device rules without HTTP: a token is one device, belongs to one user, and leaves with its endpoint."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from backend_core.push import PushChannel
from backend_core.settings import PlatformApps
from mobile_api.services import devices as rules
from mobile_api.services.errors import Invalid, NotFound


def test_the_same_token_is_the_same_device_and_moves_with_the_phone(deps, clock):
    token = f"tok-{uuid.uuid4().hex}"
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    mine = rules.register_device(deps.devices, deps.push, first, "apns", token, clock)
    again = rules.register_device(deps.devices, deps.push, first, "apns", token, clock)
    assert again.device_id == mine.device_id and again.endpoints == mine.endpoints
    clock.advance(1)
    rules.register_device(deps.devices, deps.push, second, "apns", token, clock)  # the phone changed hands
    assert deps.devices.list_for(first) == []
    assert [d.user_id for d in deps.devices.token_holders(mine.device_id)] == [second]


def test_a_platform_this_region_lacks_is_invalid(deps, clock):
    channel = PushChannel(deps.sns, deps.settings.region, PlatformApps())
    with pytest.raises(Invalid) as refused:
        rules.register_device(deps.devices, channel, uuid.uuid4().hex, "fcm", "tok-12345678", clock)
    assert refused.value.code == "platform_unavailable"


def test_removal_is_own_devices_only_and_retires_the_endpoint(deps, clock):
    owner, other = uuid.uuid4().hex, uuid.uuid4().hex
    device = rules.register_device(deps.devices, deps.push, owner, "fcm", f"tok-{uuid.uuid4().hex}", clock)
    with pytest.raises(NotFound):  # another user's id looks exactly like a missing one
        rules.remove_device(deps.devices, deps.push, other, device.device_id)
    removed = rules.remove_device(deps.devices, deps.push, owner, device.device_id)
    assert removed == device
    with pytest.raises(ClientError):
        deps.sns.get_endpoint_attributes(EndpointArn=device.endpoint_in(deps.settings.region))
    with pytest.raises(NotFound):
        rules.remove_device(deps.devices, deps.push, owner, device.device_id)
