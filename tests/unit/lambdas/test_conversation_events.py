"""The conversation live-event mapper: a new message goes to its recipient only, a receipt that moved forward to the
other party; rewrites, removals, placeholders and other items map to nothing."""

from __future__ import annotations

from backend_core import item_keys
from backend_core.conversation_events import conversation_live_events

AT = "2026-12-01T10:00:00.000000Z"


def _message(**extra):
    return {
        **item_keys.message("alice", "bob", "m1"),
        "message_id": "m1",
        "sender_id": "alice",
        "recipient_id": "bob",
        "text": "hello",
        "created_at": AT,
        **extra,
    }


def _receipt(up_to: str, message_id: str):
    return {
        **item_keys.read_receipt("bob", "alice", "us-east-1"),
        "reader_id": "bob",
        "peer_id": "alice",
        "up_to": up_to,
        "message_id": message_id,
        "read_at": AT,
    }


def test_a_new_message_goes_to_the_recipient_only() -> None:
    assert conversation_live_events(None, _message()) == [
        (
            "bob",
            {
                "type": "message",
                "peer_id": "alice",
                "message": {
                    "id": "m1",
                    "sender_id": "alice",
                    "recipient_id": "bob",
                    "text": "hello",
                    "media_id": None,
                    "created_at": AT,
                    "sender_deleted": False,
                },
            },
        )
    ]


def test_rewrites_placeholders_removals_and_other_items_map_to_nothing() -> None:
    assert conversation_live_events(_message(), _message()) == []  # a replica or a retry on the same item
    assert conversation_live_events(None, _message(sender_deleted=True, text=None)) == []
    assert conversation_live_events(_message(), None) == []
    assert conversation_live_events(None, {**item_keys.profile("bob"), "email": "b@x"}) == []
    assert conversation_live_events(None, None) == []


def test_a_receipt_that_moves_forward_goes_to_the_other_party() -> None:
    first = _receipt(f"{AT}#m1", "m1")
    assert conversation_live_events(None, first) == [
        ("alice", {"type": "read", "peer_id": "bob", "read_up_to": "m1", "read_at": AT})
    ]
    later = _receipt(f"{AT}#m2", "m2")
    assert conversation_live_events(first, later)[0][1]["read_up_to"] == "m2"
    assert conversation_live_events(later, later) == []
    assert conversation_live_events(later, first) == []


def test_conversation_keys_name_the_pair_once_and_the_owners_the_eraser_checks() -> None:
    assert item_keys.conversation_pk("bob", "alice") == item_keys.conversation_pk("alice", "bob")
    assert item_keys.conversation_members(item_keys.conversation_pk("bob", "alice")) == ("alice", "bob")
    message = item_keys.message("bob", "alice", "m1")
    assert item_keys.owners_of(message["PK"], message["SK"]) == ("bob",), "a message belongs to its sender"
    entry = item_keys.conversation_entry("alice", "bob")
    assert item_keys.owners_of(entry["PK"], entry["SK"]) == ("alice", "bob"), "the owner, then the peer shown"
    receipt = item_keys.read_receipt("alice", "bob", "us-east-1")
    assert item_keys.owners_of(receipt["PK"], receipt["SK"]) == ("alice",)
    assert any(message["PK"].startswith(p) for p in item_keys.OWNER_PARTITION_PREFIXES)


def _stream_record(old, new) -> dict:
    from backend_core.ddb import to_ddb

    item = new or old
    change = {"Keys": to_ddb({"PK": item["PK"], "SK": item["SK"]})}
    if old:
        change["OldImage"] = to_ddb(old)
    if new:
        change["NewImage"] = to_ddb(new)
    return {"eventName": "INSERT" if old is None else "MODIFY", "dynamodb": change}


def test_live_delivery_reads_messages_and_receipts_from_the_stream() -> None:
    """The registry (backend_core.live_events) maps both item families: a message is pushed when its recipient
    is connected nowhere, by the region that accepted it only; a receipt is never pushed."""
    from backend_core.live_events import events_of_record, push_needed

    ((recipient, message),) = events_of_record(_stream_record(None, _message(origin="us-east-1")))
    assert recipient == "bob"
    assert message.frame() == {
        "type": "message",
        "id": "m1",
        "at": AT,
        "data": {
            "peer_id": "alice",
            "message": {
                "id": "m1",
                "sender_id": "alice",
                "recipient_id": "bob",
                "text": "hello",
                "media_id": None,
                "created_at": AT,
                "sender_deleted": False,
            },
        },
    }
    assert message.push is not None and message.push.body == "hello"
    assert push_needed(message, "us-east-1", []) and not push_needed(message, "us-west-2", [])
    assert not push_needed(message, "us-east-1", ["us-west-2"])  # connected in the other region

    ((reader_peer, read),) = events_of_record(_stream_record(None, _receipt("p2", "m1")))
    assert reader_peer == "alice" and read.type == "read" and read.data["read_up_to"] == "m1"
    assert not push_needed(read, "us-east-1", [])
