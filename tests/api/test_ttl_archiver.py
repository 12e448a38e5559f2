"""TTL expiries are archived to S3 (R11); user deletes and other changes are not; retries do not duplicate.

moto never expires items (TTL is an emulator gap), so the stream records are built as DynamoDB delivers a
TTL removal: eventName REMOVE by the service principal, with the old image.
"""

from __future__ import annotations

import json

from backend_core import item_keys
from backend_core.archival import ARCHIVAL_POLICY
from backend_core.ddb import to_ddb
from ttl_archiver.app import create_handler
from ttl_archiver.settings import Settings

STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/app/stream/2026-01-01T00:00:00.000"
TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


EXPIRING = item_keys.idempotency("p", "k")


def record(seq: str, event_name: str, identity: dict | None, item: dict[str, str] = EXPIRING) -> dict:
    keys = to_ddb(item)
    rec = {
        "eventID": seq, "eventName": event_name, "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
        "eventSourceARN": STREAM,
        "dynamodb": {
            "Keys": keys, "SequenceNumber": seq, "SizeBytes": 100, "StreamViewType": "NEW_AND_OLD_IMAGES",
            "ApproximateCreationDateTime": 1795651200,  # 2026-11-26
            "OldImage": {**keys, "expires_at": {"N": "1795651100"}, "status": {"S": "completed"},
                         "price": {"N": "12.5"}},
        },
    }  # fmt: skip
    if identity is not None:
        rec["userIdentity"] = identity
    return rec


def archived(stack) -> dict[str, dict]:
    s3 = stack.client("s3")
    prefix = ARCHIVAL_POLICY.expired_items_prefix
    listing = s3.list_objects_v2(Bucket=stack.settings.media_bucket, Prefix=prefix).get("Contents", [])
    return {
        o["Key"]: json.loads(s3.get_object(Bucket=stack.settings.media_bucket, Key=o["Key"])["Body"].read())
        for o in listing
    }


def settings_for(stack, **changes) -> Settings:
    return Settings(**{**stack.settings.model_dump(include=set(Settings.model_fields)), **changes})


def test_only_ttl_expiries_are_archived_once(stack):
    handler = create_handler(settings_for(stack))
    before = set(archived(stack))
    event = {"Records": [
        record("100", "REMOVE", TTL_IDENTITY),
        record("101", "REMOVE", None, item=item_keys.profile("someone")),  # a user's delete
        record("102", "MODIFY", None, item=item_keys.profile("other")),
    ]}  # fmt: skip
    assert handler(event, None) == {"batchItemFailures": []}
    assert handler(event, None) == {"batchItemFailures": []}  # the stream redelivered the batch
    new = {k: v for k, v in archived(stack).items() if k not in before}
    assert len(new) == 1
    key, document = next(iter(new.items()))
    assert key.startswith(f"{ARCHIVAL_POLICY.expired_items_prefix}2026/11/25/") and key.endswith(
        ".json"
    )  # expiry day
    assert document["keys"] == EXPIRING
    assert document["item"]["status"] == "completed" and document["item"]["price"] == 12.5
    assert document["table"] == "app" and document["expires_at"] == 1795651100


def test_the_same_expiry_from_both_regions_is_one_record(stack):
    """Both regions' TTL removed the item before either delete replicated: one record, written once."""
    handler = create_handler(settings_for(stack))
    before = set(archived(stack))
    primary = record("300", "REMOVE", TTL_IDENTITY, item=item_keys.idempotency("both", "k"))
    dr = record("9100", "REMOVE", TTL_IDENTITY, item=item_keys.idempotency("both", "k"))
    dr["eventSourceARN"] = STREAM.replace("us-east-1", "us-west-2")
    dr["awsRegion"] = "us-west-2"
    dr["dynamodb"]["ApproximateCreationDateTime"] += 40  # the other region's TTL got to it later
    assert handler({"Records": [primary]}, None) == {"batchItemFailures": []}
    assert handler({"Records": [dr]}, None) == {"batchItemFailures": []}
    new = [k for k in archived(stack) if k not in before]
    assert len(new) == 1
    versions = stack.client("s3").list_object_versions(Bucket=stack.settings.media_bucket, Prefix=new[0])
    assert len(versions.get("Versions", [])) == 1  # not rewritten either


def test_a_failed_write_is_reported_so_only_it_is_retried(stack):
    handler = create_handler(settings_for(stack, media_bucket="no-such-bucket"))
    event = {"Records": [record("200", "REMOVE", None), record("201", "REMOVE", TTL_IDENTITY)]}
    assert handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "201"}]}
