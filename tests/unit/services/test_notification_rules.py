"""The notification rules without HTTP: who may subscribe and notify, and Idempotency-Key semantics."""

from __future__ import annotations

import pytest

from backend_core.inbox_store import InboxEntry, InboxStatus
from mobile_api.services import notifications as rules
from mobile_api.services.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from mobile_api.services.profile import ClaimsSynced, apply_token_claims


@pytest.fixture
def pair(deps, make_caller, clock):
    """A provider (its profile says so) and a consumer following it."""
    provider, consumer = make_caller("providers"), make_caller("consumers")
    apply_token_claims(deps.profiles, ClaimsSynced(), provider, clock)
    rules.subscribe(deps.profiles, deps.subscriptions, consumer, provider.user_id, clock)
    return provider, consumer


def notify(deps, caller, clock, key=None, **draft):
    fields = {"to": None, "title": "t", "body": "b", **draft}
    return rules.notify(
        deps.subscriptions, deps.idempotency, deps.notify_queue, caller, rules.Draft(**fields), key, clock
    )


def test_only_consumers_follow_and_only_providers(deps, make_caller, clock, pair):
    provider, consumer = pair
    with pytest.raises(Forbidden):
        rules.subscribe(deps.profiles, deps.subscriptions, make_caller("providers"), provider.user_id, clock)
    with pytest.raises(NotFound):  # a consumer is no provider to follow
        rules.subscribe(deps.profiles, deps.subscriptions, make_caller(), consumer.user_id, clock)
    assert list(deps.subscriptions.subscribers(provider.user_id)) == [consumer.user_id]


def test_only_providers_notify_and_only_their_subscribers(deps, make_caller, clock, pair):
    provider, consumer = pair
    with pytest.raises(Forbidden):
        notify(deps, consumer, clock)
    with pytest.raises(NotFound):
        notify(deps, provider, clock, to=make_caller().user_id)
    with pytest.raises(TooLarge):
        notify(deps, provider, clock, body="x" * rules.PUSH_PAYLOAD_BYTES)
    accepted = notify(deps, provider, clock, to=consumer.user_id)
    assert (accepted.recipients, accepted.replayed) == (1, False)
    assert notify(deps, provider, clock).recipients == 1  # all subscribers


def test_a_retry_with_the_same_key_replays_the_first_answer(deps, clock, pair):
    provider, _ = pair
    first = notify(deps, provider, clock, key="k1")
    again = notify(deps, provider, clock, key="k1")
    assert again == rules.Accepted(first.notification_id, first.recipients, replayed=True)
    with pytest.raises(Invalid) as mismatch:
        notify(deps, provider, clock, key="k1", title="another")
    assert mismatch.value.code == "idempotency_mismatch"


def test_a_key_still_in_progress_is_a_conflict_and_a_failed_request_frees_it(deps, make_caller, clock, pair):
    provider, _ = pair
    draft = rules.Draft(None, "t", "b")
    deps.idempotency.claim(provider.user_id, "busy", draft.request_hash(), "n1", clock().timestamp())
    with pytest.raises(Conflict):
        notify(deps, provider, clock, key="busy")
    stranger = make_caller().user_id
    with pytest.raises(NotFound):
        notify(deps, provider, clock, key="free", to=stranger)
    with pytest.raises(NotFound):  # run again for real, not refused as in progress
        notify(deps, provider, clock, key="free", to=stranger)


def test_the_notification_id_is_derived_from_provider_key_and_request():
    a = rules.notification_id_for("p", "k", "h")
    assert a == rules.notification_id_for("p", "k", "h") != rules.notification_id_for("p", "k", "h2")
    assert rules.notification_id_for("p", None, "h") != rules.notification_id_for("p", None, "h")


def test_the_inbox_holds_one_entry_per_notification_newest_first(deps, make_caller):
    user = make_caller().user_id
    for n, at in enumerate(["2026-11-30T10:00:00.000000Z", "2026-11-30T11:00:00.000000Z"]):
        entry = InboxEntry(user, f"n{n}", "p", "t", "b", {"n": n}, at)
        assert deps.inbox.begin(entry) == entry
    deps.inbox.finish(user, "n0", delivered=2)
    again = deps.inbox.begin(InboxEntry(user, "n0", "p", "t", "b", {"n": 0}, "2026-11-30T10:00:00.000000Z"))
    assert (again.status, again.delivered_devices) == (InboxStatus.SENT, 2)  # a redelivery pushes nothing
    first = rules.inbox(deps.inbox, user, 1, None)
    assert [e.notification_id for e in first.entries] == ["n1"] and first.next_position
    rest = rules.inbox(deps.inbox, user, 5, first.next_position)
    assert [(e.notification_id, e.data) for e in rest.entries] == [("n0", {"n": 0})]
