"""Issue 8, kinds 2-5: input the API accepted but could not store, serve or survive; strict JSON; state copied
once and never refreshed; HTTP details real clients send. Each case answers the right 4xx (never a 500) and
nothing bad is stored."""

from __future__ import annotations

import json
import time

import pytest

from backend_core import item_keys
from backend_core.sync_store import item_size
from backend_core.table_design import TABLE_DESIGN
from mobile_api.strict_json import MAX_DEPTH
from tests.api.conftest import User
from tests.api.test_bad_input import assert_error
from tests.api.test_usage_events import delivered_events


def nested(depth: int) -> str:
    """A `data` object whose value nests `depth` arrays (the body nests depth + 2 levels)."""
    return '{"data": {"a": ' + "[" * depth + "]" * depth + "}}"


def feed(api, user) -> list[dict]:
    return api("GET", "/sync?limit=500", user).body["items"]


# ---- kind 2: input the API accepts but cannot store, serve or survive ------------------------------------
def test_deeply_nested_data_is_422_not_a_recursion_error(api, make_user):
    user = make_user()
    assert_error(api("PUT", "/sync/notes/n1", user, raw_body=nested(1000)), 422)
    assert_error(api("PUT", "/sync/notes/n1", user, raw_body=nested(MAX_DEPTH - 1)), 422)  # 33 levels
    assert api("PUT", "/sync/notes/n1", user, raw_body=nested(MAX_DEPTH - 2)).status == 200  # 32 levels
    assert [i["id"] for i in feed(api, user)] == ["n1"]


def test_a_version_wider_than_any_client_holds_is_422(api, make_user):
    user = make_user()
    huge = 10**40  # 41 digits
    assert_error(api("PUT", "/sync/notes/n2", user, {"data": {}, "version": huge}), 422)
    assert_error(api("DELETE", f"/sync/notes/n2?version={huge}", user), 422)
    assert_error(
        api("PUT", "/sync/notes/n2", user, raw_body='{"data": {}, "version": 1' + "0" * 40 + "1}"), 422
    )
    assert feed(api, user) == []


@pytest.mark.parametrize("value", ["1" * 39, "1.000000000000000000000000000000000000001", "1e126", "1e-131"])
def test_numbers_beyond_what_dynamodb_holds_are_422(api, make_user, value):
    assert_error(api("PUT", "/sync/notes/n", make_user(), raw_body='{"data": {"x": ' + value + "}}"), 422)


def test_item_size_cap_comes_from_the_table_and_a_refused_item_is_413(api, make_user):
    user = make_user()
    limit = TABLE_DESIGN.max_item_bytes
    # What the copy of a small item weighs without its data: the cap a client can use is the rest.
    overhead = item_size(
        {
            **item_keys.sync_copy(user.sub, "notes", "big", "us-east-1"),
            "collection": "notes",
            "item_id": "big",
            "origin": "us-east-1",
            "data_json": "",
            "version": 1,
            "updated_at": "2026-11-30T10:00:00.000000Z",
            "deleted": False,
            "seq": 1,
        }
    )
    filler = limit - overhead - len('{"s":""}') + 1  # one byte over what the table holds
    assert_error(api("PUT", "/sync/notes/big", user, {"data": {"s": "x" * filler}}), 413)
    # Just under the table's 400 KB but over what the emulator holds (405,000 bytes): still a 413.
    assert_error(api("PUT", "/sync/notes/big", user, {"data": {"s": "x" * (405_000 - overhead)}}), 413)
    assert api("PUT", "/sync/notes/big", user, {"data": {"s": "x" * 300_000}}).status == 200


# ---- kind 3: strict JSON only ---------------------------------------------------------------------------
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"])
def test_non_finite_numbers_are_422_and_never_stored(api, make_user, literal):
    user = make_user()
    assert_error(api("PUT", "/sync/notes/bad", user, raw_body='{"data": {"score": ' + literal + "}}"), 422)
    page = api("GET", "/sync", user)
    assert page.status == 200 and page.body["items"] == []


@pytest.mark.parametrize("text", ['"\\ud800"', '"a\\udfffb"', '{"\\ud83d": 1}'])
def test_lone_surrogates_are_422(api, make_user, text):
    user = make_user()
    assert_error(api("PUT", "/sync/notes/s", user, raw_body='{"data": {"t": ' + text + "}}"), 422)
    assert feed(api, user) == []


def test_a_valid_surrogate_pair_is_fine(api, make_user):
    user = make_user()
    assert api("PUT", "/sync/notes/emoji", user, raw_body='{"data": {"t": "\\ud83d\\ude00"}}').status == 200
    assert feed(api, user)[0]["data"] == {"t": "\U0001f600"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/me", '{"display_name": NaN}'),
        ("POST", "/devices", '{"platform": "fcm", "token": "\\ud800abcdefgh"}'),
        ("POST", "/notifications", '{"to": null, "title": "t", "body": "b", "data": {"x": Infinity}}'),
    ],
)
def test_every_route_refuses_what_strict_json_refuses(api, make_user, method, path, body):
    assert_error(api(method, path, make_user("providers"), raw_body=body), 422)


# ---- kind 4: state copied once and never refreshed -------------------------------------------------------
def test_a_role_change_reaches_the_profile_with_the_next_token(api, make_user):
    consumer = make_user("consumers")
    user = make_user("consumers")
    assert api("GET", "/me", user).body["role"] == "consumer"
    assert_error(api("POST", f"/providers/{user.sub}/subscribe", consumer), 404)
    promoted = User(user.sub, "[providers]", issued_at=user.issued_at + 60)  # signed in again
    assert api("GET", "/me", promoted).body["role"] == "provider"
    assert api("POST", f"/providers/{user.sub}/subscribe", consumer).status == 200
    demoted = User(user.sub, "[consumers]", issued_at=user.issued_at + 120)
    assert api("GET", "/sync", demoted).status == 200  # any signed-in call refreshes the copy
    assert_error(api("POST", f"/providers/{user.sub}/subscribe", make_user("consumers")), 404)
    # An older token replayed later cannot undo the demotion.
    assert api("GET", "/sync", promoted).status == 200
    assert_error(api("POST", f"/providers/{user.sub}/subscribe", make_user("consumers")), 404)


def test_access_tokens_are_refused_with_a_reason(api, make_user):
    user = make_user()
    access = User(user.sub, user.groups, token_use="access")
    reply = api("GET", "/me", access)
    assert_error(reply, 401)
    assert reply.body["error"] == "id_token_required" and "ID token" in reply.body["message"]
    me = api("GET", "/me", user).body
    assert me["email"] and me["email"].endswith("@example.test")


@pytest.mark.parametrize("sub", ["a#b", "x" * 5000, "\ud800", ""])
def test_a_verified_token_with_a_sub_no_key_can_hold_is_401_not_500(api, make_user, sub):
    """Cognito issues UUID subs; a signed token with another (a foreign pool, a test tool) is no caller."""
    reply = api("GET", "/me", User(sub, ("consumers",)))
    assert_error(reply, 401)


def test_email_arriving_with_a_newer_token_fills_the_profile(api, make_user):
    user = make_user()
    no_email = User(user.sub, user.groups, email=None, issued_at=int(time.time()) - 60)
    assert api("GET", "/me", no_email).body["email"] is None
    renamed = User(user.sub, user.groups, email="new@example.test", issued_at=int(time.time()))
    assert api("GET", "/me", renamed).body["email"] == "new@example.test"


# ---- kind 5: HTTP details real clients send ----------------------------------------------------------------
@pytest.mark.parametrize(
    "content_type",
    [
        "Application/JSON",
        "application/vnd.api+json",
        "APPLICATION/JSON; charset=UTF-8",
        "application/merge-patch+json",
    ],
)
def test_json_media_types_in_any_case_and_plus_json_are_json(api, make_user, content_type):
    reply = api(
        "PUT", "/me", make_user(), raw_body='{"display_name": "Ada"}', headers={"content-type": content_type}
    )
    assert reply.status == 200, reply.body
    assert reply.body["display_name"] == "Ada"


def test_refused_requests_are_counted_under_their_route(api, make_user, stack, subscription):
    user = make_user()
    assert_error(api("PUT", "/sync/notes/n1", user, {"data": "not an object"}), 422)
    assert_error(api("DELETE", "/sync/notes/n1?version=zero", user), 422)
    # Refused before routing (strict JSON, not JSON, not a JSON media type, too large): the same route.
    assert_error(api("PUT", "/sync/notes/n1", user, raw_body='{"data": {"x": NaN}}'), 422)
    assert_error(api("PUT", "/sync/notes/n1", user, raw_body="{bad"), 400)
    assert_error(
        api("PUT", "/sync/notes/n1", user, raw_body='{"data": {}}', headers={"content-type": "text/plain"}),
        415,
    )
    assert_error(api("PUT", "/me", user, raw_body='{"name": "' + "x" * 420_000 + '"}'), 413)
    subscription.flush()
    routes = {(e["route"], e["status"]) for e in delivered_events(stack) if e["user_id"] == user.sub}
    assert routes == {
        ("PUT /sync/{collection}/{id}", 422),
        ("DELETE /sync/{collection}/{id}", 422),
        ("PUT /sync/{collection}/{id}", 400),
        ("PUT /sync/{collection}/{id}", 415),
        ("PUT /me", 413),
    }


def test_responses_are_strict_json(api, make_user):
    user = make_user()
    api("PUT", "/sync/notes/j", user, {"data": {"f": 1.5, "big": 10**30}})
    raw = json.dumps(api("GET", "/sync", user).body)
    assert "NaN" not in raw and "Infinity" not in raw
