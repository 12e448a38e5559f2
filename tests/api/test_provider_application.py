"""POST /me/provider-application: a consumer asks, once; the rules of backend_core/provider_application_store.py
and mobile_api/services/provider_application.py against moto's DynamoDB."""

from __future__ import annotations

from backend_core.provider_application_store import ProviderApplicationStore


def test_a_consumer_applies_once_and_a_retry_answers_the_same(api, make_user):
    consumer = make_user("consumers")
    first = api(
        "POST", "/me/provider-application", consumer, {"business_name": "Plumbing Ltd", "about": "pipes"}
    )
    assert first.status == 202, first.body
    assert first.body["status"] == "pending" and first.body["business_name"] == "Plumbing Ltd"
    again = api("POST", "/me/provider-application", consumer, {"business_name": "Other name"})
    assert again.status == 200 and again.body == first.body


def test_applications_are_listed_by_status_without_a_scan(api, make_user, stack):
    store = ProviderApplicationStore(stack.client("dynamodb"), stack.settings.table_name)
    a, b = make_user("consumers"), make_user("consumers")
    for user in (a, b):
        assert api("POST", "/me/provider-application", user, {"business_name": "x"}).status == 202
    pending = [app.user_id for app in store.by_status("pending")]
    assert a.sub in pending and b.sub in pending
    store.decide(a.sub, "rejected", "2026-12-01T00:00:00Z", "op", "incomplete")
    assert a.sub not in [app.user_id for app in store.by_status("pending")]
    assert a.sub in [app.user_id for app in store.by_status("rejected")]


def test_a_rejected_applicant_may_apply_again_and_sees_the_reason_until_then(api, make_user, stack):
    store = ProviderApplicationStore(stack.client("dynamodb"), stack.settings.table_name)
    consumer = make_user("consumers")
    api("POST", "/me/provider-application", consumer, {"business_name": "x"})
    store.decide(consumer.sub, "rejected", "2026-12-01T00:00:00Z", "op", "tell us more")
    assert store.get(consumer.sub).reason == "tell us more"
    again = api("POST", "/me/provider-application", consumer, {"business_name": "x", "about": "more"})
    assert again.status == 202 and again.body["status"] == "pending" and again.body["reason"] is None


def test_an_approved_applicant_is_told_to_refresh(api, make_user, stack):
    store = ProviderApplicationStore(stack.client("dynamodb"), stack.settings.table_name)
    consumer = make_user("consumers")
    api("POST", "/me/provider-application", consumer, {"business_name": "x"})
    store.decide(consumer.sub, "approved", "2026-12-01T00:00:00Z", "op")
    reply = api("POST", "/me/provider-application", consumer, {"business_name": "x"})
    assert reply.status == 409 and reply.body["error"] == "already_provider"


def test_a_provider_cannot_apply(api, make_user):
    both = make_user("consumers")
    both.groups = "[consumers providers]"
    reply = api("POST", "/me/provider-application", both, {"business_name": "x"})
    assert reply.status == 409 and reply.body["error"] == "already_provider"


def test_bad_bodies_are_refused_with_a_reason(api, make_user):
    consumer = make_user("consumers")
    assert api("POST", "/me/provider-application", consumer, {}).status == 422
    assert api("POST", "/me/provider-application", consumer, {"business_name": ""}).status == 422
    assert api("POST", "/me/provider-application", consumer, {"business_name": "x" * 201}).status == 422
    reply = api("POST", "/me/provider-application", consumer, {"business_name": "x", "role": "providers"})
    assert reply.status == 422 and reply.body["message"]
