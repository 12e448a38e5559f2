"""Live events (backend_core/live_events.py), the push-when-offline rule, delivery's handling of connections and the
$connect token checks (live_socket/tokens.py), without the local stack."""

from __future__ import annotations

import base64
import json
import time

import boto3
import pytest
import rsa
from moto import mock_aws

from backend_core import item_keys
from backend_core.ddb import to_ddb
from backend_core.live_connections import LiveConnection
from backend_core.live_events import MAPPERS, LiveEvent, PushText, events_of_record, push_needed, register
from backend_core.table_design import TABLE_DESIGN
from live_delivery.delivery import Gone, deliver
from live_socket.routes import LiveRoutes, Unauthorized, token_of
from live_socket.signing_keys import SigningKeyStore
from live_socket.tokens import KEPT_KEYS_SECONDS, KeysUnavailable, TokenRefused, TokenVerifier, TrustedIssuers

INBOX_ITEM = {
    **item_keys.inbox_entry("u1", "n1"),
    "notification_id": "n1",
    "provider_id": "p1",
    "title": "Hello",
    "body": "World",
    "data_json": json.dumps({"k": [1, 2]}),
    "created_at": "2026-12-01T10:00:00Z",
    "status": "pending",
}


def _record(old: dict | None, new: dict | None) -> dict:
    item = new or old or {}
    change: dict = {"Keys": to_ddb({"PK": item["PK"], "SK": item["SK"]})}
    if old:
        change["OldImage"] = to_ddb(old)
    if new:
        change["NewImage"] = to_ddb(new)
    name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    return {"eventName": name, "dynamodb": change}


def test_a_new_inbox_entry_is_a_notification_event_for_its_recipient():
    ((recipient, event),) = events_of_record(_record(None, INBOX_ITEM))
    assert recipient == "u1"
    assert event.frame() == {
        "type": "notification",
        "id": "n1",
        "at": "2026-12-01T10:00:00Z",
        "data": {
            "id": "n1",
            "provider_id": "p1",
            "title": "Hello",
            "body": "World",
            "data": {"k": [1, 2]},
            "created_at": "2026-12-01T10:00:00Z",
        },
    }
    assert not event.push_when_offline  # the notify worker pushes notifications itself


def test_the_sent_mark_and_removals_and_other_items_are_no_events():
    sent = {**INBOX_ITEM, "status": "sent"}
    assert events_of_record(_record(INBOX_ITEM, sent)) == []
    assert events_of_record(_record(sent, None)) == []
    assert events_of_record(_record(None, {**item_keys.profile("u1"), "name": "x"})) == []


def test_the_registry_and_the_terraform_filter_name_the_same_prefixes():
    assert set(MAPPERS) == set(item_keys.LIVE_EVENT_SK_PREFIXES)
    assert item_keys.contract()["live_event_sort_key_prefixes"] == list(item_keys.LIVE_EVENT_SK_PREFIXES)
    with pytest.raises(ValueError):
        register(item_keys.INBOX_ENTRY_PREFIX, lambda old, new: [])


def _message(origin: str | None = "us-east-1", push: bool = True) -> LiveEvent:
    """A fake message event, shaped as conversations' mapper will make it (its own module, merged later)."""
    return LiveEvent(
        type="message",
        id="m-1",
        at="2026-12-01T10:00:00Z",
        data={"peer_id": "u2", "text": "hi"},
        push_when_offline=push,
        origin=origin,
        push=PushText(title="u2", body="hi"),
    )


def test_push_when_offline_only_from_the_origin_and_only_when_connected_nowhere():
    assert push_needed(_message(), "us-east-1", [])
    assert not push_needed(_message(), "us-west-2", [])  # the other region saw the replica: no second push
    assert not push_needed(_message(), "us-east-1", ["us-west-2"])  # connected in the other region
    assert not push_needed(_message(), "us-east-1", ["us-east-1"])
    assert not push_needed(_message(push=False), "us-east-1", [])
    assert not push_needed(_message(origin=None), "us-east-1", [])


class _Connections:
    """The connection store's three calls, over a list (LiveConnectionStore is tested over the local stack)."""

    def __init__(self, held: list[LiveConnection]) -> None:
        self.held = held

    def for_user(self, user_id: str) -> list[LiveConnection]:
        return [c for c in self.held if c.user_id == user_id]

    def remove(self, user_id: str, region: str, connection_id: str) -> None:
        self.held = [
            c for c in self.held if (c.user_id, c.region, c.connection_id) != (user_id, region, connection_id)
        ]


MESSAGE_PREFIX = "TESTMSG#"


def _fake_message_mapper(old: dict | None, new: dict | None) -> list[tuple[str, LiveEvent]]:
    if old is not None or new is None:
        return []
    return [(str(new["to"]), _message(origin=str(new["origin"])))]


@pytest.fixture
def fake_messages():
    register(MESSAGE_PREFIX, _fake_message_mapper)
    yield
    MAPPERS.pop(MESSAGE_PREFIX)


def _message_record(origin: str = "us-east-1") -> dict:
    return _record(None, {"PK": "TESTPK#x", "SK": f"{MESSAGE_PREFIX}1", "to": "u2", "origin": origin})


def test_a_message_posts_to_connections_held_here_and_deletes_gone_ones(fake_messages):
    store = _Connections(
        [
            LiveConnection("u2", "us-east-1", "live=", ""),
            LiveConnection("u2", "us-east-1", "gone=", ""),
            LiveConnection("u2", "us-west-2", "other=", ""),
        ]
    )
    posted: list[tuple[str, dict]] = []
    pushed: list[str] = []

    def post(connection_id: str, data: bytes) -> None:
        if connection_id == "gone=":
            raise Gone(connection_id)
        posted.append((connection_id, json.loads(data)))

    outcome = deliver(_message_record(), "us-east-1", store, post, lambda r, e: pushed.append(r) or 1)  # type: ignore[arg-type]
    assert [c for c, _ in posted] == ["live="]  # never the other region's connection
    assert posted[0][1] == _message().frame()
    assert (outcome.posted, outcome.gone, outcome.pushed) == (1, 1, 0)
    assert [c.connection_id for c in store.held] == ["live=", "other="]
    assert pushed == []


def test_a_message_to_a_user_connected_nowhere_is_pushed_once_by_its_origin(fake_messages):
    pushes: list[tuple[str, str, str]] = []
    for region in ("us-east-1", "us-west-2"):  # each region's stream sees the write
        only_gone = _Connections([LiveConnection("u2", region, "gone=", "")])

        def post(connection_id: str, data: bytes) -> None:
            raise Gone(connection_id)

        deliver(
            _message_record(),
            region,
            only_gone,  # type: ignore[arg-type]
            post,
            lambda recipient, event, region=region: pushes.append((region, recipient, event.id)) or 1,
        )
    assert pushes == [("us-east-1", "u2", "m-1")]


# ---- $connect tokens -------------------------------------------------------------------------------------------
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test"
(PUBLIC, PRIVATE) = rsa.newkeys(1024)
(OTHER_PUBLIC, OTHER_PRIVATE) = rsa.newkeys(1024)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _token(private=PRIVATE, kid="k1", **claims) -> str:
    now = int(time.time())
    body = {"sub": "u1", "iss": ISSUER, "aud": "client", "token_use": "id", "exp": now + 600, **claims}
    head = _b64(json.dumps({"alg": "RS256", "kid": kid}).encode()) + "." + _b64(json.dumps(body).encode())
    return head + "." + _b64(rsa.sign(head.encode(), private, "SHA-256"))


def _jwks(url: str) -> dict:
    assert url == f"{ISSUER}/.well-known/jwks.json"
    n = _b64(PUBLIC.n.to_bytes((PUBLIC.n.bit_length() + 7) // 8, "big"))
    e = _b64(PUBLIC.e.to_bytes(3, "big"))
    return {"keys": [{"kid": "k1", "kty": "RSA", "alg": "RS256", "n": n, "e": e}]}


VERIFIER = TokenVerifier(
    TrustedIssuers({ISSUER: f"{ISSUER}/.well-known/jwks.json"}, ("client",)), fetch=_jwks
)


def test_a_valid_id_or_access_token_is_accepted():
    assert VERIFIER.verify(_token())["sub"] == "u1"
    assert VERIFIER.verify(_token(aud=None, token_use="access", client_id="client"))["sub"] == "u1"
    assert VERIFIER.verify(_token(aud=["x", "client"]))["sub"] == "u1"


# Tokens are minted when the test runs, not when pytest collects it: a whole suite takes longer than their life.
@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda: None, "missing"),
        (lambda: "x.y", "malformed"),
        (lambda: "a.b.c", "malformed"),
        (lambda: _token(private=OTHER_PRIVATE), "bad signature"),
        (lambda: _token(kid="k2"), "unknown key"),
        (lambda: _token(exp=int(time.time()) - 1), "expired"),
        (lambda: _token(iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"), "issuer"),
        (lambda: _token(aud="another-client"), "app client"),
        (lambda: _token(token_use="refresh"), "token_use"),
    ],
)
def test_a_bad_token_is_refused_with_a_reason(make_token, reason):
    with pytest.raises(TokenRefused, match=reason):
        VERIFIER.verify(make_token())


def test_keys_that_cannot_be_fetched_are_a_server_failure_not_a_refusal():
    def down(url: str) -> dict:
        raise OSError("connection refused")

    verifier = TokenVerifier(VERIFIER.trusted, fetch=down)
    with pytest.raises(KeysUnavailable):
        verifier.verify(_token())


def test_the_authorizer_allows_only_the_callers_own_channel():
    routes = LiveRoutes(verifier=lambda: VERIFIER, connections=None, region="us-east-1")  # type: ignore[arg-type]
    arn = "arn:aws:execute-api:us-east-1:1:api/live/$connect"
    own = routes.authorize({"methodArn": arn, "queryStringParameters": {"token": _token()}})
    assert own["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert own["context"] == {"sub": "u1", "channel": "users/u1"}
    other = routes.authorize(
        {"methodArn": arn, "queryStringParameters": {"token": _token(), "channel": "users/u2"}}
    )
    assert other["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    with pytest.raises(Unauthorized, match=r"^Unauthorized$"):
        routes.authorize({"methodArn": arn, "headers": {"Authorization": "Bearer nope"}})
    assert (
        token_of({"headers": {"authorization": "Bearer abc"}, "queryStringParameters": {"token": "q"}})
        == "abc"
    )
    assert (
        routes.message("u1", json.dumps({"action": "subscribe", "channel": "users/u2"}))["error"]
        == "forbidden"
    )
    assert routes.message("u1", "[1]")["error"] == "bad_request"
    assert routes.message("u1", json.dumps({"action": "ping"})) == {"type": "pong"}


# ---- signing keys kept in the table: the other region verifies while the issuer's JWKS is unreachable ----------


@pytest.fixture
def key_table():
    """A DynamoDB client and table (moto in process) and the PutItem calls made through the client."""
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-west-2")
        ddb.create_table(**TABLE_DESIGN.to_boto3_create_args("t"))  # the table the functions use
        puts: list[dict] = []
        ddb.meta.events.register("before-call.dynamodb.PutItem", lambda params, **_: puts.append(params))
        yield ddb, puts


def _unreachable(url: str) -> dict:
    raise OSError("connection refused")


def test_keys_one_region_fetched_verify_in_the_other_while_the_jwks_url_is_unreachable(key_table):
    ddb, puts = key_table
    store = SigningKeyStore(ddb, "t")
    primary = TokenVerifier(VERIFIER.trusted, fetch=_jwks, store=store)
    assert primary.verify(_token())["sub"] == "u1"
    assert primary.verify(_token(sub="u2"))["sub"] == "u2"
    assert len(puts) == 1, "the same keys are written once"
    assert store.load(ISSUER)[0] == _jwks(f"{ISSUER}/.well-known/jwks.json")

    warnings: list[tuple[str, dict]] = []
    dr = TokenVerifier(
        VERIFIER.trusted, fetch=_unreachable, store=store, log=lambda m, e: warnings.append((m, e))
    )
    assert dr.verify(_token())["sub"] == "u1"
    assert (
        warnings and "kept in the table" in warnings[0][0] and "connection refused" in warnings[0][1]["error"]
    )
    with pytest.raises(TokenRefused, match="bad signature"):
        dr.verify(_token(private=OTHER_PRIVATE))
    with pytest.raises(TokenRefused, match="unknown key"):
        dr.verify(_token(kid="k2"))


def test_with_no_keys_kept_an_unreachable_jwks_url_is_still_a_server_failure(key_table):
    ddb, _ = key_table
    verifier = TokenVerifier(VERIFIER.trusted, fetch=_unreachable, store=SigningKeyStore(ddb, "t"))
    with pytest.raises(KeysUnavailable, match="no keys are kept"):
        verifier.verify(_token())
    broken = TokenVerifier(VERIFIER.trusted, fetch=_unreachable, store=SigningKeyStore(ddb, "missing-table"))
    with pytest.raises(KeysUnavailable, match="cannot read the kept keys"):
        broken.verify(_token())


def test_kept_keys_stand_in_briefly_and_the_jwks_url_is_tried_again(key_table):
    ddb, _ = key_table
    store = SigningKeyStore(ddb, "t")
    TokenVerifier(VERIFIER.trusted, fetch=_jwks, store=store).verify(_token())
    now, fetches = [time.time()], []

    def flaky(url: str) -> dict:
        fetches.append(now[0])
        if len(fetches) == 1:
            raise OSError("timed out")
        return _jwks(url)

    verifier = TokenVerifier(VERIFIER.trusted, fetch=flaky, store=store, clock=lambda: now[0])
    verifier.verify(_token())
    verifier.verify(_token())
    assert len(fetches) == 1, "kept keys serve without a fetch per connection"
    now[0] += KEPT_KEYS_SECONDS + 1
    verifier.verify(_token())
    assert len(fetches) == 2, "the URL is tried again once the kept keys' time is up"


def test_a_store_that_cannot_write_does_not_refuse_a_valid_token(key_table):
    ddb, _ = key_table
    warnings: list[tuple[str, dict]] = []
    verifier = TokenVerifier(
        VERIFIER.trusted,
        fetch=_jwks,
        store=SigningKeyStore(ddb, "missing-table"),
        log=lambda m, e: warnings.append((m, e)),
    )
    assert verifier.verify(_token())["sub"] == "u1"
    assert [m for m, _ in warnings] == ["cannot keep the signing keys in the table"]
