"""Every route's happy path, in-process against moto on loopback."""

from __future__ import annotations

import base64
import json

import requests

from backend_core import item_keys
from backend_core.ddb import to_ddb
from tests.api.conftest import sns_messages


def test_health_answers_region_without_a_token(api, stack):
    reply = api("GET", "/health")
    assert reply.status == 200
    assert reply.body == {"status": "ok", "region": stack.settings.region}


def test_me_is_created_from_claims_then_updated(api, make_user):
    user = make_user("consumers")
    first = api("GET", "/me", user)
    assert first.status == 200
    assert first.body["user_id"] == user.sub
    assert first.body["email"] == user.claims()["email"]
    assert first.body["role"] == "consumer" and first.body["groups"] == ["consumers"]
    updated = api("PUT", "/me", user, {"display_name": "Ada"})
    assert updated.status == 200 and updated.body["display_name"] == "Ada"
    again = api("GET", "/me", user)
    assert again.body["display_name"] == "Ada"
    assert again.body["created_at"] == first.body["created_at"]


def test_put_me_before_get_me_creates_the_profile(api, make_user):
    user = make_user("providers", rendering="plain")
    reply = api("PUT", "/me", user, {"display_name": "Shop"})
    assert reply.status == 200
    assert reply.body["role"] == "provider" and reply.body["display_name"] == "Shop"


def test_sync_put_update_delete_and_feed(api, make_user):
    user = make_user()
    created = api("PUT", "/sync/notes/n1", user, {"data": {"text": "hello"}})
    assert created.status == 200
    assert created.body["version"] == 1 and created.body["data"] == {"text": "hello"}
    updated = api("PUT", "/sync/notes/n1", user, {"data": {"text": "hello!"}, "version": 1})
    assert updated.status == 200 and updated.body["version"] == 2
    deleted = api("DELETE", "/sync/notes/n1?version=2", user)
    assert deleted.status == 200 and deleted.body["deleted"] is True and deleted.body["version"] == 3
    feed = api("GET", "/sync", user)
    assert feed.status == 200
    assert [(i["id"], i["version"], i["deleted"]) for i in feed.body["items"]] == [("n1", 3, True)]
    assert feed.body["next"] and feed.body["has_more"] is False


def test_devices_register_idempotently_and_remove(api, make_user, stack):
    user = make_user()
    first = api("POST", "/devices", user, {"platform": "apns", "token": "tok-" + user.sub})
    again = api("POST", "/devices", user, {"platform": "apns", "token": "tok-" + user.sub})
    assert first.status == 201 and again.status == 201
    assert first.body["id"] == again.body["id"]
    removed = api("DELETE", f"/devices/{first.body['id']}", user)
    assert removed.status == 204
    assert api("DELETE", f"/devices/{first.body['id']}", user).status == 404


def test_media_upload_then_download(api, make_user, stack):
    user = make_user()
    grant = api("POST", "/media/uploads", user, {"content_type": "image/png", "size": 1024})
    assert grant.status == 201
    upload = grant.body["upload"]
    assert upload["fields"]["key"].startswith(f"users/{user.sub}/")
    assert upload["fields"]["Content-Type"] == "image/png"
    # moto does not enforce POST policies, so read the signed policy: exact key, type and size are pinned.
    policy = json.loads(base64.b64decode(upload["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": upload["fields"]["key"]} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, 1024] in conditions
    posted = requests.post(
        upload["url"], data=upload["fields"], files={"file": ("a.png", b"\x89PNG" * 10)}, timeout=10
    )
    assert posted.status_code in (200, 201, 204)
    link = api("GET", f"/media/{grant.body['id']}", user)
    assert link.status == 200 and link.body["content_type"] == "image/png"
    assert requests.get(link.body["url"], timeout=10).content == b"\x89PNG" * 10


def test_subscribe_notify_deliver_inbox(api, make_user, drain, stack):
    provider, consumer = make_user("providers"), make_user("consumers")
    assert api("GET", "/me", provider).status == 200  # providers exist once they have a profile
    device = api("POST", "/devices", consumer, {"platform": "fcm", "token": "fcm-" + consumer.sub})
    assert api("POST", f"/providers/{provider.sub}/subscribe", consumer).status == 200
    sent = api("POST", "/notifications", provider, {"to": None, "title": "Sale", "body": "50% off"})
    assert sent.status == 202 and sent.body["recipients"] == 1
    drain()
    inbox = api("GET", "/notifications", consumer)
    assert inbox.status == 200
    assert [(i["id"], i["title"], i["status"]) for i in inbox.body["items"]] == [
        (sent.body["id"], "Sale", "sent")
    ]
    endpoint = stack.client("dynamodb").get_item(
        TableName=stack.settings.table_name,
        Key=to_ddb(item_keys.device(consumer.sub, device.body["id"])),
    )["Item"]["endpoints"]["M"]["us-east-1"]["S"]
    assert len(sns_messages(stack, endpoint)) == 1
