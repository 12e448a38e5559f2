"""The conversation rules without HTTP, against the moto-backed table: who may converse (a connected consumer and
provider, both directions), history newest first by cursor, Idempotency-Key semantics (also when the claim is not
seen, as in the other region during a partition), derived unread counts, monotonic read receipts (also across
regions' receipt items), and the account eraser's conversation step (the peer keeps a marked thread)."""

from __future__ import annotations

import pytest

from backend_core import item_keys
from backend_core.account_erasure import EraseContext, erase_conversations, erase_late_item
from backend_core.conversation_store import ConversationStore
from backend_core.ddb import from_ddb, to_ddb
from backend_core.erasure_store import ErasureStore
from mobile_api.services import conversations as rules
from mobile_api.services.errors import Forbidden, Invalid, NotFound

OTHER_REGION = "us-west-2"


@pytest.fixture
def pair(deps, make_caller, clock):
    """A provider and a consumer following it."""
    provider, consumer = make_caller("providers"), make_caller("consumers")
    deps.subscriptions.subscribe(provider.user_id, consumer.user_id, "2026-11-30T00:00:00.000000Z")
    return provider, consumer


def send(deps, caller, peer, clock, text="hi", key=None, media_id=None):
    clock.advance(1)
    draft = rules.Draft(text=text, media_id=media_id)
    return rules.send(
        deps.conversations, deps.subscriptions, deps.media, caller, peer.user_id, draft, key, clock
    )


def history(deps, caller, peer, limit=50, after=None):
    return rules.history(deps.conversations, deps.subscriptions, caller, peer.user_id, limit, after)


def listing(deps, caller):
    return {
        c.entry.peer_id: c
        for c in rules.conversation_list(deps.conversations, caller, 50, None).conversations
    }


def test_a_connected_pair_converses_both_ways_and_strangers_cannot(deps, make_caller, clock, pair):
    provider, consumer = pair
    first = send(deps, consumer, provider, clock, "question").message
    answer = send(deps, provider, consumer, clock, "answer").message
    assert [m.text for m in history(deps, consumer, provider).messages] == ["answer", "question"]
    assert [m.message_id for m in history(deps, provider, consumer).messages] == [
        answer.message_id,
        first.message_id,
    ]

    stranger = make_caller("consumers")
    with pytest.raises(Forbidden) as refused:
        send(deps, stranger, provider, clock)
    assert refused.value.code == "not_connected"
    with pytest.raises(NotFound):  # nobody reads a thread they are not part of
        history(deps, stranger, provider)
    with pytest.raises(NotFound):
        rules.mark_read(
            deps.conversations, deps.subscriptions, stranger, provider.user_id, first.message_id, clock
        )
    with pytest.raises(Invalid):
        send(deps, consumer, consumer, clock)
    with pytest.raises(NotFound):  # a media id that is not the sender's
        send(deps, consumer, provider, clock, media_id="not-mine")
    assert listing(deps, stranger) == {}


def test_history_pages_newest_first_by_cursor(deps, clock, pair):
    provider, consumer = pair
    sent = [
        send(deps, consumer if n % 2 else provider, provider if n % 2 else consumer, clock, f"m{n}")
        for n in range(5)
    ]
    pages, after = [], None
    while True:
        page = history(deps, consumer, provider, limit=2, after=after)
        pages.append([m.text for m in page.messages])
        if page.next_position is None:
            break
        after = page.next_position
    assert [t for p in pages for t in p] == [s.message.text for s in reversed(sent)]
    assert all(len(p) <= 2 for p in pages)


def test_a_retry_with_the_same_key_is_one_message_even_when_the_claim_is_not_seen(deps, clock, pair):
    provider, consumer = pair
    first = send(deps, consumer, provider, clock, "once", key="k1")
    again = send(deps, consumer, provider, clock, "once", key="k1")
    assert again.replayed and again.message == first.message
    with pytest.raises(Invalid) as mismatch:
        send(deps, consumer, provider, clock, "another", key="k1")
    assert mismatch.value.code == "idempotency_mismatch"

    # The other region during a partition: no claim there, the same derived id, so the same item.
    deps.dynamodb.delete_item(
        TableName=deps.settings.table_name, Key=to_ddb(item_keys.message_key(consumer.user_id, "k1"))
    )
    elsewhere = send(deps, consumer, provider, clock, "once", key="k1")
    assert elsewhere.message.message_id == first.message.message_id
    assert [m.text for m in history(deps, provider, consumer).messages] == ["once"]
    assert rules.message_id_for("u", "k", "h") == rules.message_id_for("u", "k", "h")
    assert rules.message_id_for("u", None, "h") != rules.message_id_for("u", None, "h")


def test_unread_counts_are_derived_and_receipts_never_move_back(deps, clock, pair):
    provider, consumer = pair
    older = send(deps, provider, consumer, clock, "one").message
    send(deps, provider, consumer, clock, "two")
    newest = send(deps, provider, consumer, clock, "three").message
    send(deps, consumer, provider, clock, "mine")  # the reader's own messages are never unread
    mine = listing(deps, consumer)[provider.user_id]
    assert (mine.unread, mine.unread_capped, mine.read_up_to) == (3, False, None)
    assert listing(deps, provider)[consumer.user_id].unread == 1

    state = rules.mark_read(
        deps.conversations, deps.subscriptions, consumer, provider.user_id, newest.message_id, clock
    )
    assert (state.unread, state.receipt.message_id) == (0, newest.message_id)
    back = rules.mark_read(
        deps.conversations, deps.subscriptions, consumer, provider.user_id, older.message_id, clock
    )
    assert back.receipt.message_id == newest.message_id, "a receipt never moves back"

    # The other region's receipt item (written there during a partition) is older: the furthest one counts.
    other = ConversationStore(
        deps.dynamodb, deps.settings.table_name, OTHER_REGION, (deps.settings.region, OTHER_REGION)
    )
    other.mark_read(consumer.user_id, provider.user_id, older, "2026-11-30T13:00:00.000000Z")
    local = ConversationStore(
        deps.dynamodb, deps.settings.table_name, deps.settings.region, (deps.settings.region, OTHER_REGION)
    )
    receipt = local.receipts([(consumer.user_id, provider.user_id)])[(consumer.user_id, provider.user_id)]
    assert receipt.message_id == newest.message_id
    assert listing(deps, provider)[consumer.user_id].peer_read_up_to == newest.message_id


def test_the_list_is_most_recent_first(deps, make_caller, clock, pair):
    provider, consumer = pair
    second = make_caller("consumers")
    deps.subscriptions.subscribe(provider.user_id, second.user_id, "2026-11-30T00:00:00.000000Z")
    send(deps, consumer, provider, clock, "a")
    send(deps, second, provider, clock, "b")
    page = rules.conversation_list(deps.conversations, provider, 1, None)
    assert [c.entry.peer_id for c in page.conversations] == [second.user_id]
    rest = rules.conversation_list(deps.conversations, provider, 5, page.next_position)
    assert [c.entry.peer_id for c in rest.conversations] == [consumer.user_id]
    send(deps, consumer, provider, clock, "c")
    order = rules.conversation_list(deps.conversations, provider, 5, None).conversations
    assert [(c.entry.peer_id, c.entry.preview) for c in order] == [
        (consumer.user_id, "c"),
        (second.user_id, "b"),
    ]


def _ctx(deps) -> EraseContext:
    return EraseContext(
        deps.dynamodb, deps.settings.table_name, None, "", None, "us-east-1", ("us-east-1",), {}
    )


def _raw(deps, key):
    out = deps.dynamodb.get_item(TableName=deps.settings.table_name, Key=to_ddb(key), ConsistentRead=True)
    return from_ddb(out["Item"]) if "Item" in out else None


def test_erasure_leaves_the_peer_a_marked_thread_without_the_users_content(deps, clock, pair):
    provider, consumer = pair
    send(deps, consumer, provider, clock, "secret from the consumer")
    kept = send(deps, provider, consumer, clock, "the provider's reply").message
    last = send(deps, consumer, provider, clock, "last secret").message
    ErasureStore(deps.dynamodb, deps.settings.table_name).request(
        consumer.user_id, None, "now", 2_000_000_000
    )

    assert erase_conversations(_ctx(deps), consumer.user_id) == 3  # two messages, the provider's entry
    assert erase_conversations(_ctx(deps), consumer.user_id) == 0, "idempotent"
    thread = history(deps, provider, consumer).messages
    assert [(m.text, m.sender_deleted) for m in thread] == [
        (None, True),
        ("the provider's reply", False),
        (None, True),
    ]
    entry = listing(deps, provider)[consumer.user_id]
    assert entry.entry.peer_deleted and entry.entry.preview is None

    # A late replica of one of the user's messages (and of the provider's entry showing it) is scrubbed again;
    # the eraser's own writes come back through the stream and change nothing.
    message_key = item_keys.message(consumer.user_id, provider.user_id, last.message_id)
    late = {**_raw(deps, message_key), "text": "last secret", "GSI2PK": "x", "GSI2SK": "y"}
    late.pop("sender_deleted")
    deps.dynamodb.put_item(TableName=deps.settings.table_name, Item=to_ddb(late))
    assert erase_late_item(_ctx(deps), late) == 1
    assert erase_late_item(_ctx(deps), _raw(deps, message_key)) == 0
    entry_key = item_keys.conversation_entry(provider.user_id, consumer.user_id)
    stale = {**_raw(deps, entry_key), "preview": "last secret", "peer_deleted": False}
    deps.dynamodb.put_item(TableName=deps.settings.table_name, Item=to_ddb(stale))
    assert erase_late_item(_ctx(deps), stale) == 1
    assert _raw(deps, entry_key) is not None, "the peer's entry stays"
    assert "preview" not in _raw(deps, entry_key)
    assert erase_late_item(_ctx(deps), _raw(deps, entry_key)) == 0
    assert "secret" not in str(_raw(deps, message_key)) and kept.text == "the provider's reply"
