"""DynamoDB item keys of the single table: the only module that spells a key prefix (`USER#`, `DEVICE#`...).

Every other module (the data-access stores, the stream consumers, ops, tests) builds and reads keys through
these functions, so a prefix can change in one place. See `backend_core.table_design` and the access
patterns in backend_core/README.md for what each key serves. Ids that become part of a key are restricted to
a safe alphabet (no `#`), so no caller can forge a key into another user's partition and every prefix match
below is exact.

Builders answer plain `{"PK": ..., "SK": ...}` dicts (strings); `backend_core.ddb.to_ddb` turns one into
DynamoDB's wire format. Terraform reads the prefixes it filters on from `terraform/contracts/item_keys.json`
(`contract()`, written by `ops contracts export`).
"""

from __future__ import annotations

import re

SAFE_ID = r"^[A-Za-z0-9_.:-]{1,128}$"
_SAFE = re.compile(SAFE_ID)
SEQ_WIDTH = 20  # zero-padded change sequence: string order == numeric order

# Partition (PK / GSI PK) prefixes.
USER = "USER#"
SYNC_LOG = "SYNCLOG#"
PUSH_TOKEN = "PUSHTOKEN#"  # noqa: S105 (a key prefix, not a secret)
INBOX = "INBOX#"
PROVIDER = "PROVIDER#"
# The DR drill's canary items, one partition (drill/settings.py; the drill role may touch no other).
DRILL = "DRILL#"
DRILL_CANARY_PARTITION = f"{DRILL}CANARY"
FOLLOWS = "FOLLOWS#"
IDEMPOTENCY = "IDEMPOTENCY#"
PROVIDER_APPLICATIONS = "PROVIDERAPPS#"  # GSI1: the applications in one status, oldest first
# Sort key (SK) prefixes and fixed sort keys.
PROFILE_SK = "PROFILE"
IDEMPOTENCY_SK = "IDEMPOTENCY"
SYNC_COUNTER_PREFIX = "SYNCSEQ#"
SYNC_COPY_PREFIX = "ITEM#"
DEVICE_PREFIX = "DEVICE#"
MEDIA_FAMILY = "MEDIA"  # begins every media item's SK: objects and use records (the audits' scan filter)
MEDIA_PREFIX = f"{MEDIA_FAMILY}#"
MEDIA_USE_PREFIX = f"{MEDIA_FAMILY}USE#"
INBOX_ENTRY_PREFIX = "NOTIF#"
SUBSCRIBER_PREFIX = "SUB#"
PROVIDER_APPLICATION_SK = "PROVIDERAPP"
ACCOUNT_ERASURE_SK = "ERASURE"  # the account-deletion tombstone: outlives everything else of the user
# Conversations (issue 14, backend_core.conversation_store): one partition per pair, messages in it by id, the
# thread's order on GSI1; per-user list entries, read receipts (one per region) and message idempotency keys in
# the user's partition; the messages a user sent and the entries others hold about a user on GSI2 (erasure).
CONVERSATION = "CONV#"
CONVERSATIONS = "CONVS#"  # GSI1: a user's conversations, most recent first
MESSAGES_BY = "MSGBY#"  # GSI2: the messages a user sent
CONVERSATION_PEER = "CONVPEER#"  # GSI2: the list entries other users hold about a user
MESSAGE_PREFIX = "MSG#"
CONVERSATION_ENTRY_PREFIX = "CONVWITH#"
READ_RECEIPT_PREFIX = "CONVREAD#"
MESSAGE_KEY_PREFIX = "MSGKEY#"

# Live delivery (issue 14, live14): a user's open WebSocket connections, one item per connection under the user's
# partition (replicated: each region sees the other's), `LIVECONN#<region>#<connection id>`.
LIVE_CONNECTION_PREFIX = "LIVECONN#"
# The sort-key prefixes of the items whose stream records become live events (backend_core/live_events.py keeps
# one mapper per prefix; the live_delivery event source mapping passes only these).
LIVE_EVENT_SK_PREFIXES = (INBOX_ENTRY_PREFIX, MESSAGE_PREFIX, READ_RECEIPT_PREFIX)
# The last JWKS live_socket fetched for a trusted issuer (public keys, replicated), so the other region can still
# verify that issuer's tokens while the issuer's JWKS endpoint is unreachable (live_socket/signing_keys.py).
SIGNING_KEYS = "SIGNINGKEYS#"
SIGNING_KEYS_SK = "JWKS"

# Broadcasts at any audience size (issue 14): per-region subscriber counts, fan-out checkpoints, push claims.
SUBSCRIBER_COUNT_PREFIX = "SUBCOUNT#"  # in the provider's partition; never matches SUBSCRIBER_PREFIX
BROADCAST = "BROADCAST#"
BROADCAST_REGION_PREFIX = "REGION#"
PUSH_CLAIM_PREFIX = "PUSHED#"


# The partitions whose items belong to a user (`owners_of`): the account eraser's stream filter passes these.
OWNER_PARTITION_PREFIXES = (USER, SYNC_LOG, PROVIDER, CONVERSATION)


def contract() -> dict[str, object]:
    """The export for Terraform (`ops contracts export`): the key prefixes Terraform spells in a filter, by
    role. `sort_key_prefixes.device`: the endpoint cleanup's event source mapping passes the REMOVE records
    whose SK begins with it (terraform/modules/api, `device_key_prefix`), the test `is_device` makes.
    `owner_partition_prefixes`: the account eraser's mapping passes the writes to partitions that begin with
    one of them (`owner_partition_prefixes`), the partitions `owners_of` reads an owner from.
    `live_event_sort_key_prefixes`: the live_delivery mapping passes the writes of items whose SK begins with
    one of them (terraform/modules/live), the items backend_core/live_events.py has a mapper for.
    `partition_prefixes.signing_keys`: the only partitions live_socket may read (its IAM condition on
    `dynamodb:LeadingKeys`, terraform/modules/api `signing_keys_prefix`), those `signing_keys` writes."""
    return {
        "sort_key_prefixes": {"device": DEVICE_PREFIX},
        "partition_prefixes": {"signing_keys": SIGNING_KEYS},
        "owner_partition_prefixes": list(OWNER_PARTITION_PREFIXES),
        "live_event_sort_key_prefixes": list(LIVE_EVENT_SK_PREFIXES),
    }


class InvalidKeyPart(ValueError):
    """An id that would not be a safe key component."""


def safe(part: str) -> str:
    if not isinstance(part, str) or not _SAFE.fullmatch(part):
        raise InvalidKeyPart(f"invalid id {part!r}: use 1-128 of A-Z a-z 0-9 _ . : -")
    return part


def user_pk(user_id: str) -> str:
    return f"{USER}{safe(user_id)}"


def user_id_of(pk: str) -> str:
    """The user id of a `USER#<id>` partition key. Raises InvalidKeyPart for any other key."""
    if not pk.startswith(USER):
        raise InvalidKeyPart(f"{pk!r} is not a user partition")
    return pk.removeprefix(USER)


def profile(user_id: str) -> dict[str, str]:
    return {"PK": user_pk(user_id), "SK": PROFILE_SK}


def sync_counter(user_id: str, origin: str) -> dict[str, str]:
    """The user's change counter in one region: only that region ever writes it."""
    return {"PK": user_pk(user_id), "SK": f"{SYNC_COUNTER_PREFIX}{safe(origin)}"}


def sync_copies_prefix(collection: str, item_id: str) -> str:
    """SK prefix of every region's copy of one synced item (ids contain no '#', so it is exact)."""
    return f"{SYNC_COPY_PREFIX}{safe(collection)}#{safe(item_id)}#"


def sync_copy(user_id: str, collection: str, item_id: str, origin: str) -> dict[str, str]:
    """One region's copy of a synced item: only that region writes it, so replication never overwrites it."""
    return {"PK": user_pk(user_id), "SK": f"{sync_copies_prefix(collection, item_id)}{safe(origin)}"}


def is_sync_copy(sk: str) -> bool:
    return sk.startswith(SYNC_COPY_PREFIX)


def sync_log_pk(user_id: str, origin: str) -> str:
    """The change log of the user's writes made in one region (one record per change, gap-free)."""
    return f"{SYNC_LOG}{safe(user_id)}#{safe(origin)}"


def is_sync_log(pk: str) -> bool:
    return pk.startswith(SYNC_LOG)


def sync_log(user_id: str, origin: str, seq: int) -> dict[str, str]:
    return {"PK": sync_log_pk(user_id, origin), "SK": seq_key(seq)}


def seq_key(seq: int) -> str:
    return str(seq).zfill(SEQ_WIDTH)


def device(user_id: str, device_id: str) -> dict[str, str]:
    return {"PK": user_pk(user_id), "SK": f"{DEVICE_PREFIX}{safe(device_id)}"}


def is_device(sk: str) -> bool:
    return sk.startswith(DEVICE_PREFIX)


def push_token_pk(device_id: str) -> str:
    """GSI2 partition of every registration of one push token (whoever registered it, in any region)."""
    return f"{PUSH_TOKEN}{safe(device_id)}"


def media(user_id: str, media_id: str) -> dict[str, str]:
    return {"PK": user_pk(user_id), "SK": f"{MEDIA_PREFIX}{safe(media_id)}"}


def media_use(user_id: str, media_id: str, region: str) -> dict[str, str]:
    """When one region last handed out a URL to a media object (and the restore it started): only that
    region writes it, so a use recorded in the other region during a partition is never overwritten."""
    return {"PK": user_pk(user_id), "SK": f"{media_use_prefix(media_id)}{safe(region)}"}


def media_use_prefix(media_id: str) -> str:
    """SK prefix of every region's use record of one media object."""
    return f"{MEDIA_USE_PREFIX}{safe(media_id)}#"


def media_id_of(sk: str) -> str | None:
    """The media id of a media object's SK (`MEDIA#<id>`) or of a use record's (`MEDIAUSE#<id>#<region>`);
    None for any other item."""
    if sk.startswith(MEDIA_USE_PREFIX):
        return sk.removeprefix(MEDIA_USE_PREFIX).split("#", 1)[0]
    if sk.startswith(MEDIA_PREFIX):
        return sk.removeprefix(MEDIA_PREFIX)
    return None


def inbox_entry(user_id: str, notification_id: str) -> dict[str, str]:
    """One entry per notification and recipient: the same notification delivered by both regions (a retry
    during a partition) lands on the same item."""
    return {"PK": user_pk(user_id), "SK": f"{INBOX_ENTRY_PREFIX}{safe(notification_id)}"}


def is_inbox_entry(sk: str) -> bool:
    return sk.startswith(INBOX_ENTRY_PREFIX)


def inbox_pk(user_id: str) -> str:
    """GSI1 partition of a user's inbox, sorted by `<created_at>#<notification id>`."""
    return f"{INBOX}{safe(user_id)}"


def inbox_sort(created_at: str, notification_id: str) -> str:
    return f"{created_at}#{safe(notification_id)}"


def provider_pk(provider_id: str) -> str:
    """The partition of a provider's subscribers."""
    return f"{PROVIDER}{safe(provider_id)}"


def subscription(provider_id: str, consumer_id: str) -> dict[str, str]:
    return {"PK": provider_pk(provider_id), "SK": f"{SUBSCRIBER_PREFIX}{safe(consumer_id)}"}


def follows_pk(consumer_id: str) -> str:
    """GSI1 partition of the providers a consumer follows (GSI1SK = the provider's partition key)."""
    return f"{FOLLOWS}{safe(consumer_id)}"


# ---- broadcasts (issue 14) --------------------------------------------------------------------------------
def subscriber_count(provider_id: str, region: str) -> dict[str, str]:
    """One region's share of a provider's subscriber count: only that region writes it (no last-writer-wins
    loss); the count is the sum over the partition's `SUBCOUNT#` items."""
    return {"PK": provider_pk(provider_id), "SK": f"{SUBSCRIBER_COUNT_PREFIX}{safe(region)}"}


def broadcast_checkpoint(notification_id: str, region: str) -> dict[str, str]:
    """How far one region's fan-out of a broadcast got (pages done): only that region writes it."""
    return {"PK": f"{BROADCAST}{safe(notification_id)}", "SK": f"{BROADCAST_REGION_PREFIX}{safe(region)}"}


def push_claim(user_id: str, notification_id: str, region: str) -> dict[str, str]:
    """The claim a region puts before pushing one notification to one recipient: at most one push per region,
    notification and recipient. Only that region writes it (in the recipient's partition, erased with it)."""
    return {"PK": user_pk(user_id), "SK": f"{PUSH_CLAIM_PREFIX}{safe(notification_id)}#{safe(region)}"}


def idempotency(provider_id: str, key: str) -> dict[str, str]:
    return {"PK": f"{IDEMPOTENCY}{safe(provider_id)}#{safe(key)}", "SK": IDEMPOTENCY_SK}


def provider_application(user_id: str) -> dict[str, str]:
    """A user's one application to become a provider (a new request replaces a rejected one)."""
    return {"PK": user_pk(user_id), "SK": PROVIDER_APPLICATION_SK}


def provider_applications_pk(status: str) -> str:
    """GSI1 partition of the applications in one status (pending, approved, rejected): operators list them
    without a Scan. One partition per status is enough: applications are a few a day, not a hot key."""
    return f"{PROVIDER_APPLICATIONS}{safe(status)}"


def provider_application_sort(requested_at: str, user_id: str) -> str:
    return f"{requested_at}#{safe(user_id)}"


def account_erasure(user_id: str) -> dict[str, str]:
    """The tombstone of a deleted account: while it exists, anything written for the user is erased again."""
    return {"PK": user_pk(user_id), "SK": ACCOUNT_ERASURE_SK}


def is_account_erasure(pk: str, sk: str) -> bool:
    return pk.startswith(USER) and sk == ACCOUNT_ERASURE_SK


def owners_of(pk: str, sk: str) -> tuple[str, ...]:
    """The users an item belongs to, from its keys: the user of a `USER#` partition or of a change log, and
    both sides of a subscription (the provider's partition, the consumer's `SUB#` key); a conversation
    message's sender (`MSG#<sender>#<id>`); a conversation list entry's owner, then its peer (the entry shows
    the peer's last message). Empty for items of no user (idempotency records, drill canaries, ...)."""
    if pk.startswith(USER) and sk.startswith(CONVERSATION_ENTRY_PREFIX):
        return (pk.removeprefix(USER), sk.removeprefix(CONVERSATION_ENTRY_PREFIX))
    if pk.startswith(USER):
        return (pk.removeprefix(USER),)
    if pk.startswith(CONVERSATION):
        return (message_sender_of(sk),) if sk.startswith(MESSAGE_PREFIX) else conversation_members(pk)
    if pk.startswith(SYNC_LOG):
        return (pk.removeprefix(SYNC_LOG).split("#", 1)[0],)
    if pk.startswith(PROVIDER) and sk.startswith(SUBSCRIBER_PREFIX):
        return (pk.removeprefix(PROVIDER), sk.removeprefix(SUBSCRIBER_PREFIX))
    return ()


# Conversations (issue 14) ----------------------------------------------------------------------------------


def conversation_pk(user_a: str, user_b: str) -> str:
    """The one partition of the two users' messages, whoever writes: the ids in sorted order."""
    first, second = sorted((safe(user_a), safe(user_b)))
    return f"{CONVERSATION}{first}#{second}"


def conversation_members(pk: str) -> tuple[str, str]:
    """The two user ids of a conversation partition key. Raises InvalidKeyPart for any other key."""
    if not pk.startswith(CONVERSATION):
        raise InvalidKeyPart(f"{pk!r} is not a conversation partition")
    first, _, second = pk.removeprefix(CONVERSATION).partition("#")
    return first, second


def is_conversation(pk: str) -> bool:
    return pk.startswith(CONVERSATION)


def message(sender_id: str, recipient_id: str, message_id: str) -> dict[str, str]:
    """One message: keyed by sender and id (not time), so a retry another region serves (the same derived id)
    lands on the same item; the thread's order is GSI1 (`message_position`)."""
    return {
        "PK": conversation_pk(sender_id, recipient_id),
        "SK": f"{MESSAGE_PREFIX}{safe(sender_id)}#{safe(message_id)}",
    }


def is_message(pk: str, sk: str) -> bool:
    return pk.startswith(CONVERSATION) and sk.startswith(MESSAGE_PREFIX)


def message_sender_of(sk: str) -> str:
    return sk.removeprefix(MESSAGE_PREFIX).split("#", 1)[0]


def message_position(created_at: str, message_id: str) -> str:
    """GSI1SK of a message: `<created_at>#<message id>`, the thread's order (newest first when read back)."""
    return f"{created_at}#{safe(message_id)}"


def messages_by_pk(sender_id: str) -> str:
    """GSI2 partition of every message a user sent (what the account eraser scrubs)."""
    return f"{MESSAGES_BY}{safe(sender_id)}"


def conversation_entry(owner_id: str, peer_id: str) -> dict[str, str]:
    """The owner's entry in their conversation list for the thread with `peer_id`."""
    return {"PK": user_pk(owner_id), "SK": f"{CONVERSATION_ENTRY_PREFIX}{safe(peer_id)}"}


def is_conversation_entry(pk: str, sk: str) -> bool:
    return pk.startswith(USER) and sk.startswith(CONVERSATION_ENTRY_PREFIX)


def conversations_pk(owner_id: str) -> str:
    """GSI1 partition of a user's conversation list (GSI1SK = `<last message at>#<peer id>`)."""
    return f"{CONVERSATIONS}{safe(owner_id)}"


def conversation_recency(last_at: str, peer_id: str) -> str:
    return f"{last_at}#{safe(peer_id)}"


def conversation_peer_pk(peer_id: str) -> str:
    """GSI2 partition of every list entry other users hold about `peer_id` (the account eraser marks them)."""
    return f"{CONVERSATION_PEER}{safe(peer_id)}"


def read_receipt(reader_id: str, peer_id: str, region: str) -> dict[str, str]:
    """How far `reader_id` has read the thread with `peer_id`, as recorded in one region: only that region
    writes it, so replication never moves a receipt back; the receipt is the furthest of the regions'."""
    return {"PK": user_pk(reader_id), "SK": f"{READ_RECEIPT_PREFIX}{safe(peer_id)}#{safe(region)}"}


def is_read_receipt(pk: str, sk: str) -> bool:
    return pk.startswith(USER) and sk.startswith(READ_RECEIPT_PREFIX)


def message_key(sender_id: str, key: str) -> dict[str, str]:
    """A message's Idempotency-Key claim, in the sender's partition (erased with it)."""
    return {"PK": user_pk(sender_id), "SK": f"{MESSAGE_KEY_PREFIX}{safe(key)}"}


# ---- live delivery (issue 14, live14) ----------------------------------------------------------------------
# API Gateway's connection ids are base64 ("L0SM9cOFvHcCIhw="): their own alphabet, still without '#'.
_CONNECTION_ID = re.compile(r"^[A-Za-z0-9+/=_-]{1,128}$")


def safe_connection_id(connection_id: str) -> str:
    if not isinstance(connection_id, str) or not _CONNECTION_ID.fullmatch(connection_id):
        raise InvalidKeyPart(f"invalid connection id {connection_id!r}")
    return connection_id


def live_connection(user_id: str, region: str, connection_id: str) -> dict[str, str]:
    """One open WebSocket connection of a user, held by one region's API (only that region can post to it)."""
    return {
        "PK": user_pk(user_id),
        "SK": f"{LIVE_CONNECTION_PREFIX}{safe(region)}#{safe_connection_id(connection_id)}",
    }


def is_live_connection(sk: str) -> bool:
    return sk.startswith(LIVE_CONNECTION_PREFIX)


def signing_keys(issuer: str) -> dict[str, str]:
    """The item holding an issuer's last fetched JWKS. The issuer is a trusted-issuers URL (configuration, never
    user input), so it is not held to `safe`."""
    if not isinstance(issuer, str) or not issuer.startswith(("https://", "http://")):
        raise InvalidKeyPart(f"not an issuer URL: {issuer!r}")
    return {"PK": f"{SIGNING_KEYS}{issuer}", "SK": SIGNING_KEYS_SK}


def is_live_event_item(sk: str) -> bool:
    """An item whose stream records may become live events (LIVE_EVENT_SK_PREFIXES)."""
    return sk.startswith(LIVE_EVENT_SK_PREFIXES)
