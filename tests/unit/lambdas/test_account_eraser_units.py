"""The account eraser's two late paths against moto: a media object landing for a tombstoned owner (the S3
event) is erased with every version of the owner's prefix, a live owner's is left alone; the Cognito user is
deleted from the owning pool in its home region only (once, whatever region's eraser runs first)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from backend_core.account_erasure import (
    EraseContext,
    erase_cognito_user,
    erase_landed_media,
    user_pool_home_region,
)
from backend_core.erasure_store import ErasureStore
from backend_core.s3_layout import owner_of_media_key

PRIMARY, DR = "us-east-1", "us-west-2"


@pytest.fixture
def aws():
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name=DR)
        ddb.create_table(
            TableName="t",
            KeySchema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        s3 = boto3.client("s3", region_name=DR)
        s3.create_bucket(Bucket="media", CreateBucketConfiguration={"LocationConstraint": DR})
        s3.put_bucket_versioning(Bucket="media", VersioningConfiguration={"Status": "Enabled"})
        idp = boto3.client("cognito-idp", region_name=PRIMARY)
        pool = idp.create_user_pool(PoolName="users")["UserPool"]["Id"]
        idp.admin_create_user(UserPoolId=pool, Username="gone")
        yield ddb, s3, idp, pool


def _ctx(aws, region: str) -> EraseContext:
    ddb, s3, idp, pool = aws
    return EraseContext(ddb, "t", s3, "media", idp, region, (PRIMARY, DR), {}, owning_pool=lambda: pool)


def _versions(s3, prefix: str) -> int:
    out = s3.list_object_versions(Bucket="media", Prefix=prefix)
    return len(out.get("Versions", [])) + len(out.get("DeleteMarkers", []))


def test_a_late_replica_of_a_tombstoned_owner_is_erased_with_the_whole_prefix(aws) -> None:
    ddb, s3, _, _ = aws
    ErasureStore(ddb, "t").request("gone", None, "2026-01-01T00:00:00Z", 2_000_000_000)
    for body in (b"a", b"b"):
        s3.put_object(Bucket="media", Key="users/gone/media/m1", Body=body)
    s3.put_object(Bucket="media", Key="users/alive/media/m2", Body=b"c")

    assert erase_landed_media(_ctx(aws, DR), ErasureStore(ddb, "t"), "users/gone/media/m1") == 2
    assert _versions(s3, "users/gone/") == 0
    assert erase_landed_media(_ctx(aws, DR), ErasureStore(ddb, "t"), "users/alive/media/m2") == 0
    assert _versions(s3, "users/alive/") == 1, "a live owner's media is untouched"
    assert erase_landed_media(_ctx(aws, DR), ErasureStore(ddb, "t"), "archive/dynamodb-ttl/x.json") == 0


def test_the_cognito_user_is_deleted_in_the_owning_pools_home_region_only(aws) -> None:
    _, _, idp, pool = aws
    assert user_pool_home_region(pool) == PRIMARY
    assert erase_cognito_user(_ctx(aws, DR), "gone") == 0, "DR never calls the primary's pool"
    assert idp.list_users(UserPoolId=pool)["Users"], "still there after DR's eraser"
    assert erase_cognito_user(_ctx(aws, PRIMARY), "gone") == 1
    assert not idp.list_users(UserPoolId=pool)["Users"]
    assert erase_cognito_user(_ctx(aws, PRIMARY), "gone") == 0, "already gone counts as done, deleted once"


def test_the_owner_of_a_media_key() -> None:
    assert owner_of_media_key("users/u1/media/m1") == "u1"
    assert owner_of_media_key("users//media/m1") is None
    assert owner_of_media_key("drill/canary/x") is None
