"""Push tokens and notifications when both regions take writes (issue 8, kind 1): one token belongs to one
user in every region, a removal takes effect in both regions, and DR delivers with the primary dark."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import to_ddb

pytestmark = pytest.mark.integration


def _device_row(stack, region: str, user, device_id: str) -> dict | None:
    key = to_ddb(item_keys.device(user.sub, device_id))
    return stack.client("dynamodb", region).get_item(TableName=stack.outputs.table.name, Key=key).get("Item")


def _inbox_entry(stack, region: str, user, notification_id: str) -> dict | None:
    key = to_ddb(item_keys.inbox_entry(user.sub, notification_id))
    item = stack.client("dynamodb", region).get_item(TableName=stack.outputs.table.name, Key=key).get("Item")
    return item if item and item["status"]["S"] == "sent" else None


def _endpoint_exists(stack, region: str, arn: str) -> bool:
    try:
        stack.client("sns", region).get_endpoint_attributes(EndpointArn=arn)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("NotFound", "NotFoundException"):
            return False
        raise
    return True


def _provider_with(stack, *consumers):
    provider = stack.create_user("providers")
    assert stack.request("GET", "/me", user=provider).status_code == 200
    for consumer in consumers:
        reply = stack.request("POST", f"/providers/{provider.sub}/subscribe", user=consumer)
        assert reply.status_code == 200, reply.text
    return provider


def _register(stack, front: str, user, token: str) -> str:
    reply = stack.request("POST", "/devices", front, user=user, json={"platform": "fcm", "token": token})
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def test_a_token_re_registered_in_dr_during_an_outage_stops_pushing_to_the_old_owner(local_stack_clean):
    """A registers a phone's token; the primary goes dark; the phone now belongs to B, who registers it
    through the public name (DR). When the primary is back, a push to A must not reach B's phone."""
    stack = local_stack_clean
    a, b = stack.create_user(), stack.create_user()
    provider = _provider_with(stack, a, b)
    token = f"fcm-{uuid.uuid4().hex}"
    device_id = _register(stack, "public", a, token)
    stack.wait_for(lambda: _device_row(stack, "dr", a, device_id), what="A's device reaching DR")

    stack.region_down("primary")
    assert _register(stack, "public", b, token) == device_id
    stack.region_up("primary")
    stack.wait_for(
        lambda: _device_row(stack, "primary", a, device_id) is None, what="A's registration ending"
    )

    to_a = stack.request(
        "POST", "/notifications", "primary", user=provider, json={"to": a.sub, "title": "t", "body": "for A"}
    )
    to_b = stack.request(
        "POST", "/notifications", "primary", user=provider, json={"to": b.sub, "title": "t", "body": "for B"}
    )
    assert to_a.status_code == to_b.status_code == 202
    sent_a = stack.wait_for(
        lambda: _inbox_entry(stack, "primary", a, to_a.json()["id"]), what="A's inbox entry"
    )
    sent_b = stack.wait_for(
        lambda: _inbox_entry(stack, "primary", b, to_b.json()["id"]), what="B's inbox entry"
    )
    assert sent_a["delivered_devices"]["N"] == "0"  # the phone is B's now
    assert sent_b["delivered_devices"]["N"] == "1"


def test_a_token_registered_in_both_regions_during_a_partition_has_one_owner(local_stack_clean):
    """Neither region saw the other's registration (replication paused): both rows meet after resume, and the
    latest registration owns the token in every region; the worker retires the other one."""
    stack = local_stack_clean
    a, b = stack.create_user(), stack.create_user()
    provider = _provider_with(stack, a, b)
    token = f"fcm-{uuid.uuid4().hex}"
    stack.pause_replication()
    device_id = _register(stack, "primary", a, token)
    _register(stack, "dr", b, token)  # later: B owns the phone
    stack.resume_replication()
    stack.wait_for(lambda: _device_row(stack, "dr", a, device_id), what="A's row reaching DR")
    stack.wait_for(lambda: _device_row(stack, "primary", b, device_id), what="B's row reaching the primary")

    for front in ("primary", "dr"):
        sent = stack.request(
            "POST", "/notifications", front, user=provider, json={"to": a.sub, "title": "t", "body": "x"}
        )
        assert sent.status_code == 202
        entry = stack.wait_for(
            lambda f=front, s=sent: _inbox_entry(stack, f, a, s.json()["id"]), what="delivery"
        )
        assert entry["delivered_devices"]["N"] == "0", f"a push for A reached B's phone through {front}"
    stack.wait_for(
        lambda: (
            _device_row(stack, "primary", a, device_id) is None
            and _device_row(stack, "dr", a, device_id) is None
        ),
        what="A's stale registration retired in both regions",
    )


def test_removing_a_device_in_dr_retires_the_primary_endpoint_too(local_stack_clean):
    stack = local_stack_clean
    user = stack.create_user()
    device_id = _register(stack, "primary", user, f"fcm-{uuid.uuid4().hex}")
    row = stack.wait_for(lambda: _device_row(stack, "dr", user, device_id), what="the device reaching DR")
    primary_endpoint = row["endpoints"]["M"][stack.region("primary")]["S"]
    assert _endpoint_exists(stack, "primary", primary_endpoint)

    assert stack.request("DELETE", f"/devices/{device_id}", "dr", user=user).status_code == 204
    stack.wait_for(
        lambda: not _endpoint_exists(stack, "primary", primary_endpoint), what="the primary endpoint retired"
    )
    assert _device_row(stack, "primary", user, device_id) is None


def test_dr_delivers_a_push_with_the_primary_dark(local_stack_clean):
    """The device was registered at the primary (its endpoint is there); DR makes its own and pushes."""
    stack = local_stack_clean
    consumer = stack.create_user()
    provider = _provider_with(stack, consumer)
    device_id = _register(stack, "primary", consumer, f"fcm-{uuid.uuid4().hex}")
    stack.wait_for(lambda: _device_row(stack, "dr", consumer, device_id), what="the device reaching DR")
    subscription = to_ddb(item_keys.subscription(provider.sub, consumer.sub))
    stack.wait_for(
        lambda: (
            stack.client("dynamodb", "dr")
            .get_item(TableName=stack.outputs.table.name, Key=subscription)
            .get("Item")
        ),
        what="the subscription reaching DR",
    )
    stack.region_down("primary")
    sent = stack.request(
        "POST",
        "/notifications",
        "public",
        user=provider,
        json={"to": consumer.sub, "title": "t", "body": "from DR"},
    )
    assert sent.status_code == 202, sent.text
    entry = stack.wait_for(
        lambda: _inbox_entry(stack, "dr", consumer, sent.json()["id"]), what="delivery in DR"
    )
    assert entry["delivered_devices"]["N"] == "1"
    row = _device_row(stack, "dr", consumer, device_id)
    assert set(row["endpoints"]["M"]) == {stack.region("primary"), stack.region("dr")}
