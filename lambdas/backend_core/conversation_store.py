"""Conversations between a connected consumer and provider (issue 14): messages, list entries, read receipts.

Items (keys from `item_keys`, access patterns and the cross-region behaviour in backend_core/README.md):
- a message: PK=CONV#<a>#<b> (the pair, sorted), SK=MSG#<sender>#<message id>; GSI1 = the thread by
  `<created_at>#<message id>` (newest first when read back); GSI2 = MSGBY#<sender> (what the account eraser
  scrubs). Written once (`attribute_not_exists`): the id is derived from (sender, Idempotency-Key, request), so a
  retry served by either region lands on the same item.
- a list entry: PK=USER#<owner>, SK=CONVWITH#<peer>, one per side; GSI1 = CONVS#<owner> by
  `<last message at>#<peer>`; GSI2 = CONVPEER#<peer> (the entries others hold about a user). Moved forward only
  (a condition on `last_position`); between regions last writer wins, which keeps the later write.
- a read receipt: PK=USER#<reader>, SK=CONVREAD#<peer>#<region>, written only by that region and only forward;
  the receipt is the furthest of the regions' items, so replication never moves it back.
- a message Idempotency-Key claim: PK=USER#<sender>, SK=MSGKEY#<key> (request hash and message id, 24 h TTL).

Unread counts are derived at read time (the peer's messages after the reader's receipt, on GSI1), never a
counter: a counter two regions increment during a partition loses increments under last writer wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import TableAccess, conditional_failed, to_ddb, values

MESSAGE_KEY_TTL_SECONDS = 24 * 3600  # how long a message's Idempotency-Key is remembered
PREVIEW_CHARS = 100  # the list entry's preview of the last message
UNREAD_CAP = 99  # unread counts stop at 99 ("99+"): at most 100 items read per conversation
BATCH_GET = 100  # BatchGetItem's limit


@dataclass(frozen=True)
class Message:
    """One message of a conversation, as the thread holds it (the sender's and the recipient's view alike)."""

    message_id: str
    sender_id: str
    recipient_id: str
    text: str | None  # None once the sender's account was deleted
    media_id: str | None  # the sender's media object, if any
    created_at: str  # ISO-8601 UTC, from the clock of the region that accepted it
    sender_deleted: bool = False

    @property
    def position(self) -> str:
        """`<created_at>#<message id>`: the thread's order, and what a read receipt points at."""
        return item_keys.message_position(self.created_at, self.message_id)


@dataclass(frozen=True)
class ConversationEntry:
    """One entry of a user's conversation list: the thread with `peer_id` and its last message."""

    owner_id: str
    peer_id: str
    last_message_id: str
    last_sender_id: str
    last_at: str
    preview: str | None  # the last message's first PREVIEW_CHARS characters; None when it was erased
    peer_deleted: bool = False


@dataclass(frozen=True)
class Receipt:
    """How far `reader_id` has read the thread with `peer_id` (a receipt only moves forward)."""

    reader_id: str
    peer_id: str
    up_to: str  # the position of the last message read
    message_id: str
    read_at: str


@dataclass(frozen=True)
class MessagePage:
    """One page of a thread's messages, newest first, and where the next (older) page starts."""

    messages: list[Message]
    next_position: str | None  # GSI1SK of the last message served; None on the last page


@dataclass(frozen=True)
class EntryPage:
    """One page of a user's conversation list, most recent first, and where the next page starts."""

    entries: list[ConversationEntry]
    next_position: str | None  # GSI1SK of the last entry served; None on the last page


@dataclass(frozen=True)
class MessageClaim:
    """The first request that used an Idempotency-Key: its fingerprint and the message it creates."""

    request_hash: str
    message_id: str


def message_from_item(item: dict[str, Any]) -> Message:
    return Message(
        message_id=str(item["message_id"]),
        sender_id=str(item["sender_id"]),
        recipient_id=str(item["recipient_id"]),
        text=item.get("text"),
        media_id=item.get("media_id"),
        created_at=str(item["created_at"]),
        sender_deleted=bool(item.get("sender_deleted", False)),
    )


def entry_from_item(item: dict[str, Any]) -> ConversationEntry:
    return ConversationEntry(
        owner_id=item_keys.user_id_of(str(item["PK"])),
        peer_id=str(item["peer_id"]),
        last_message_id=str(item["last_message_id"]),
        last_sender_id=str(item["last_sender_id"]),
        last_at=str(item["last_at"]),
        preview=item.get("preview"),
        peer_deleted=bool(item.get("peer_deleted", False)),
    )


def receipt_from_item(item: dict[str, Any]) -> Receipt:
    return Receipt(
        reader_id=str(item["reader_id"]),
        peer_id=str(item["peer_id"]),
        up_to=str(item["up_to"]),
        message_id=str(item["message_id"]),
        read_at=str(item["read_at"]),
    )


class ConversationStore(TableAccess):
    def __init__(self, dynamodb_client: Any, table_name: str, region: str, regions: tuple[str, ...]) -> None:
        super().__init__(dynamodb_client, table_name)
        self.region = region
        self.regions = regions

    # Idempotency-Key claims ------------------------------------------------------------------------------
    def claim_key(self, sender_id: str, key: str, claim: MessageClaim, now_epoch: float) -> MessageClaim:
        """Claim the key for this request (conditional put); answer the claim that holds the key: this one, or
        the earlier request's (whose hash the caller compares)."""
        item = {
            **item_keys.message_key(sender_id, key),
            "request_hash": claim.request_hash,
            "message_id": claim.message_id,
            "expires_at": int(now_epoch) + MESSAGE_KEY_TTL_SECONDS,
        }
        try:
            self.db.put_item(
                TableName=self.table, Item=to_ddb(item), ConditionExpression="attribute_not_exists(PK)"
            )
            return claim
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
        found = self._get_item(item_keys.message_key(sender_id, key)) or item
        return MessageClaim(str(found["request_hash"]), str(found["message_id"]))

    # Messages --------------------------------------------------------------------------------------------
    def put_message(self, message: Message) -> Message:
        """Write the message once; answer the message as stored (an earlier write of the same id wins)."""
        key = item_keys.message(message.sender_id, message.recipient_id, message.message_id)
        item = {
            **key,
            "GSI1PK": key["PK"],
            "GSI1SK": message.position,
            "GSI2PK": item_keys.messages_by_pk(message.sender_id),
            "GSI2SK": f"{key['PK']}#{message.position}",
            "message_id": message.message_id,
            "sender_id": message.sender_id,
            "recipient_id": message.recipient_id,
            "text": message.text,
            "media_id": message.media_id,
            "created_at": message.created_at,
            "origin": self.region,  # the region that accepted it: the only one that pushes it (live_events)
        }
        try:
            self.db.put_item(
                TableName=self.table, Item=to_ddb(item), ConditionExpression="attribute_not_exists(PK)"
            )
            return message
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
        return self.get_message(message.sender_id, message.recipient_id, message.message_id) or message

    def get_message(self, sender_id: str, recipient_id: str, message_id: str) -> Message | None:
        item = self._get_item(item_keys.message(sender_id, recipient_id, message_id))
        return message_from_item(item) if item else None

    def find_message(self, user_a: str, user_b: str, message_id: str) -> Message | None:
        """A message of the pair's thread by id, whichever of the two sent it (two keyed reads at most)."""
        for sender, recipient in ((user_a, user_b), (user_b, user_a)):
            found = self.get_message(sender, recipient, message_id)
            if found is not None:
                return found
        return None

    def page(self, user_a: str, user_b: str, limit: int, after: str | None) -> MessagePage:
        """A page of the pair's thread, newest first (GSI1), after the position `after`."""
        pk = item_keys.conversation_pk(user_a, user_b)
        extra: dict[str, Any] = {}
        if after:
            message_id = after.rsplit("#", 1)[-1]
            # The table key of the item at `after` is needed for ExclusiveStartKey: its sender is not in the
            # cursor, and either side's key resumes the same GSI1 position (GSI1PK, GSI1SK decide the order).
            start = item_keys.message(user_a, user_b, message_id)
            extra = {"ExclusiveStartKey": to_ddb({**start, "GSI1PK": pk, "GSI1SK": after})}
        page = self._query_page(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=values(pk=pk),
            ScanIndexForward=False,
            Limit=limit,
            **extra,
        )
        return MessagePage([message_from_item(i) for i in page.items], (page.last_key or {}).get("GSI1SK"))

    def unread(self, reader_id: str, peer_id: str, after: str | None) -> tuple[int, bool]:
        """How many of the peer's messages follow the position `after` (None: all), counted among at most
        UNREAD_CAP + 1 of the newest messages: (count, capped?)."""
        pk = item_keys.conversation_pk(reader_id, peer_id)
        condition, named = "GSI1PK = :pk", {"pk": pk, "peer": peer_id}
        if after:
            condition += " AND GSI1SK > :after"
            named["after"] = after
        out = self.db.query(
            TableName=self.table,
            IndexName="GSI1",
            KeyConditionExpression=condition,
            FilterExpression="sender_id = :peer",
            ExpressionAttributeValues=values(**named),
            ScanIndexForward=False,
            Limit=UNREAD_CAP + 1,
            Select="COUNT",
        )
        count = int(out.get("Count", 0))
        return min(count, UNREAD_CAP), count > UNREAD_CAP or "LastEvaluatedKey" in out

    # List entries ----------------------------------------------------------------------------------------
    def touch_entries(self, message: Message) -> None:
        """Move both sides' list entries to `message` unless they already show a later one."""
        for owner, peer in (
            (message.sender_id, message.recipient_id),
            (message.recipient_id, message.sender_id),
        ):
            key = item_keys.conversation_entry(owner, peer)
            try:
                self.db.update_item(
                    TableName=self.table,
                    Key=to_ddb(key),
                    UpdateExpression=(
                        "SET GSI1PK = :list, GSI1SK = :recency, GSI2PK = :about, GSI2SK = :owner, "
                        "peer_id = :peer, last_message_id = :id, last_sender_id = :sender, last_at = :at, "
                        "last_position = :pos, preview = :preview"
                    ),
                    ConditionExpression="attribute_not_exists(PK) OR last_position < :pos",
                    ExpressionAttributeValues=values(
                        list=item_keys.conversations_pk(owner),
                        recency=item_keys.conversation_recency(message.created_at, peer),
                        about=item_keys.conversation_peer_pk(peer),
                        owner=item_keys.user_pk(owner),
                        peer=peer,
                        id=message.message_id,
                        sender=message.sender_id,
                        at=message.created_at,
                        pos=message.position,
                        preview=(message.text or "")[:PREVIEW_CHARS],
                    ),
                )
            except ClientError as exc:
                if not conditional_failed(exc):
                    raise

    def entry(self, owner_id: str, peer_id: str) -> ConversationEntry | None:
        item = self._get_item(item_keys.conversation_entry(owner_id, peer_id), consistent=False)
        return entry_from_item(item) if item else None

    def entries(self, owner_id: str, limit: int, after: str | None) -> EntryPage:
        """A page of the owner's conversations, most recent first (GSI1), after the position `after`."""
        extra: dict[str, Any] = {}
        if after:
            peer_id = after.rsplit("#", 1)[-1]
            start = {
                **item_keys.conversation_entry(owner_id, peer_id),
                "GSI1PK": item_keys.conversations_pk(owner_id),
                "GSI1SK": after,
            }
            extra = {"ExclusiveStartKey": to_ddb(start)}
        page = self._query_page(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=values(pk=item_keys.conversations_pk(owner_id)),
            ScanIndexForward=False,
            Limit=limit,
            **extra,
        )
        return EntryPage([entry_from_item(i) for i in page.items], (page.last_key or {}).get("GSI1SK"))

    # Read receipts ---------------------------------------------------------------------------------------
    def mark_read(self, reader_id: str, peer_id: str, message: Message, now: str) -> None:
        """Move this region's receipt forward to `message` (never back: a condition on `up_to`)."""
        try:
            self.db.update_item(
                TableName=self.table,
                Key=to_ddb(item_keys.read_receipt(reader_id, peer_id, self.region)),
                UpdateExpression=(
                    "SET reader_id = :reader, peer_id = :peer, up_to = :pos, message_id = :id, read_at = :now"
                ),
                ConditionExpression="attribute_not_exists(PK) OR up_to < :pos",
                ExpressionAttributeValues=values(
                    reader=reader_id, peer=peer_id, pos=message.position, id=message.message_id, now=now
                ),
            )
        except ClientError as exc:
            if not conditional_failed(exc):
                raise

    def receipts(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], Receipt]:
        """The receipt of each (reader, peer): the furthest of the regions' items (BatchGetItem)."""
        keys = [item_keys.read_receipt(r, p, region) for r, p in pairs for region in self.regions]
        unique = list({(k["PK"], k["SK"]): k for k in keys}.values())
        found: dict[tuple[str, str], Receipt] = {}
        for start in range(0, len(unique), BATCH_GET):
            for item in self._batch_get([to_ddb(k) for k in unique[start : start + BATCH_GET]]):
                receipt = receipt_from_item(item)
                pair = (receipt.reader_id, receipt.peer_id)
                if pair not in found or found[pair].up_to < receipt.up_to:
                    found[pair] = receipt
        return found
