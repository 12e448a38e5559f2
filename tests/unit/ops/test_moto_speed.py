"""The moto Query speed patch (ops/local/moto_speed.py) changes no answer: the same queries, against the same
tables, answer the same pages (items, order, LastEvaluatedKey, counts) and the same errors with and without it."""

from __future__ import annotations

import random
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from backend_core.table_design import TABLE_DESIGN
from ops.local import moto_speed

PARTITIONS = ["part-a1", "part-a2", "part-b1", "part-b2", "empty"]  # any strings: moto keys, not the app's


def _fill(db: Any) -> None:
    db.create_table(**TABLE_DESIGN.to_boto3_create_args("t"))
    db.create_table(
        TableName="hash_only",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    rng = random.Random(14)
    for pk in PARTITIONS[:-1]:
        for n in rng.sample(range(1000), 60):
            prefix = rng.choice(["aa-", "aab-", "cc-", "dd-"])
            item = {"PK": {"S": pk}, "SK": {"S": f"{prefix}{n:04d}"}, "n": {"N": str(n)}}
            if n % 3 == 0:
                item["GSI1PK"] = {"S": f"g-{n % 2}"}
                item["GSI1SK"] = {"S": f"{n:04d}"}
            db.put_item(TableName="t", Item=item)
    for n in range(5):
        db.put_item(TableName="hash_only", Item={"id": {"S": f"i{n}"}, "v": {"N": str(n)}})


def _queries() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for pk in PARTITIONS:
        base = {"TableName": "t", "ExpressionAttributeValues": {":pk": {"S": pk}}}
        out.append({**base, "KeyConditionExpression": "PK = :pk"})
        out.append({**base, "KeyConditionExpression": "PK = :pk", "ScanIndexForward": False, "Limit": 7})
        out.append({**base, "KeyConditionExpression": "PK = :pk", "ConsistentRead": True, "Limit": 13})
        for prefix in ("aa-", "aab-", "dd-"):
            values = {":pk": {"S": pk}, ":p": {"S": prefix}}
            cond = "PK = :pk AND begins_with(SK, :p)"
            out.append(
                {**base, "ExpressionAttributeValues": values, "KeyConditionExpression": cond, "Limit": 9}
            )
            out.append(
                {
                    **base,
                    "ExpressionAttributeValues": {**values, ":min": {"N": "500"}},
                    "KeyConditionExpression": cond,
                    "FilterExpression": "n > :min",
                    "ProjectionExpression": "SK, n",
                    "Limit": 5,
                }
            )
        out.append(
            {
                **base,
                "ExpressionAttributeValues": {
                    ":pk": {"S": pk},
                    ":a": {"S": "aab-0100"},
                    ":b": {"S": "cc-0900"},
                },
                "KeyConditionExpression": "PK = :pk AND SK BETWEEN :a AND :b",
                "Limit": 11,
            }
        )
    out.append(
        {
            "TableName": "t",
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :g",
            "ExpressionAttributeValues": {":g": {"S": "g-1"}},
            "Limit": 8,
        }
    )
    out.append(
        {
            "TableName": "hash_only",
            "KeyConditionExpression": "id = :i",
            "ExpressionAttributeValues": {":i": {"S": "i3"}},
        }
    )
    out.append(  # an error: a key condition on a non-key attribute
        {
            "TableName": "t",
            "KeyConditionExpression": "n = :n",
            "ExpressionAttributeValues": {":n": {"N": "1"}},
        }
    )
    return out


def _all_pages(db: Any, query: dict[str, Any]) -> list[Any]:
    pages: list[Any] = []
    start = None
    for _ in range(200):
        try:
            out = db.query(**query, **({"ExclusiveStartKey": start} if start else {}))
        except ClientError as exc:
            return [("error", exc.response["Error"]["Code"])]
        pages.append((out["Items"], out.get("LastEvaluatedKey"), out["Count"], out["ScannedCount"]))
        start = out.get("LastEvaluatedKey")
        if not start:
            return pages
    raise AssertionError("pagination never ended")


@pytest.fixture
def restore_patch():
    was = moto_speed.installed()
    yield
    moto_speed.install() if was else moto_speed.uninstall()


@mock_aws
def test_every_query_answers_the_same_with_and_without_the_patch(restore_patch):
    db = boto3.client("dynamodb", region_name="us-east-1")
    _fill(db)
    answers = {}
    for patched in (False, True):
        moto_speed.install() if patched else moto_speed.uninstall()
        answers[patched] = [_all_pages(db, q) for q in _queries()]
    assert answers[True] == answers[False]
    assert sum(len(a) for a in answers[True]) > 100  # the queries really paged
    assert any(a and a[0][0] == "error" for a in answers[True])  # and the error case was exercised


HOSTS = [
    None,
    "moto_api",
    "dynamodb.us-east-1.amazonaws.com",
    "streams.dynamodb.us-west-2.amazonaws.com",
    "sqs.us-east-1.amazonaws.com",
    "s3.amazonaws.com",
    "bucket.s3.us-west-2.amazonaws.com",
    "cognito-idp.us-east-1.amazonaws.com",
    "firehose.us-west-2.amazonaws.com",
    "sns.us-east-1.amazonaws.com",
    "dynamodb",  # a module name, as moto's own dispatch passes it
    "nothing.example.com",
]


def test_the_dispatch_answers_the_same_backend_for_every_host_with_and_without_the_patch(
    restore_patch, capsys
):
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    answers = {}
    for patched in (False, True):
        moto_speed.install() if patched else moto_speed.uninstall()
        dispatcher = DomainDispatcherApplication(create_app=lambda service: service)
        answers[patched] = [
            dispatcher.get_backend_for_host(h) for h in HOSTS * 2
        ]  # twice: the cached answers
    assert answers[True] == answers[False]
    assert answers[True][2] == "dynamodb" and answers[True][4] == "sqs"  # real backends, not all None
    capsys.readouterr()  # moto prints a hint for an unknown amazonaws host
