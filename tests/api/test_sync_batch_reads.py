"""The sync store's batch reads go through the shared batch-get mechanism (TableAccess._batch_get): keys
DynamoDB leaves unprocessed are asked again, and when they stay unprocessed through every attempt the read
raises BatchIncomplete, which the API answers 503 (never a loop without end, never a 500).

The unprocessed keys are the emulator's own: moto, like DynamoDB, answers at most 16 MB per BatchGetItem and
returns the rest as UnprocessedKeys. One user's items just over 16 MB make every read of them partial at the
first answer. "DynamoDB keeps them unprocessed" is then BATCH_ATTEMPTS lowered to that one answer (the retries
themselves are real: with the default attempts the same read completes).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from backend_core import ddb, item_keys
from backend_core.ddb import BatchIncomplete
from backend_core.sync_store import SyncStore, item_size
from backend_core.table_design import TABLE_DESIGN
from mobile_api.clock import now_iso
from mobile_api.deps import Deps

BATCH_RESPONSE_BYTES = 16 * 1024 * 1024  # BatchGetItem's answer limit (DynamoDB's and moto's)
DATA_CHARS = TABLE_DESIGN.max_item_bytes - 16 * 1024  # each copy near the item limit, with room to spare


@pytest.fixture(scope="module")
def big_user(stack) -> Iterator[tuple[str, list[str]]]:
    """A user of the API's table whose items' copies together exceed one BatchGetItem answer: (user, ids).
    Their rows are deleted afterwards (the table is the whole suite's)."""
    store = Deps.from_settings(stack.settings).sync
    user = str(uuid.uuid4())
    first = store.put(user, "big", "0", {"x": "a" * DATA_CHARS}, None, now_iso())
    per_copy = item_size({"data_json": "a" * DATA_CHARS, "collection": "big", "item_id": "0"})
    count = BATCH_RESPONSE_BYTES // per_copy + 3  # a few past the limit: the first answer leaves keys out
    assert first.version == 1
    ids = [str(i) for i in range(count)]
    for item_id in ids[1:]:
        store.put(user, "big", item_id, {"x": "a" * DATA_CHARS}, None, now_iso())
    yield user, ids
    for pk in (item_keys.user_pk(user), *(item_keys.sync_log_pk(user, r) for r in store.regions)):
        rows = store.db.query(
            TableName=store.table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
            ProjectionExpression="PK, SK",
        )["Items"]
        for row in rows:
            store.db.delete_item(TableName=store.table, Key=row)


def partial_answers(store: SyncStore) -> list[int]:
    """Record, per BatchGetItem the store's client makes, how many keys came back unprocessed (observed
    through botocore's event hooks; the answers are moto's own)."""
    seen: list[int] = []

    def record(http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
        seen.append(sum(len(t["Keys"]) for t in (parsed.get("UnprocessedKeys") or {}).values()))

    store.db.meta.events.register("after-call.dynamodb.BatchGetItem", record)
    return seen


def test_keys_left_unprocessed_are_asked_again_until_every_item_is_read(stack, big_user):
    user, ids = big_user
    store = Deps.from_settings(stack.settings).sync
    answers = partial_answers(store)
    items = store.get_many(user, "big", ids)
    assert sorted(items) == sorted(ids) and all(i.data == {"x": "a" * DATA_CHARS} for i in items.values())
    assert answers[0] > 0 and answers[-1] == 0, answers  # a partial answer, then the rest on a retry


def test_a_sync_read_dynamodb_keeps_partial_raises_batch_incomplete(stack, big_user, monkeypatch):
    user, ids = big_user
    store = Deps.from_settings(stack.settings).sync
    answers = partial_answers(store)
    monkeypatch.setattr(ddb, "BATCH_ATTEMPTS", 1)
    with pytest.raises(BatchIncomplete):
        store.get_many(user, "big", ids)
    assert len(answers) == 1 and answers[0] > 0, answers


def test_the_feed_answers_503_when_dynamodb_keeps_its_batch_partial(api, big_user, make_user, monkeypatch):
    """GET /sync reads the page's items with one BatchGetItem: kept partial, the API answers 503 in its
    error shape (the client retries with backoff), not 500."""
    user, _ = big_user
    caller = make_user()
    caller.sub = user
    monkeypatch.setattr(ddb, "BATCH_ATTEMPTS", 1)
    feed = api("GET", "/sync?limit=100", caller)
    assert feed.status == 503 and feed.body["error"] == "unavailable", feed.body
