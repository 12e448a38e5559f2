"""Every route touches DynamoDB only through keyed operations: no Scan anywhere on a request path."""

from __future__ import annotations

from collections import Counter

from mobile_api.app import create_handler
from tests.api.conftest import Api

KEYED = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "BatchGetItem", "TransactWriteItems"}


def test_all_routes_use_keyed_access_only(stack, make_user):
    handler = create_handler(stack.settings)
    operations: Counter[str] = Counter()
    handler.deps.dynamodb.meta.events.register(
        "before-call", lambda model, **_: operations.update([model.name])
    )
    api = Api(handler)
    provider, consumer = make_user("providers"), make_user("consumers")
    api("GET", "/me", provider)
    api("PUT", "/me", consumer, {"display_name": "c"})
    device = api("POST", "/devices", consumer, {"platform": "apns", "token": "scan-" + consumer.sub}).body[
        "id"
    ]
    api("PUT", "/sync/a/1", consumer, {"data": {}})
    api("PUT", "/sync/a/1", consumer, {"data": {"x": 1}, "version": 1})
    api("GET", "/sync", consumer)
    api("DELETE", "/sync/a/1", consumer)
    media = api("POST", "/media/uploads", consumer, {"content_type": "image/png", "size": 5}).body["id"]
    api("GET", f"/media/{media}", consumer)
    api("POST", f"/providers/{provider.sub}/subscribe", consumer)
    assert api("POST", "/notifications", provider, {"to": None, "title": "t", "body": "b"},
               headers={"Idempotency-Key": "scan-check"}).status == 202  # fmt: skip
    api("GET", "/notifications", consumer)
    api("DELETE", f"/devices/{device}", consumer)
    assert operations, "no DynamoDB calls were observed"
    assert "Scan" not in operations
    assert set(operations) <= KEYED, set(operations) - KEYED
