"""Conversations over the local stack, both regions taking writes: a consumer and a provider converse both ways; a
message retried with its Idempotency-Key in the other region during a replication pause, and again through the
failover name with the primary dark, is one message in both regions once replication settles; unread counts
(derived, never a counter) agree in both regions after writes in both; read receipts written in both regions
during a pause never move back."""

from __future__ import annotations

import pytest

from ops.local.testing import LocalStackHandle
from ops.local.users import LocalUser

pytestmark = pytest.mark.integration
REGIONS = ("primary", "dr")


def _connected(stack: LocalStackHandle) -> tuple[LocalUser, LocalUser]:
    consumer, provider = stack.create_user(), stack.create_user(group="providers")
    assert stack.request("GET", "/me", user=provider).status_code == 200
    assert stack.request("POST", f"/providers/{provider.sub}/subscribe", user=consumer).status_code == 200
    stack.wait_for(lambda: _can_write_in_dr(stack, consumer, provider), what="the subscription in DR")
    return consumer, provider


def _can_write_in_dr(stack: LocalStackHandle, consumer: LocalUser, provider: LocalUser) -> bool:
    # A read of the thread needs the connection (or a thread): 200 once the subscription replicated.
    return (
        stack.request(
            "GET", f"/conversations/{provider.sub}/messages", region="dr", user=consumer
        ).status_code
        == 200
    )


def _send(stack: LocalStackHandle, sender: LocalUser, peer: LocalUser, text: str, region="primary", key=None):
    headers = {"Idempotency-Key": key} if key else {}
    reply = stack.request(
        "POST",
        f"/conversations/{peer.sub}/messages",
        region=region,
        user=sender,
        json={"text": text},
        headers=headers,
    )
    assert reply.status_code == 201, reply.text
    return reply


def _thread(stack: LocalStackHandle, user: LocalUser, peer: LocalUser, region: str) -> list[str]:
    reply = stack.request("GET", f"/conversations/{peer.sub}/messages", region=region, user=user)
    assert reply.status_code == 200, reply.text
    return [m["text"] for m in reply.json()["items"]]


def _summary(stack: LocalStackHandle, user: LocalUser, peer: LocalUser, region: str) -> dict | None:
    reply = stack.request("GET", "/conversations", region=region, user=user)
    assert reply.status_code == 200, reply.text
    return next((c for c in reply.json()["items"] if c["peer_id"] == peer.sub), None)


def test_a_consumer_and_a_provider_converse_both_ways_and_nobody_else_can(
    local_stack_clean: LocalStackHandle,
) -> None:
    stack = local_stack_clean
    consumer, provider = _connected(stack)
    _send(stack, consumer, provider, "is Tuesday free?")
    _send(stack, provider, consumer, "yes, 10:00")
    assert _thread(stack, consumer, provider, "primary") == ["yes, 10:00", "is Tuesday free?"]
    assert _thread(stack, provider, consumer, "primary") == ["yes, 10:00", "is Tuesday free?"]

    intruder = stack.create_user()
    refused = stack.request(
        "POST", f"/conversations/{provider.sub}/messages", user=intruder, json={"text": "hello"}
    )
    assert refused.status_code == 403 and refused.json()["error"] == "not_connected"
    peek = stack.request("GET", f"/conversations/{provider.sub}/messages", user=intruder)
    assert peek.status_code == 404 and peek.json()["error"] == "no_conversation"
    assert stack.request("GET", "/conversations", user=intruder).json()["items"] == []


def test_a_retried_message_is_one_message_through_a_pause_and_an_outage(
    local_stack_clean: LocalStackHandle,
) -> None:
    """The retry's claim is not seen in the other region (paused, then the primary dark): the derived message id
    makes every attempt land on one item, in both regions, once replication settles."""
    stack = local_stack_clean
    consumer, provider = _connected(stack)
    stack.pause_replication()
    try:
        first = _send(stack, consumer, provider, "book me in", key="book-1").json()
        retry = _send(stack, consumer, provider, "book me in", region="dr", key="book-1")
        assert retry.headers.get("Idempotent-Replayed") is None, "DR has not seen the claim"
        assert retry.json()["id"] == first["id"]
    finally:
        stack.resume_replication()

    stack.region_down("primary")
    try:
        again = _send(stack, consumer, provider, "book me in", region="public", key="book-1")
        assert again.json()["id"] == first["id"] and again.headers.get("Idempotent-Replayed") == "true"
        other = stack.request(
            "POST",
            f"/conversations/{provider.sub}/messages",
            region="dr",
            user=consumer,
            json={"text": "something else"},
            headers={"Idempotency-Key": "book-1"},
        )
        assert other.status_code == 422 and other.json()["error"] == "idempotency_mismatch"
    finally:
        stack.region_up("primary")

    for region in REGIONS:
        stack.wait_for(
            lambda region=region: _thread(stack, provider, consumer, region) == ["book me in"],
            what=f"one message in {region}",
        )
        assert _summary(stack, provider, consumer, region)["unread"] == 1


def test_unread_counts_and_receipts_agree_in_both_regions_after_a_partition(
    local_stack_clean: LocalStackHandle,
) -> None:
    """Both regions take messages and receipts while replication is paused. Unread counts are derived from the
    thread and the furthest receipt, so once replication settles both regions answer the same count, and the
    receipt written in DR for an older message does not move the primary's back."""
    stack = local_stack_clean
    consumer, provider = _connected(stack)
    ids = [_send(stack, provider, consumer, f"p{n}").json()["id"] for n in range(3)]
    stack.wait_for(
        lambda: len(_thread(stack, consumer, provider, "dr")) == 3, what="the messages replicated to DR"
    )

    stack.pause_replication()
    try:
        newest = stack.request(
            "POST", f"/conversations/{provider.sub}/read", user=consumer, json={"up_to": ids[2]}
        )
        assert newest.status_code == 200 and newest.json()["unread"] == 0
        older = stack.request(
            "POST", f"/conversations/{provider.sub}/read", region="dr", user=consumer, json={"up_to": ids[0]}
        )
        assert older.status_code == 200 and older.json()["unread"] == 2  # DR has not seen the newer receipt
        _send(stack, provider, consumer, "from the primary")
        _send(stack, provider, consumer, "from DR", region="dr")
        assert _summary(stack, consumer, provider, "primary")["unread"] == 1
        assert _summary(stack, consumer, provider, "dr")["unread"] == 3
    finally:
        stack.resume_replication()

    for region in REGIONS:
        stack.wait_for(
            lambda region=region: (_summary(stack, consumer, provider, region) or {}).get("unread") == 2,
            what=f"two unread in {region} (the two messages after the furthest receipt)",
        )
        summary = _summary(stack, consumer, provider, region)
        assert summary["read_up_to"] == ids[2], "the receipt never moves back"
        assert _summary(stack, provider, consumer, region)["peer_read_up_to"] == ids[2]
        assert sorted(_thread(stack, consumer, provider, region)[:2]) == ["from DR", "from the primary"]


def test_the_peer_downloads_the_media_a_message_carries_and_nobody_else_can(
    local_stack_clean: LocalStackHandle,
) -> None:
    import requests

    stack = local_stack_clean
    consumer, provider = _connected(stack)
    grant = stack.request(
        "POST", "/media/uploads", user=consumer, json={"content_type": "image/png", "size": 8}
    )
    assert grant.status_code == 201, grant.text
    upload, media_id = grant.json()["upload"], grant.json()["id"]
    sent = requests.post(
        upload["url"], data=upload["fields"], files={"file": ("x.png", b"picture!", "image/png")}, timeout=30
    )
    assert sent.status_code == 204, sent.text
    message = stack.request(
        "POST",
        f"/conversations/{provider.sub}/messages",
        user=consumer,
        json={"text": "the leak", "media_id": media_id},
    )
    assert message.status_code == 201, message.text
    message_id = message.json()["id"]

    link = stack.request("GET", f"/conversations/{consumer.sub}/messages/{message_id}/media", user=provider)
    assert link.status_code == 200, link.text
    assert requests.get(link.json()["url"], timeout=30).content == b"picture!"
    assert stack.request("GET", f"/media/{media_id}", user=provider).status_code == 404  # not the provider's

    intruder = stack.create_user()
    peek = stack.request("GET", f"/conversations/{consumer.sub}/messages/{message_id}/media", user=intruder)
    assert peek.status_code == 404, peek.text
    plain = _send(stack, provider, consumer, "no picture")
    none = stack.request(
        "GET", f"/conversations/{provider.sub}/messages/{plain.json()['id']}/media", user=consumer
    )
    assert none.status_code == 404 and "no media" in none.json()["message"]
