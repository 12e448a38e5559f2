"""The profile rules without HTTP: created from the token's claims, role follows the newest token only."""

from __future__ import annotations

import pytest

from backend_core import item_keys
from backend_core.ddb import to_ddb
from backend_core.profile_store import ProfileChanges
from mobile_api.clock import iso
from mobile_api.services import profile as rules
from mobile_api.services.profile import ClaimsSynced


def test_the_first_call_creates_the_profile_from_the_token(deps, make_caller, clock):
    caller = make_caller("providers")
    profile = rules.own_profile(deps.profiles, ClaimsSynced(), caller, clock)
    assert (profile.user_id, profile.role, profile.email) == (caller.user_id, "provider", caller.email)
    assert profile.created_at == profile.updated_at == iso(clock())


def test_an_older_token_never_undoes_a_newer_role(deps, make_caller, clock):
    promoted = make_caller("providers")
    stale = make_caller("consumers", user_id=promoted.user_id, issued_at=promoted.issued_at - 60)
    rules.apply_token_claims(deps.profiles, ClaimsSynced(), promoted, clock)
    rules.apply_token_claims(deps.profiles, ClaimsSynced(), stale, clock)  # replayed later, elsewhere
    assert deps.profiles.get(promoted.user_id, consistent=True).role == "provider"
    newer = make_caller("consumers", user_id=promoted.user_id)
    rules.apply_token_claims(deps.profiles, ClaimsSynced(), newer, clock)
    assert deps.profiles.get(promoted.user_id, consistent=True).role == "consumer"


def test_an_update_changes_only_what_was_sent_and_stamps_the_time(deps, make_caller, clock):
    caller, synced = make_caller(), ClaimsSynced()
    rules.update_own_profile(deps.profiles, synced, caller, ProfileChanges(display_name="Ada"), clock)
    clock.advance(5)
    profile = rules.update_own_profile(deps.profiles, synced, caller, ProfileChanges(locale="en-GB"), clock)
    assert (profile.display_name, profile.locale) == ("Ada", "en-GB")
    assert profile.updated_at == iso(clock()) and profile.created_at < profile.updated_at


def test_a_removed_profile_is_created_again_from_the_same_token(deps, make_caller, clock, stack):
    caller, synced = make_caller(), ClaimsSynced()
    rules.own_profile(deps.profiles, synced, caller, clock)
    stack.client("dynamodb").delete_item(
        TableName=stack.settings.table_name,
        Key=to_ddb(item_keys.profile(caller.user_id)),
    )
    assert rules.own_profile(deps.profiles, synced, caller, clock).user_id == caller.user_id


def test_an_update_is_one_call_and_a_removed_profile_is_made_again_before_it(deps, make_caller, clock, stack):
    caller, synced = make_caller("providers"), ClaimsSynced()
    rules.own_profile(deps.profiles, synced, caller, clock)
    operations: list[str] = []
    deps.profiles.db.meta.events.register("before-call", lambda model, **_: operations.append(model.name))
    rules.update_own_profile(deps.profiles, synced, caller, ProfileChanges(display_name="One"), clock)
    assert operations == ["UpdateItem"]  # the profile exists: no read first
    stack.client("dynamodb").delete_item(
        TableName=stack.settings.table_name, Key=to_ddb(item_keys.profile(caller.user_id))
    )
    profile = rules.update_own_profile(deps.profiles, synced, caller, ProfileChanges(locale="fr"), clock)
    assert (profile.user_id, profile.role, profile.locale) == (caller.user_id, "provider", "fr")


@pytest.mark.parametrize("limit", [1, 3])
def test_the_claims_cache_forgets_the_oldest_first(limit):
    synced = ClaimsSynced(limit)
    for n in range(limit + 1):
        synced.add(("u", n))
    assert ("u", 0) not in synced and ("u", limit) in synced
