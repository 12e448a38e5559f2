"""DELETE /me on the local stack: 202 at once, then nothing of the user in either region once replication has
settled, checked by listing both regions' whole tables and both media buckets (every version), and the
Cognito user gone. It holds through a replication pause (a write made in DR before the tombstone arrived is
erased when it replicates) and with the primary dark (DR erases its side; the primary catches up when back)."""

from __future__ import annotations

import json

import pytest
import requests
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from backend_core import item_keys
from backend_core.subscription_store import SubscriptionStore
from ops.local.testing import LocalStackHandle
from ops.local.users import LocalUser

pytestmark = pytest.mark.integration
REGIONS = ("primary", "dr")


def _items_of(stack: LocalStackHandle, region: str, user_id: str) -> list[dict]:
    """Every item of the region's table that names the user anywhere (keys or values), but the tombstone."""
    ddb, table = stack.client("dynamodb", region), stack.outputs.table.name
    found, start = [], None
    while True:
        page = ddb.scan(TableName=table, **({"ExclusiveStartKey": start} if start else {}))
        for item in page["Items"]:
            if item_keys.is_account_erasure(item["PK"]["S"], item["SK"]["S"]):
                continue
            if user_id in json.dumps(item):
                found.append(item)
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def _objects_of(stack: LocalStackHandle, region: str, user_id: str) -> list[str]:
    bucket = stack.outputs.media.bucket.primary if region == "primary" else stack.outputs.media.bucket.dr
    out = stack.client("s3", region).list_object_versions(Bucket=bucket, Prefix=f"users/{user_id}/")
    return [v["Key"] for v in out.get("Versions", []) + out.get("DeleteMarkers", [])]


def _nothing_left(stack: LocalStackHandle, user_id: str) -> bool:
    return all(not _items_of(stack, r, user_id) and not _objects_of(stack, r, user_id) for r in REGIONS)


def _cognito_user_exists(stack: LocalStackHandle, user: LocalUser) -> bool:
    try:
        stack.client("cognito-idp").admin_get_user(
            UserPoolId=stack.outputs.auth.user_pool_id, Username=user.email
        )
        return True
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "UserNotFoundException"
        return False


def _upload(stack: LocalStackHandle, user: LocalUser) -> str:
    grant = stack.request("POST", "/media/uploads", user=user, json={"content_type": "image/png", "size": 8})
    assert grant.status_code == 201, grant.text
    upload = grant.json()["upload"]
    for content in (b"first...", b"second.."):  # two versions of the object
        sent = requests.post(
            upload["url"], data=upload["fields"], files={"file": ("x.png", content, "image/png")}, timeout=30
        )
        assert sent.status_code == 204, sent.text
    return upload["fields"]["key"]


def _everything(stack: LocalStackHandle, user: LocalUser, provider: LocalUser) -> None:
    """The user owns one of everything, replicated to DR."""
    assert stack.request("GET", "/me", user=user).status_code == 200
    assert stack.request("PUT", "/sync/notes/n1", user=user, json={"data": {"secret": 1}}).status_code in (
        200,
        201,
    )
    device = stack.request(
        "POST", "/devices", user=user, json={"platform": "fcm", "token": f"tok-{user.sub}"}
    )
    assert device.status_code in (200, 201), device.text
    key = _upload(stack, user)
    assert stack.request("GET", "/me", user=provider).status_code == 200
    assert stack.request("POST", f"/providers/{provider.sub}/subscribe", user=user).status_code == 200
    sent = stack.request(
        "POST", "/notifications", user=provider, json={"to": user.sub, "title": "hi", "body": "there"}
    )
    assert sent.status_code == 202, sent.text
    stack.wait_for(
        lambda: stack.request("GET", "/notifications", user=user).json()["items"], what="the inbox entry"
    )
    stack.wait_for(
        lambda: _items_of(stack, "dr", user.sub) and _objects_of(stack, "dr", user.sub) == [key, key],
        what="the user's data replicated to DR",
    )


def _subscriber_counts(stack: LocalStackHandle, provider: LocalUser) -> list[int]:
    """The provider's subscriber count as each region reads it (the sum of the regions' count items)."""
    table, both = stack.outputs.table.name, tuple(stack.region(r) for r in REGIONS)
    return [
        SubscriptionStore(stack.client("dynamodb", r), table, stack.region(r), both).subscriber_count(
            provider.sub
        )
        for r in REGIONS
    ]


def test_delete_me_erases_everything_in_both_regions(local_stack_clean: LocalStackHandle) -> None:
    stack = local_stack_clean
    user, provider, other = stack.create_user(), stack.create_user(group="providers"), stack.create_user()
    _everything(stack, user, provider)
    assert stack.request("POST", f"/providers/{provider.sub}/subscribe", user=other).status_code == 200
    stack.wait_for(lambda: _subscriber_counts(stack, provider) == [2, 2], what="both counted in both regions")
    kinds = {i["SK"]["S"].split("#", 1)[0] for i in _items_of(stack, "primary", user.sub)}
    assert {"PROFILE", "ITEM", "DEVICE", "MEDIA", "NOTIF", "SUB"} <= kinds, kinds

    first = stack.request("DELETE", "/me", user=user)
    assert first.status_code == 202 and first.json()["status"] == "deleting"
    again = stack.request("DELETE", "/me", user=user)
    assert again.status_code == 202 and again.json() == first.json(), "idempotent"

    stack.wait_for(
        lambda: _nothing_left(stack, user.sub), timeout=60, what="the account erased in both regions"
    )
    # The primary's eraser deletes the Cognito user after its data steps, so the data can be gone a moment before.
    stack.wait_for(lambda: not _cognito_user_exists(stack, user), what="the Cognito user deleted")
    assert stack.request("GET", "/me", user=provider).status_code == 200, "the provider is untouched"
    # The erased follower stops counting, once: both regions' erasers have run (nothing is left in either), and
    # a second decrement would show as 0 (the other follower still counts).
    stack.wait_for(
        lambda: _subscriber_counts(stack, provider) == [1, 1], what="the erased follower uncounted"
    )
    sent = stack.request(
        "POST", "/notifications", user=provider, json={"to": None, "title": "t", "body": "b"}
    )
    assert sent.status_code == 202 and sent.json()["recipients"] == 1

    def push_endpoints() -> list[dict]:
        endpoints = stack.client("sns").list_endpoints_by_platform_application(
            PlatformApplicationArn=stack.outputs.notifications.platform_applications.fcm
        )["Endpoints"]
        return [e for e in endpoints if e["Attributes"].get("Token") == f"tok-{user.sub}"]

    # The device row's REMOVE sets off endpoint_cleanup, which deletes the push endpoint after the row is gone.
    stack.wait_for(lambda: not push_endpoints(), timeout=60, what="the user's push endpoint deleted")


def test_a_write_replicated_late_does_not_resurrect_the_user(local_stack_clean: LocalStackHandle) -> None:
    """Paused replication: the deletion lands in the primary while DR still takes the user's writes (the token is
    valid until it expires); once replication resumes, nothing of the user is left anywhere."""
    stack = local_stack_clean
    provider, follower = stack.create_user(group="providers"), stack.create_user()
    assert stack.request("GET", "/me", user=provider).status_code == 200
    assert stack.request("POST", f"/providers/{provider.sub}/subscribe", user=follower).status_code == 200
    stack.wait_for(lambda: _items_of(stack, "dr", provider.sub), what="the subscription replicated")

    stack.pause_replication()
    try:
        assert stack.request("DELETE", "/me", user=provider).status_code == 202
        stack.wait_for(lambda: not _items_of(stack, "primary", provider.sub), what="the primary erased")
        late = stack.request("PUT", "/sync/notes/late", region="dr", user=provider, json={"data": {"n": 1}})
        assert late.status_code in (200, 201), late.text
        assert _items_of(stack, "dr", provider.sub)
    finally:
        stack.resume_replication()
    stack.wait_for(
        lambda: _nothing_left(stack, provider.sub), timeout=60, what="nothing left after replication"
    )


def test_deletion_in_dr_with_the_primary_dark(local_stack_clean: LocalStackHandle) -> None:
    stack = local_stack_clean
    user = stack.create_user()
    assert stack.request("PUT", "/sync/notes/n1", user=user, json={"data": {"n": 1}}).status_code in (
        200,
        201,
    )
    stack.wait_for(lambda: _items_of(stack, "dr", user.sub), what="replication")
    stack.region_down("primary")
    try:
        deleted = stack.request("DELETE", "/me", region="dr", user=user)
        assert deleted.status_code == 202, deleted.text
        stack.wait_for(lambda: not _items_of(stack, "dr", user.sub), timeout=60, what="DR erased on its own")
    finally:
        stack.region_up("primary")
    stack.wait_for(lambda: _nothing_left(stack, user.sub), timeout=60, what="the primary caught up")
    stack.wait_for(
        lambda: not _cognito_user_exists(stack, user), what="the Cognito user deleted by the primary"
    )


def _replica_sign_in(stack: LocalStackHandle, user: LocalUser) -> str | None:
    """An id token of the DR user-pool replica (its issuer), once the replica holds the user."""
    replica = stack.state["user_pool_replica"]
    try:
        return AWSSRP(
            username=user.email,
            password=user.password,
            pool_id=replica["user_pool_id"],
            client_id=replica["client_id"],
            client=stack.client("cognito-idp", "dr"),
        ).authenticate_user()["AuthenticationResult"]["IdToken"]
    except ClientError:
        return None


def _replica_has(stack: LocalStackHandle, user: LocalUser) -> bool:
    try:
        stack.client("cognito-idp", "dr").admin_get_user(
            UserPoolId=stack.state["user_pool_replica"]["user_pool_id"], Username=user.email
        )
        return True
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "UserNotFoundException"
        return False


def test_deletion_with_a_dr_token_deletes_the_cognito_user_from_the_primary_pool(
    local_stack_clean: LocalStackHandle,
) -> None:
    """DELETE /me with a token of the DR replica's issuer, the primary dark: DR erases its data and leaves Cognito
    alone (a secondary takes no user writes); the primary's eraser deletes the user from the pool that owns the
    users when the tombstone reaches it, and the replica then drops the user too."""
    stack = local_stack_clean
    user = stack.create_user()
    assert stack.request("PUT", "/sync/notes/n1", user=user, json={"data": {"n": 1}}).status_code in (
        200,
        201,
    )
    stack.wait_for(lambda: _items_of(stack, "dr", user.sub), what="replication")
    token = stack.wait_for(lambda: _replica_sign_in(stack, user), what="the user in the DR replica")

    stack.region_down("primary")
    try:
        deleted = stack.request("DELETE", "/me", region="dr", token=token)
        assert deleted.status_code == 202, deleted.text
        stack.wait_for(lambda: not _items_of(stack, "dr", user.sub), timeout=60, what="DR erased on its own")
        assert _replica_has(stack, user), "the DR eraser must not delete users (the primary pool owns them)"
    finally:
        stack.region_up("primary")
    stack.wait_for(lambda: _nothing_left(stack, user.sub), timeout=60, what="the primary caught up")
    stack.wait_for(
        lambda: not _cognito_user_exists(stack, user),
        timeout=60,
        what="the user deleted from the primary pool",
    )
    stack.wait_for(lambda: not _replica_has(stack, user), timeout=60, what="the replica dropping the user")


def test_a_media_version_replicated_after_both_sweeps_is_erased_when_it_lands(
    local_stack_clean: LocalStackHandle,
) -> None:
    """S3 replication is asynchronous (RTC: 15 min): a version in flight while both regions erase the account lands
    in the DR bucket after DR's sweep, with no record left pointing at it. The bucket's ObjectCreated event
    reaches the account eraser, which finds the tombstone and empties the user's prefix again."""
    stack = local_stack_clean
    user = stack.create_user()
    # A first upload replicated: only DR's own sweep can empty it there (S3 does not replicate version deletes),
    # so "nothing left" below means DR has swept.
    first = _upload(stack, user)
    stack.wait_for(
        lambda: _objects_of(stack, "dr", user.sub) == [first, first], what="the first upload in DR"
    )
    stack.hold_replication(f"users/{user.sub}/")
    key = _upload(stack, user)  # two versions, both read by replication and held in flight
    stack.wait_for(
        lambda: stack.status()["components"]["replicator"]["held_objects"] == 2, what="both copies in flight"
    )
    assert stack.request("DELETE", "/me", user=user).status_code == 202
    stack.wait_for(lambda: _nothing_left(stack, user.sub), timeout=60, what="both regions swept")

    assert stack.release_replication() == 2, "the copies in flight landed in DR after its sweep"
    stack.wait_for(
        lambda: _nothing_left(stack, user.sub), timeout=60, what=f"the late replicas of {key} erased"
    )


def _texts_in(stack: LocalStackHandle, region: str, texts: tuple[str, ...]) -> list[dict]:
    """Every item of the region's table that holds one of `texts` anywhere."""
    return [i for i in _all_items(stack, region) if any(t in json.dumps(i) for t in texts)]


def _all_items(stack: LocalStackHandle, region: str) -> list[dict]:
    ddb, table = stack.client("dynamodb", region), stack.outputs.table.name
    found, start = [], None
    while True:
        page = ddb.scan(TableName=table, **({"ExclusiveStartKey": start} if start else {}))
        found += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def _peer_side_only(stack: LocalStackHandle, user_id: str, peer_id: str) -> bool:
    """What still names the deleted user is the peer's side of their conversation: the thread's items (the
    peer's messages and the deleted user's placeholders), the peer's list entry and receipts; in both regions."""
    for region in REGIONS:
        for item in _items_of(stack, region, user_id):
            pk, sk = item["PK"]["S"], item["SK"]["S"]
            if item_keys.is_message(pk, sk):
                if item["sender_id"]["S"] == user_id and (
                    "text" in item or "media_id" in item or "sender_deleted" not in item
                ):
                    return False
                continue
            if pk == item_keys.user_pk(peer_id) and (
                item_keys.is_conversation_entry(pk, sk) or item_keys.is_read_receipt(pk, sk)
            ):
                continue
            return False
    return not _objects_of(stack, "primary", user_id) and not _objects_of(stack, "dr", user_id)


def test_a_conversation_stays_with_the_peer_with_the_deleted_user_marked(
    local_stack_clean: LocalStackHandle,
) -> None:
    """The consumer deletes their account after chatting with a provider, and a message they send in DR while
    replication is paused replicates in after the primary's sweep. Once replication settles the provider still has
    the thread in both regions, the consumer's messages as `sender_deleted` placeholders in place, the conversation
    marked `peer_deleted`, and none of the consumer's words anywhere in either region."""
    stack = local_stack_clean
    user, provider = stack.create_user(), stack.create_user(group="providers")
    assert stack.request("GET", "/me", user=provider).status_code == 200
    assert stack.request("POST", f"/providers/{provider.sub}/subscribe", user=user).status_code == 200

    def say(sender: LocalUser, peer: LocalUser, text: str, region: str = "primary") -> dict:
        sent = stack.request(
            "POST", f"/conversations/{peer.sub}/messages", region=region, user=sender, json={"text": text}
        )
        assert sent.status_code == 201, sent.text
        return sent.json()

    say(user, provider, "consumer secret one")
    say(provider, user, "provider reply")
    say(user, provider, "consumer secret two")
    secrets = ("consumer secret one", "consumer secret two", "consumer late secret")
    stack.wait_for(
        lambda: (
            len(
                stack.request("GET", f"/conversations/{provider.sub}/messages", region="dr", user=user)
                .json()
                .get("items", [])
            )
            == 3
        ),
        what="the thread replicated to DR",
    )

    stack.pause_replication()
    try:
        assert stack.request("DELETE", "/me", user=user).status_code == 202
        stack.wait_for(lambda: not _texts_in(stack, "primary", secrets), what="the primary erased")
        say(user, provider, "consumer late secret", region="dr")  # DR has not heard of the deletion yet
    finally:
        stack.resume_replication()

    stack.wait_for(
        lambda: (
            all(not _texts_in(stack, r, secrets) for r in REGIONS)
            and _peer_side_only(stack, user.sub, provider.sub)
        ),
        timeout=60,
        what="nothing of the consumer's content left in either region",
    )
    for region in REGIONS:
        thread = stack.request("GET", f"/conversations/{user.sub}/messages", region=region, user=provider)
        assert thread.status_code == 200, thread.text
        items = thread.json()["items"]
        assert [(m["text"], m["sender_deleted"]) for m in items] == [
            (None, True),
            (None, True),
            ("provider reply", False),
            (None, True),
        ], region
        summary = next(
            c for c in stack.request("GET", "/conversations", region=region, user=provider).json()["items"]
        )
        assert summary["peer_id"] == user.sub and summary["peer_deleted"] and summary["preview"] is None
        refused = stack.request(
            "POST",
            f"/conversations/{user.sub}/messages",
            region=region,
            user=provider,
            json={"text": "still there?"},
        )
        assert refused.status_code == 403 and refused.json()["error"] == "not_connected"
