"""Restore on demand (issue 11): an archived object answers 202 and is restored once, its owner is told
when it is back, then GET answers 200; archived objects fail reads exactly as S3 fails them; the once-only
restore and the access records hold when both regions serve (replication paused, a region dark).

Objects are made inactive and archived by the local archive clock (ops/local/stand_ins/archive_tiers.py); restores
take the stand-in's delay (2 s by default).
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
import requests
from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.archival import TIERING_MIN_OBJECT_BYTES

pytestmark = pytest.mark.integration
BIG = TIERING_MIN_OBJECT_BYTES + 4096  # Intelligent-Tiering archives objects of 128 KB or more


def upload(stack, user, size: int = BIG) -> str:
    grant = stack.request(
        "POST", "/media/uploads", user=user, json={"content_type": "image/png", "size": size}
    )
    assert grant.status_code == 201, grant.text
    body = grant.json()
    sent = requests.post(
        body["upload"]["url"],
        data=body["upload"]["fields"],
        files={"file": ("x.png", b"p" * size, "image/png")},
        timeout=30,
    )
    assert sent.status_code == 204, sent.text
    key = body["upload"]["fields"]["key"]
    stack.wait_for(
        lambda: _exists(stack, "dr", stack.outputs.media.bucket.dr, key), what="the upload replicated to DR"
    )
    return body["id"]


def _exists(stack, region: str, bucket: str, key: str) -> bool:
    try:
        stack.client("s3", region).head_object(Bucket=bucket, Key=key)
        return True
    except ClientError:
        return False


def key_of(user, media_id: str) -> str:
    return f"users/{user.sub}/media/{media_id}"


def restores_started(stack) -> int:
    return stack.status()["components"]["archive_tiers"].get("restores_started", 0)


def test_the_clock_archives_as_each_buckets_settings_say_and_reads_then_fail_as_in_s3(local_stack_clean):
    """The clock follows each bucket's own settings: an object under 128 KB and the DR copy stay online, a
    dry run changes nothing. An archived object then refuses GET (presigned or not) with S3's error until a
    restore, once, brings it back."""
    stack = local_stack_clean
    user = stack.create_user()
    media_id, small = upload(stack, user), upload(stack, user, size=1024)
    bucket, key = stack.outputs.media.bucket.primary, key_of(user, media_id)
    dr = stack.outputs.media.bucket.dr
    s3 = stack.client("s3", "primary")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=60)
    assert requests.get(url, timeout=10).status_code == 200

    planned = stack.archive(0, dry_run=True)
    assert planned["made_inactive"] == 2 and planned["buckets"][bucket]["archived: DEEP_ARCHIVE_ACCESS"] == 1
    assert requests.get(url, timeout=10).status_code == 200  # nothing changed
    clock = stack.archive(0)["buckets"]
    assert clock[bucket]["archived: DEEP_ARCHIVE_ACCESS"] == 1
    assert clock[bucket]["online: under 128 KB"] == 1
    assert "archived: DEEP_ARCHIVE_ACCESS" not in clock[dr]  # never in DR
    assert clock[dr]["online: no Intelligent-Tiering archive configuration"] == 1
    assert stack.request("GET", f"/media/{small}", user=user).status_code == 200

    refused = requests.get(url, timeout=10)  # a presigned GET, as a client would make it
    assert refused.status_code == 403
    error = ET.fromstring(refused.content)
    assert error.findtext("Code") == "InvalidObjectState"
    assert (error.findtext("StorageClass"), error.findtext("AccessTier")) == (
        "INTELLIGENT_TIERING",
        "DEEP_ARCHIVE_ACCESS",
    )
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key=key)
    assert caught.value.response["Error"]["Code"] == "InvalidObjectState"
    head = s3.head_object(Bucket=bucket, Key=key)  # HEAD works on archived objects
    assert head["StorageClass"] == "INTELLIGENT_TIERING" and head["ArchiveStatus"] == "DEEP_ARCHIVE_ACCESS"
    assert "Restore" not in head
    assert requests.get(  # the DR copy never archives: the failover read path stays readable
        stack.client("s3", "dr").generate_presigned_url(
            "get_object", Params={"Bucket": stack.outputs.media.bucket.dr, "Key": key}, ExpiresIn=60
        ),
        timeout=10,
    ).ok

    with pytest.raises(ClientError) as caught:  # Intelligent-Tiering restores do not expire
        s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={"Days": 1})
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"
    s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={"GlacierJobParameters": {"Tier": "Standard"}})
    assert s3.head_object(Bucket=bucket, Key=key)["Restore"] == 'ongoing-request="true"'
    with pytest.raises(ClientError) as caught:
        s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={})
    assert caught.value.response["Error"]["Code"] == "RestoreAlreadyInProgress"
    assert requests.get(url, timeout=10).status_code == 403  # still archived while restoring

    stack.wait_for(lambda: requests.get(url, timeout=10).status_code == 200, what="the restore to finish")
    assert "ArchiveStatus" not in s3.head_object(Bucket=bucket, Key=key)


def test_an_inactive_object_answers_202_restores_once_notifies_the_owner_then_200(local_stack_clean):
    stack = local_stack_clean
    owner = stack.create_user()
    token = f"restore-{uuid.uuid4().hex}"
    assert stack.request("POST", "/devices", user=owner, json={"platform": "fcm", "token": token}).ok
    media_id = upload(stack, owner)
    assert stack.request("GET", f"/media/{media_id}", user=owner).status_code == 200
    assert stack.archive(0)["made_inactive"] == 1
    before = restores_started(stack)

    first = stack.request("GET", f"/media/{media_id}", user=owner)
    assert first.status_code == 202, first.text
    body = first.json()
    assert body["id"] == media_id and body["status"] == "restoring"
    assert 1 <= body["retry_after"] <= 3 and first.headers["Retry-After"] == str(body["retry_after"])
    again = stack.request("GET", f"/media/{media_id}", user=owner)
    assert again.status_code == 202 and again.json()["status"] == "restoring"
    assert restores_started(stack) == before + 1  # the second request started nothing

    def inbox() -> list[dict]:
        items = stack.request("GET", "/notifications", user=owner).json()["items"]
        return [i for i in items if i["data"].get("media_id") == media_id]

    entries = stack.wait_for(inbox, what="the owner's inbox entry")
    assert entries[0]["title"] == "Your media is available again" and entries[0]["provider_id"] == "system"
    pushed = stack.wait_for(
        lambda: [
            m
            for e in stack._control("POST", "/inspect/pushes", {"token": token})["endpoints"]
            for m in e["messages"]
            if media_id in str(m)
        ],
        what="the push to the owner's device",
    )
    assert len(pushed) == 1
    done = stack.request("GET", f"/media/{media_id}", user=owner)
    assert done.status_code == 200, done.text
    assert requests.get(done.json()["url"], timeout=10).status_code == 200
    assert len(inbox()) == 1  # one entry, however S3 redelivers


def test_once_only_restore_and_access_records_hold_across_regions(local_stack_clean):
    """Both regions serve while replication is paused and while the primary is dark: only the primary's
    bucket archives, so only it restores, once; each region records its own uses and neither overwrites the
    other's; the audit's last use is the latest of them."""
    from ops.audit.env import AuditEnv
    from ops.audit.objects import last_uses

    stack = local_stack_clean
    owner = stack.create_user()
    media_id = upload(stack, owner)
    stack.archive(0)
    before = restores_started(stack)
    stack.pause_replication()
    assert stack.request("GET", f"/media/{media_id}", "primary", user=owner).status_code == 202
    again = stack.request("GET", f"/media/{media_id}", "primary", user=owner)  # while it restores
    assert again.status_code == 202 and again.json()["status"] == "restoring", again.text
    assert restores_started(stack) == before + 1
    served_in_dr = stack.request("GET", f"/media/{media_id}", "dr", user=owner)
    assert served_in_dr.status_code == 200, served_in_dr.text  # the DR copy is online
    assert requests.get(served_in_dr.json()["url"], timeout=10).status_code == 200
    stack.region_down("primary")
    assert stack.request("GET", f"/media/{media_id}", "public", user=owner).status_code == 200  # DR answers
    stack.region_up("primary")
    assert stack.request("GET", f"/media/{media_id}", "primary", user=owner).status_code in (200, 202)
    assert restores_started(stack) == before + 1

    def access_records(label: str) -> list[dict]:
        return stack.client("dynamodb", label).query(
            TableName=stack.outputs.table.name,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :use)",
            ExpressionAttributeValues={
                ":pk": {"S": item_keys.user_pk(owner.sub)},
                ":use": {"S": item_keys.media_use_prefix(media_id)},
            },
        )["Items"]

    records = {label: access_records(label) for label in ("primary", "dr")}
    assert [r["region"]["S"] for r in records["primary"]] == [stack.region("primary")]  # paused: own only
    stack.resume_replication()
    both = {stack.region("primary"), stack.region("dr")}
    stack.wait_for(
        lambda: {r["region"]["S"] for r in access_records("primary")} == both,
        what="both regions' access records in the primary",
    )
    assert len(records["dr"]) == 1 and records["dr"][0]["region"]["S"] == stack.region("dr")
    latest = max(r["last_used_at"]["S"] for r in access_records("primary"))
    uses = last_uses(AuditEnv(stack.outputs))
    assert uses[(owner.sub, media_id)] == datetime.fromisoformat(latest.replace("Z", "+00:00"))
    stack.wait_for(
        lambda: stack.request("GET", f"/media/{media_id}", "primary", user=owner).status_code == 200,
        what="the restored object served by the primary",
    )
    assert restores_started(stack) == before + 1
