"""The authorization matrix: no token, wrong role, and another user's ids, for every route that needs them."""

from __future__ import annotations

import pytest

SIGNED_IN_ROUTES = [
    ("GET", "/me", None),
    ("PUT", "/me", {"display_name": "x"}),
    ("POST", "/devices", {"platform": "apns", "token": "abcdefgh12"}),
    ("DELETE", "/devices/abc", None),
    ("PUT", "/sync/notes/n1", {"data": {}}),
    ("DELETE", "/sync/notes/n1", None),
    ("GET", "/sync", None),
    ("POST", "/media/uploads", {"content_type": "image/png", "size": 10}),
    ("GET", "/media/abc", None),
    ("POST", "/providers/p1/subscribe", None),
    ("DELETE", "/providers/p1/subscribe", None),
    ("GET", "/subscriptions", None),
    ("POST", "/notifications", {"to": None, "title": "t", "body": "b"}),
    ("GET", "/notifications", None),
    ("POST", "/me/provider-application", {"business_name": "b"}),
    ("DELETE", "/me", None),
    ("POST", "/conversations/p1/messages", {"text": "hi"}),
    ("GET", "/conversations", None),
    ("GET", "/conversations/p1/messages", None),
    ("POST", "/conversations/p1/read", {"up_to": "m1"}),
    ("GET", "/conversations/p1/messages/m1/media", None),
]


@pytest.mark.parametrize(("method", "path", "body"), SIGNED_IN_ROUTES)
def test_no_token_is_401_json(api, method, path, body):
    reply = api(method, path, None, body)
    assert reply.status == 401
    assert reply.body["error"] == "unauthorized" and reply.body["message"]


@pytest.fixture
def owner_with_everything(api, make_user):
    """A consumer who owns one of each id-addressed resource."""
    owner = make_user("consumers")
    device = api("POST", "/devices", owner, {"platform": "apns", "token": "own-" + owner.sub})
    api("PUT", "/sync/notes/secret", owner, {"data": {"pin": "1234"}})
    media = api("POST", "/media/uploads", owner, {"content_type": "image/png", "size": 10})
    return owner, device.body["id"], media.body["id"]


@pytest.mark.parametrize("intruder_group", ["consumers", "providers"])
def test_another_user_cannot_touch_ids_they_do_not_own(api, make_user, owner_with_everything, intruder_group):
    owner, device_id, media_id = owner_with_everything
    intruder = make_user(intruder_group)
    assert api("GET", f"/media/{media_id}", intruder).status == 404
    assert api("DELETE", f"/devices/{device_id}", intruder).status == 404
    assert api("DELETE", "/sync/notes/secret", intruder).status == 404
    # A write to the same collection/id lands in the intruder's own space, never the owner's.
    mine = api("PUT", "/sync/notes/secret", intruder, {"data": {"pin": "0000"}})
    assert mine.status == 200 and mine.body["version"] == 1
    feed = api("GET", "/sync", intruder).body["items"]
    assert [i["data"] for i in feed] == [{"pin": "0000"}]
    assert [i["data"] for i in api("GET", "/sync", owner).body["items"]] == [{"pin": "1234"}]
    # and the owner still has everything
    assert api("GET", f"/media/{media_id}", owner).status == 200
    assert api("DELETE", f"/devices/{device_id}", owner).status == 204


def test_cursor_from_another_user_only_pages_own_feed(api, make_user):
    alice, bob = make_user(), make_user()
    for n in range(3):
        api("PUT", f"/sync/notes/a{n}", alice, {"data": {"n": n}})
    api("PUT", "/sync/notes/b0", bob, {"data": {"n": 0}})
    page = api("GET", "/sync?limit=1", alice)
    leaked = api("GET", f"/sync?since={page.body['next']}", bob)
    assert leaked.status == 200
    assert all(i["id"].startswith("b") for i in leaked.body["items"])


def test_only_consumers_subscribe(api, make_user):
    provider, other_provider = make_user("providers"), make_user("providers")
    api("GET", "/me", provider)
    reply = api("POST", f"/providers/{provider.sub}/subscribe", other_provider)
    assert reply.status == 403 and reply.body["error"] == "forbidden"


def test_only_consumers_unsubscribe_or_list_subscriptions(api, make_user):
    provider, nobody = make_user("providers"), make_user(None)
    for caller in (provider, nobody):
        assert api("DELETE", f"/providers/{provider.sub}/subscribe", caller).status == 403
        reply = api("GET", "/subscriptions", caller)
        assert reply.status == 403 and reply.body["error"] == "forbidden"


def test_subscriptions_are_the_callers_own_and_unsubscribing_touches_only_them(api, make_user):
    provider, alice, bob = make_user("providers"), make_user("consumers"), make_user("consumers")
    api("GET", "/me", provider)
    assert api("POST", f"/providers/{provider.sub}/subscribe", alice).status == 200
    assert api("GET", "/subscriptions", bob).body == {"items": [], "next": None}
    gone = api("DELETE", f"/providers/{provider.sub}/subscribe", bob)  # bob never followed: alice stays
    assert gone.status == 200 and gone.body["removed"] is False
    assert [i["provider_id"] for i in api("GET", "/subscriptions", alice).body["items"]] == [provider.sub]
    alice_page = api("GET", "/subscriptions?limit=1", alice)  # alice's cursor pages bob's own list only
    assert api("GET", "/subscriptions", bob).body["items"] == [] and alice_page.body["next"] is None


def test_subscribing_to_a_consumer_is_404(api, make_user):
    consumer, other = make_user("consumers"), make_user("consumers")
    api("GET", "/me", other)
    assert api("POST", f"/providers/{other.sub}/subscribe", consumer).status == 404


def test_only_providers_notify(api, make_user):
    consumer = make_user("consumers")
    reply = api("POST", "/notifications", consumer, {"to": None, "title": "t", "body": "b"})
    assert reply.status == 403 and reply.body["error"] == "forbidden"


def test_provider_cannot_notify_someone_who_is_not_their_subscriber(api, make_user):
    provider, stranger = make_user("providers"), make_user("consumers")
    reply = api("POST", "/notifications", provider, {"to": stranger.sub, "title": "t", "body": "b"})
    assert reply.status == 404


def test_only_consumers_apply_to_become_providers(api, make_user):
    nobody = make_user(None)
    reply = api("POST", "/me/provider-application", nobody, {"business_name": "b"})
    assert reply.status == 403 and reply.body["error"] == "forbidden"


def test_user_without_groups_is_signed_in_but_has_no_role_routes(api, make_user):
    nobody = make_user(None)
    assert api("GET", "/me", nobody).status == 200
    assert api("POST", "/notifications", nobody, {"to": None, "title": "t", "body": "b"}).status == 403
    assert api("POST", "/providers/x/subscribe", nobody).status == 403


def test_group_claim_renderings_are_understood(api, make_user):
    for rendering in ("brackets", "plain"):
        provider = make_user("providers", rendering=rendering)
        assert api("GET", "/me", provider).body["role"] == "provider"


INVALID_NOTIFICATION_BODIES = [
    {},
    {"title": "t"},
    {"to": None, "title": "", "body": "b"},
    {"to": None, "title": "t", "body": "b", "unexpected": 1},
    {"to": None, "title": "t" * 10_000, "body": "b"},
]


@pytest.mark.parametrize("body", INVALID_NOTIFICATION_BODIES)
@pytest.mark.parametrize("group", ["consumers", None])
def test_who_may_notify_is_checked_before_the_body(api, make_user, group, body):
    """A caller outside the providers group gets 403 whatever the body: never a 422 that describes a route
    they may not use."""
    caller = make_user(group)
    reply = api("POST", "/notifications", caller, body)
    assert (reply.status, reply.body["error"]) == (403, "forbidden")


def test_no_token_with_an_invalid_body_is_401(api):
    assert api("POST", "/notifications", None, {}).status == 401


def test_who_may_subscribe_is_checked_before_the_path(api, make_user):
    provider = make_user("providers")
    assert api("POST", "/providers/not%20a%20safe%20id/subscribe", provider).status == 403


def test_a_provider_still_gets_the_validation_error(api, make_user):
    provider = make_user("providers")
    reply = api("POST", "/notifications", provider, {"title": "t"})
    assert (reply.status, reply.body["error"]) == (422, "invalid")


@pytest.mark.parametrize("intruder_group", ["consumers", "providers"])
def test_nobody_reads_or_writes_a_conversation_they_are_not_part_of(api, make_user, intruder_group):
    """A connected pair's thread: a third user (either role) can neither write to either member, read their thread
    (the partition is derived from the caller, so naming the peer reads the caller's own, absent, thread), mark a
    message of it read, nor see it listed; each refusal says why."""
    consumer, provider = make_user("consumers"), make_user("providers")
    api("GET", "/me", provider)
    assert api("POST", f"/providers/{provider.sub}/subscribe", consumer).status == 200
    sent = api("POST", f"/conversations/{provider.sub}/messages", consumer, {"text": "private"})
    assert sent.status == 201, sent.body
    assert api("POST", f"/conversations/{consumer.sub}/messages", provider, {"text": "reply"}).status == 201

    intruder = make_user(intruder_group)
    for peer in (consumer, provider):
        write = api("POST", f"/conversations/{peer.sub}/messages", intruder, {"text": "hi"})
        assert (write.status, write.body["error"]) == (403, "not_connected")
        read = api("GET", f"/conversations/{peer.sub}/messages", intruder)
        assert (read.status, read.body["error"]) == (404, "no_conversation")
        receipt = api("POST", f"/conversations/{peer.sub}/read", intruder, {"up_to": sent.body["id"]})
        assert receipt.status == 404 and receipt.body["message"]
    assert api("GET", "/conversations", intruder).body["items"] == []
    # A member cannot mark a message of another thread read through their own.
    other = make_user("consumers")
    assert api("POST", f"/providers/{provider.sub}/subscribe", other).status == 200
    stray = api("POST", f"/conversations/{provider.sub}/read", other, {"up_to": sent.body["id"]})
    assert (stray.status, stray.body["error"]) == (404, "not_found")
    assert api("POST", f"/conversations/{consumer.sub}/messages", consumer, {"text": "me"}).body["error"] == (
        "self_conversation"
    )
