"""The account eraser against the moto server (through the local stack's gateway): an erased consumer leaves the
subscriber counts once, the pair and its decrement in one transaction (a failed count update keeps the pair; a
retry after a crash neither skips nor doubles a decrement).
"""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.account_erasure import (
    EraseContext,
    leave_subscriber_counts,
)
from backend_core.ddb import from_ddb, to_ddb
from backend_core.subscription_store import SubscriptionStore

REGION = "us-east-1"
NOW = "2026-11-30T00:00:00.000000Z"


def _ctx(deps) -> EraseContext:
    return EraseContext(deps.dynamodb, deps.settings.table_name, None, "", None, REGION, (REGION,), {})


def _raw(deps, key: dict[str, str]) -> dict | None:
    out = deps.dynamodb.get_item(TableName=deps.settings.table_name, Key=to_ddb(key), ConsistentRead=True)
    return from_ddb(out["Item"]) if "Item" in out else None


def _count_item(deps, provider: str) -> int:
    """This region's count item of the provider (what the eraser moves), 0 when absent."""
    item = _raw(deps, item_keys.subscriber_count(provider, REGION)) or {}
    return int(item.get("subscribers", 0))


def _ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def test_a_retry_after_a_failed_count_update_neither_skips_nor_doubles_a_decrement(deps) -> None:
    subs: SubscriptionStore = deps.subscriptions
    gone, stays = _ids(2)
    first, second = sorted(_ids(2))  # the eraser finds the followed providers in this order (GSI1, by id)
    for provider in (first, second):
        subs.subscribe(provider, gone, NOW)
        subs.subscribe(provider, stays, NOW)
    assert (_count_item(deps, first), _count_item(deps, second)) == (2, 2)
    # The second provider's count item cannot take `ADD -1` (a string where a number belongs): that transaction
    # fails as a whole, the pair's Delete with it. DynamoDB cancels it (TransactionCanceledException, reasons
    # [None, ValidationError]); moto answers ValidationException. Neither is the pair's condition: it raises.
    key = item_keys.subscriber_count(second, REGION)
    deps.dynamodb.put_item(
        TableName=deps.settings.table_name, Item=to_ddb({**key, "subscribers": "two", "provider_id": second})
    )

    with pytest.raises(ClientError):
        leave_subscriber_counts(_ctx(deps), gone)
    assert _count_item(deps, first) == 1, "the first provider's pair went with its decrement"
    assert _raw(deps, item_keys.subscription(first, gone)) is None
    assert _raw(deps, item_keys.subscription(second, gone)) is not None, "no decrement, so the pair stays"
    assert _raw(deps, key)["subscribers"] == "two"

    # Repaired, the retried step (Lambda retries the record) removes what is left, each count moved once.
    deps.dynamodb.put_item(
        TableName=deps.settings.table_name, Item=to_ddb({**key, "subscribers": 2, "provider_id": second})
    )
    assert leave_subscriber_counts(_ctx(deps), gone) == 1, "only the pair still there"
    assert (_count_item(deps, first), _count_item(deps, second)) == (1, 1)
    assert leave_subscriber_counts(_ctx(deps), gone) == 0, "pairs gone: nothing moves"
    assert (_count_item(deps, first), _count_item(deps, second)) == (1, 1)
    assert subs.is_subscriber(first, stays) and subs.is_subscriber(second, stays)


def test_a_pair_already_gone_is_done_and_moves_no_count(deps) -> None:
    """A retry that finds the pair gone (its transaction committed before a crash) is cancelled by the pair's
    condition: 0, and the count item is not touched."""
    subs: SubscriptionStore = deps.subscriptions
    provider, gone = _ids(2)
    subs.subscribe(provider, gone, NOW)
    assert subs.unsubscribe(provider, gone) is True
    assert _count_item(deps, provider) == 0
    assert subs.unsubscribe(provider, gone) is False
    assert _count_item(deps, provider) == 0
    assert leave_subscriber_counts(_ctx(deps), gone) == 0
