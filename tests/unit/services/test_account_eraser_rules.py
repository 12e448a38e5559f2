"""The account eraser against the moto server (through the local stack's gateway): an erased consumer leaves the
subscriber counts once, the pair and its decrement in one transaction (a failed count update keeps the pair; a
retry after a crash neither skips nor doubles a decrement), and a stream batch reads each user's tombstone once.
"""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from botocore.exceptions import ClientError

from account_eraser.app import create_handler
from account_eraser.settings import Settings
from backend_core import item_keys
from backend_core.account_erasure import EraseContext, leave_subscriber_counts
from backend_core.ddb import from_ddb, to_ddb
from backend_core.erasure_store import BatchTombstones, ErasureStore
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


def _record(item: dict, seq: int) -> dict:
    return {
        "eventID": str(seq),
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "Keys": to_ddb({"PK": item["PK"], "SK": item["SK"]}),
            "NewImage": to_ddb(item),
            "SequenceNumber": str(seq),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def test_a_stream_batch_reads_each_users_tombstone_once(deps, stack) -> None:
    erased, alive = _ids(2)
    table = deps.settings.table_name
    ErasureStore(deps.dynamodb, table).request(erased, None, NOW, 2_000_000_000)
    late = [{**item_keys.device(erased, f"d{i}"), "platform": "apns"} for i in range(3)]
    live = [{**item_keys.device(alive, f"d{i}"), "platform": "apns"} for i in range(3)]
    for item in late + live:
        deps.dynamodb.put_item(TableName=table, Item=to_ddb(item))
    tombstone = _raw(deps, item_keys.account_erasure(erased))
    records = [_record(item, n) for n, item in enumerate([tombstone, *late, *live, tombstone])]

    handler = create_handler(
        Settings(
            region=REGION, endpoint_url=stack.url, table_name=table, media_bucket=stack.settings.media_bucket
        )
    )
    reads: Counter[tuple[str, bool]] = Counter()

    def count(params: dict, **_: object) -> None:
        key = from_ddb(params["Key"])
        if key["SK"] == item_keys.ACCOUNT_ERASURE_SK:
            reads[(item_keys.user_id_of(key["PK"]), bool(params.get("ConsistentRead")))] += 1

    handler.dynamodb.meta.events.register("provide-client-params.dynamodb.GetItem", count)

    assert handler({"Records": records}, None) == {"batchItemFailures": []}
    # The tombstone's record reads strongly consistent, first; every later record of the batch uses that answer.
    assert reads == {(erased, True): 1, (alive, False): 1}
    assert all(_raw(deps, {"PK": i["PK"], "SK": i["SK"]}) is None for i in late), "the late writes erased"
    assert all(_raw(deps, {"PK": i["PK"], "SK": i["SK"]}) is not None for i in live), "a live user's kept"

    reads.clear()
    assert handler({"Records": records[1:2] + records[4:5]}, None) == {"batchItemFailures": []}
    assert reads == {(erased, False): 1, (alive, False): 1}, "the next batch reads again"


def test_a_miss_answers_eventual_reads_only(deps) -> None:
    """A strongly consistent lookup after an eventually consistent miss of the same batch reads again."""
    store = ErasureStore(deps.dynamodb, deps.settings.table_name)
    (user,) = _ids(1)
    reads: list[bool] = []
    deps.dynamodb.meta.events.register(
        "provide-client-params.dynamodb.GetItem",
        lambda params, **_: reads.append(bool(params.get("ConsistentRead"))),
        unique_id="tombstone-reads",
    )
    try:
        batch = BatchTombstones(store)
        assert batch.get(user, consistent=False) is None
        store.request(user, None, NOW, 2_000_000_000)
        assert batch.get(user, consistent=False) is None, "the batch's answer: a miss"
        assert reads == [False]
        found = batch.get(user)
        assert found is not None and found.user_id == user
        assert batch.get(user, consistent=False) == batch.get(user) == found
        assert reads == [False, True]
    finally:
        deps.dynamodb.meta.events.unregister(
            "provide-client-params.dynamodb.GetItem", unique_id="tombstone-reads"
        )
