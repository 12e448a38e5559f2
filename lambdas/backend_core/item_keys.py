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
# Broadcasts at any audience size (issue 14): per-region subscriber counts, fan-out checkpoints, push claims.
SUBSCRIBER_COUNT_PREFIX = "SUBCOUNT#"  # in the provider's partition; never matches SUBSCRIBER_PREFIX
BROADCAST = "BROADCAST#"
BROADCAST_REGION_PREFIX = "REGION#"
PUSH_CLAIM_PREFIX = "PUSHED#"


# The partitions whose items belong to a user (`owners_of`): the account eraser's stream filter passes these.
OWNER_PARTITION_PREFIXES = (USER, SYNC_LOG, PROVIDER)


def contract() -> dict[str, object]:
    """The export for Terraform (`ops contracts export`): the key prefixes Terraform spells in a filter, by
    role. `sort_key_prefixes.device`: the endpoint cleanup's event source mapping passes the REMOVE records
    whose SK begins with it (terraform/modules/api, `device_key_prefix`), the test `is_device` makes.
    `owner_partition_prefixes`: the account eraser's mapping passes the writes to partitions that begin with
    one of them (`owner_partition_prefixes`), the partitions `owners_of` reads an owner from."""
    return {
        "sort_key_prefixes": {"device": DEVICE_PREFIX},
        "owner_partition_prefixes": list(OWNER_PARTITION_PREFIXES),
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
    both sides of a subscription (the provider's partition, the consumer's `SUB#` key). Empty for items of
    no user (idempotency records, drill canaries, ...)."""
    if pk.startswith(USER):
        return (pk.removeprefix(USER),)
    if pk.startswith(SYNC_LOG):
        return (pk.removeprefix(SYNC_LOG).split("#", 1)[0],)
    if pk.startswith(PROVIDER) and sk.startswith(SUBSCRIBER_PREFIX):
        return (pk.removeprefix(PROVIDER), sk.removeprefix(SUBSCRIBER_PREFIX))
    return ()
