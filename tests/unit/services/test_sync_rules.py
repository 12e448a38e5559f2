"""The sync rules without HTTP: versions, stale writes, tombstones and the feed, as typed results."""

from __future__ import annotations

import uuid

import pytest

from backend_core.table_design import TABLE_DESIGN
from mobile_api.clock import iso
from mobile_api.services import sync as rules
from mobile_api.services.errors import NotFound, StaleVersion, TooLarge


def test_create_update_and_a_stale_write_that_carries_the_servers_item(deps, clock):
    user = uuid.uuid4().hex
    created = rules.put_item(deps.sync, user, "notes", "a", {"v": 1}, None, clock)
    assert (created.version, created.data, created.updated_at) == (1, {"v": 1}, iso(clock()))
    clock.advance(1)
    updated = rules.put_item(deps.sync, user, "notes", "a", {"v": 2}, 1, clock)
    assert updated.version == 2
    with pytest.raises(StaleVersion) as stale:
        rules.put_item(deps.sync, user, "notes", "a", {"v": "old"}, 1, clock)
    assert stale.value.current == updated == deps.sync.get(user, "notes", "a")
    with pytest.raises(StaleVersion):  # create on a live item
        rules.put_item(deps.sync, user, "notes", "a", {"v": "again"}, None, clock)


def test_delete_leaves_a_tombstone_once(deps, clock):
    user = uuid.uuid4().hex
    rules.put_item(deps.sync, user, "notes", "a", {"v": 1}, None, clock)
    tombstone = rules.delete_item(deps.sync, user, "notes", "a", 1, clock)
    assert (tombstone.deleted, tombstone.data, tombstone.version) == (True, None, 2)
    with pytest.raises(NotFound):
        rules.delete_item(deps.sync, user, "notes", "a", None, clock)
    with pytest.raises(NotFound):
        rules.delete_item(deps.sync, user, "notes", "never", None, clock)
    recreated = rules.put_item(deps.sync, user, "notes", "a", {"v": 3}, None, clock)
    assert recreated.version == 3  # more history than the tombstone


def test_an_item_over_the_tables_limit_is_refused_before_anything_is_stored(deps, clock):
    user = uuid.uuid4().hex
    with pytest.raises(TooLarge):
        rules.put_item(deps.sync, user, "notes", "big", {"x": "a" * TABLE_DESIGN.max_item_bytes}, None, clock)
    assert rules.changes(deps.sync, user, {}, 10).changes == []


def test_the_feed_answers_each_item_once_at_its_last_change(deps, clock):
    user = uuid.uuid4().hex
    rules.put_item(deps.sync, user, "notes", "a", {"v": 1}, None, clock)
    rules.put_item(deps.sync, user, "notes", "b", {"v": 1}, None, clock)
    rules.put_item(deps.sync, user, "notes", "a", {"v": 2}, 1, clock)
    page = rules.changes(deps.sync, user, {}, 10)
    assert [(c.item.item_id, c.item.version, c.seq) for c in page.changes] == [("b", 1, 2), ("a", 2, 3)]
    assert page.cursor == {**{r: 0 for r in deps.sync.regions}, deps.sync.region: 3}
    assert rules.changes(deps.sync, user, page.cursor, 10).changes == []


def test_writes_that_keep_colliding_are_gone_for_a_deleted_account_and_busy_otherwise(
    deps, clock, make_caller, monkeypatch
):
    """After DELETE /me the token stays valid and the account eraser erases each write as it lands, so the
    sync transaction keeps colliding: that answers 410 account_deleted, not a 503 the app would retry."""
    from backend_core import sync_store
    from mobile_api.services import account as account_rules
    from mobile_api.services.errors import AccountDeleted, Unavailable

    monkeypatch.setattr(sync_store, "MAX_ATTEMPTS", 0)  # the store gives up at once, as after its retries
    kept, deleted = make_caller(), make_caller()
    account_rules.delete_account(deps.erasures, deleted, None, clock)
    with pytest.raises(AccountDeleted) as gone:
        rules.put_item(deps.sync, deleted.user_id, "notes", "a", {"v": 1}, None, clock, deps.erasures)
    assert gone.value.code == "account_deleted"
    with pytest.raises(AccountDeleted):
        rules.delete_item(deps.sync, deleted.user_id, "notes", "a", None, clock, deps.erasures)
    with pytest.raises(Unavailable):
        rules.put_item(deps.sync, kept.user_id, "notes", "a", {"v": 1}, None, clock, deps.erasures)
