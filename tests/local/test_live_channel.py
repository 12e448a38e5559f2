"""The live channel over the local stack: the WebSocket fronts (API Gateway's protocol), live_socket on $connect,
live_delivery on each region's table stream (issue 14, live delivery)."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest
import requests

from backend_core import item_keys
from ops.local.live_client import LiveClient, Refused, live_connect
from ops.local.testing import LocalStackHandle
from ops.local.users import LocalUser

pytestmark = pytest.mark.integration


def _live_url(stack: LocalStackHandle, region: str = "primary") -> str:
    assert stack.outputs.live is not None
    return getattr(stack.outputs.live, region)


def _pair(stack: LocalStackHandle) -> tuple[LocalUser, LocalUser]:
    provider, consumer = stack.create_user("providers"), stack.create_user("consumers")
    assert stack.request("GET", "/me", user=provider).status_code == 200
    assert stack.request("POST", f"/providers/{provider.sub}/subscribe", user=consumer).status_code == 200
    return provider, consumer


def _notify(
    stack: LocalStackHandle, provider: LocalUser, to: LocalUser, title: str, region: str = "primary"
) -> str:
    sent = stack.request(
        "POST",
        "/notifications",
        region=region,
        user=provider,
        json={"to": to.sub, "title": title, "body": f"{title} body", "data": {"order": 42}},
    )
    assert sent.status_code == 202, sent.text
    return sent.json()["id"]


def _connections(stack: LocalStackHandle, user: LocalUser, region: str = "primary") -> list[dict]:
    out = stack.client("dynamodb", region).query(
        TableName=stack.outputs.table.name,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :c)",
        ExpressionAttributeValues={
            ":pk": {"S": item_keys.user_pk(user.sub)},
            ":c": {"S": item_keys.LIVE_CONNECTION_PREFIX},
        },
    )
    return out["Items"]


def _connected(stack: LocalStackHandle, live: LiveClient, user: LocalUser) -> None:
    """The $connect has recorded the connection (replicated to both regions) and the channel is the user's."""
    assert live.subscribe(user.sub) == {"type": "subscribed", "channel": f"users/{user.sub}"}
    for region in ("primary", "dr"):
        stack.wait_for(
            lambda region=region: _connections(stack, user, region), what=f"the connection in {region}"
        )


def test_a_connected_user_gets_a_provider_notification_live(local_stack_clean: LocalStackHandle) -> None:
    stack = local_stack_clean
    provider, consumer = _pair(stack)
    with live_connect(_live_url(stack), consumer.id_token) as live:
        _connected(stack, live, consumer)
        sent = _notify(stack, provider, consumer, "Table ready")
        event = live.next_event(timeout=30)
    assert event["type"] == "notification"
    assert event["id"] == sent
    assert event["data"]["id"] == sent
    assert (event["data"]["title"], event["data"]["body"], event["data"]["data"]) == (
        "Table ready",
        "Table ready body",
        {"order": 42},
    )
    assert event["data"]["provider_id"] == provider.sub
    inbox = stack.request("GET", "/notifications", user=consumer).json()["items"]
    assert [i["id"] for i in inbox] == [sent]


def test_a_disconnected_user_gets_nothing_live_and_the_inbox_holds_it(
    local_stack_clean: LocalStackHandle,
) -> None:
    stack = local_stack_clean
    provider, consumer = _pair(stack)
    witness = stack.create_user("consumers")
    assert stack.request("POST", f"/providers/{provider.sub}/subscribe", user=witness).status_code == 200
    with live_connect(_live_url(stack), consumer.id_token) as live:
        _connected(stack, live, consumer)
        gone_id = _connections(stack, consumer)[0]["connection_id"]["S"]
    for region in ("primary", "dr"):  # $disconnect forgot it, everywhere
        stack.wait_for(lambda region=region: not _connections(stack, consumer, region), what="the disconnect")
    before = stack.status()["components"]["live-primary"]["posts"]
    with live_connect(_live_url(stack), witness.id_token) as watching:
        _connected(stack, watching, witness)
        missed = _notify(stack, provider, consumer, "While you were away")
        # The stream is read in order: once the later event reached the witness, the earlier one was delivered.
        later = _notify(stack, provider, witness, "For the witness")
        assert watching.next_event(timeout=30)["id"] == later
    assert stack.status()["components"]["live-primary"]["posts"] == before + 1  # the witness's only
    connections_url = stack.status()["components"]["live-primary"]["connections_url"]
    # Connection ids are base64 and may hold "/" or "+": quoted, as boto3 quotes them.
    gone_url = f"{connections_url}/@connections/{quote(gone_id, safe='')}"
    assert requests.post(gone_url, data=b"{}", timeout=10).status_code == 410
    inbox = stack.request("GET", "/notifications", user=consumer).json()["items"]
    assert [i["id"] for i in inbox] == [missed]


def _forged(token: str, sub: str) -> str:
    """The token with another subject in its payload (the signature no longer matches)."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = sub
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{body}.{signature}"


def test_nobody_connects_with_a_bad_or_another_token_or_to_another_channel(
    local_stack_clean: LocalStackHandle,
) -> None:
    stack = local_stack_clean
    provider, victim = _pair(stack)
    intruder = stack.create_user("consumers")
    url = _live_url(stack)
    for token in (
        None,
        "not-a-jwt",
        "a.b.c",
        _forged(intruder.id_token, victim.sub),
        intruder.id_token[:-4] + "AAAA",
    ):
        with pytest.raises(Refused) as refused, live_connect(url, token):
            pass
        assert refused.value.status == 401, token
    with (
        pytest.raises(Refused) as denied,
        live_connect(url, intruder.id_token, channel=f"users/{victim.sub}"),
    ):
        pass
    assert denied.value.status == 403
    assert not _connections(stack, victim) and not _connections(stack, intruder)
    with live_connect(url, intruder.id_token) as live:
        answer = live.subscribe(victim.sub)
        assert (answer["type"], answer["error"]) == ("error", "forbidden")
        _connected(stack, live, intruder)
        _notify(stack, provider, victim, "Only for the victim")
        assert stack.request("POST", f"/providers/{provider.sub}/subscribe", user=intruder).status_code == 200
        own = _notify(stack, provider, intruder, "For the intruder")
        event = live.next_event(timeout=30)  # the victim's came first in the stream, and never reached here
    assert event["id"] == own


def test_a_connection_in_dr_receives_with_the_primary_down(local_stack_clean: LocalStackHandle) -> None:
    stack = local_stack_clean
    provider, consumer = _pair(stack)
    with live_connect(_live_url(stack, "dr"), consumer.id_token) as live:
        _connected(stack, live, consumer)
        stack.region_down("primary")
        with pytest.raises(Refused) as dark, live_connect(_live_url(stack, "primary"), consumer.id_token):
            pass
        assert dark.value.status == 503
        sent = _notify(stack, provider, consumer, "Served by DR", region="dr")
        event = live.next_event(timeout=30)
    assert (event["type"], event["id"]) == ("notification", sent)


def _kept_keys(stack: LocalStackHandle, region: str) -> list[dict]:
    """The signing-key items in a region's table (live_socket/signing_keys.py)."""
    out = stack.client("dynamodb", region).scan(
        TableName=stack.outputs.table.name,
        FilterExpression="begins_with(PK, :p)",
        ExpressionAttributeValues={":p": {"S": item_keys.SIGNING_KEYS}},
    )
    return out["Items"]


def test_a_new_dr_connection_verifies_primary_tokens_with_the_keys_kept_in_the_table(
    local_stack_clean: LocalStackHandle,
) -> None:
    """The reset starts both live_socket functions afresh, so DR's has never fetched the primary issuer's JWKS,
    which only the dark primary serves: first the gap (no keys kept anywhere: 500, the app retries), then, once
    the primary's function has fetched and kept them and the table has replicated them, a new DR connection."""
    stack = local_stack_clean
    provider, consumer = _pair(stack)
    stack.region_down("primary")
    try:
        with pytest.raises(Refused) as unverifiable, live_connect(_live_url(stack, "dr"), consumer.id_token):
            pass
        assert unverifiable.value.status == 500
    finally:
        stack.region_up("primary")

    with live_connect(_live_url(stack, "primary"), consumer.id_token) as live:
        _connected(stack, live, consumer)
    stack.wait_for(lambda: _kept_keys(stack, "dr"), what="the primary's fetched keys replicated to DR")
    stack.region_down("primary")
    try:
        with live_connect(_live_url(stack, "dr"), consumer.id_token) as live:
            assert live.subscribe(consumer.sub) == {"type": "subscribed", "channel": f"users/{consumer.sub}"}
            sent = _notify(stack, provider, consumer, "Verified with kept keys", region="dr")
            event = live.next_event(timeout=30)
    finally:
        stack.region_up("primary")
    assert (event["type"], event["id"]) == ("notification", sent)


def test_deleting_the_account_erases_its_open_connections_in_both_regions(
    local_stack_clean: LocalStackHandle,
) -> None:
    stack = local_stack_clean
    user = stack.create_user("consumers")
    with (
        live_connect(_live_url(stack), user.id_token) as live,
        live_connect(_live_url(stack, "dr"), user.id_token),
    ):
        _connected(stack, live, user)
        stack.wait_for(lambda: len(_connections(stack, user)) == 2, what="both connections in the primary")
        assert stack.request("DELETE", "/me", user=user).status_code == 202
        for region in ("primary", "dr"):  # the eraser took them, while they were still open
            stack.wait_for(
                lambda region=region: not _connections(stack, user, region), what=f"erased in {region}"
            )


def _message(stack: LocalStackHandle, sender: LocalUser, peer: LocalUser, text: str) -> dict:
    sent = stack.request("POST", f"/conversations/{peer.sub}/messages", user=sender, json={"text": text})
    assert sent.status_code == 201, sent.text
    return sent.json()


def _pushes_with(stack: LocalStackHandle, token: str, marker: str) -> list[tuple[str, str]]:
    """(region, message) of every push the emulated SNS published to the token's endpoints holding `marker`."""
    endpoints = stack._control("POST", "/inspect/pushes", {"token": token})["endpoints"]
    return [(e["region"], str(m)) for e in endpoints for m in e["messages"] if marker in str(m)]


def test_a_consumer_and_a_provider_chat_live_both_ways_and_in_history(
    local_stack_clean: LocalStackHandle,
) -> None:
    stack = local_stack_clean
    provider, consumer = _pair(stack)
    with (
        live_connect(_live_url(stack), consumer.id_token) as consumer_live,
        live_connect(_live_url(stack, "dr"), provider.id_token) as provider_live,  # one in each region
    ):
        _connected(stack, consumer_live, consumer)
        _connected(stack, provider_live, provider)
        question = _message(stack, consumer, provider, "Is Tuesday 10:00 free?")
        got = provider_live.next_event(timeout=30)
        assert (got["type"], got["id"]) == ("message", question["id"])
        assert (
            got["data"]["peer_id"] == consumer.sub
            and got["data"]["message"]["text"] == "Is Tuesday 10:00 free?"
        )
        answer = _message(stack, provider, consumer, "Yes, see you then.")
        got = consumer_live.next_event(timeout=30)
        assert (got["type"], got["id"]) == ("message", answer["id"])
        assert got["data"]["message"]["sender_id"] == provider.sub
        read = stack.request(
            "POST", f"/conversations/{provider.sub}/read", user=consumer, json={"up_to": answer["id"]}
        )
        assert read.status_code == 200, read.text
        receipt = provider_live.next_event(timeout=30)
        assert receipt["type"] == "read" and receipt["data"]["read_up_to"] == answer["id"]
    history = stack.request("GET", f"/conversations/{provider.sub}/messages", user=consumer).json()["items"]
    assert [m["id"] for m in history] == [answer["id"], question["id"]]


def test_a_message_to_a_user_connected_nowhere_is_pushed_once(local_stack_clean: LocalStackHandle) -> None:
    stack = local_stack_clean
    provider, consumer = _pair(stack)
    token = f"tok-{consumer.sub}"
    device = stack.request("POST", "/devices", user=consumer, json={"platform": "fcm", "token": token})
    assert device.status_code in (200, 201), device.text
    marker = "offline-marker-7f3a"
    with live_connect(_live_url(stack, "dr"), provider.id_token) as provider_live:
        _connected(stack, provider_live, provider)
        sent = _message(stack, provider, consumer, f"Your table is ready {marker}")
        stack.wait_for(lambda: _pushes_with(stack, token, marker), what="the push of the message")
        # Both regions' streams carry the message. A later message of the same thread (the same partition, so
        # the same stream shard, read in order) reaching the provider through DR means DR has handled it too.
        ack = _message(stack, consumer, provider, "thanks")
        assert provider_live.next_event(timeout=30)["id"] == ack["id"]
    pushes = _pushes_with(stack, token, marker)
    assert [region for region, _ in pushes] == [stack.region("primary")], pushes  # the accepting region only
    assert sent["id"] in stack.request("GET", f"/conversations/{provider.sub}/messages", user=consumer).text
