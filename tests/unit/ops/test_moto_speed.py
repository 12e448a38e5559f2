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


def _transactions() -> list[list[dict[str, Any]]]:
    """Four-item transactions over two tables: ones that apply, and ones whose last condition fails after
    the others were applied (moto then puts its backups back)."""

    def put(table: str, pk: str, sk: str, n: int) -> dict[str, Any]:
        item = {"PK": {"S": pk}, "SK": {"S": sk}, "n": {"N": str(n)}}
        return {"Put": {"TableName": table, "Item": item}}

    def bump(pk: str, sk: str, must_be: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": "t",
                "Key": {"PK": {"S": pk}, "SK": {"S": sk}},
                "UpdateExpression": "SET n = n + :one",
                "ConditionExpression": "n = :was",
                "ExpressionAttributeValues": {":one": {"N": "1"}, ":was": {"N": str(must_be)}},
            }
        }

    other = {"Put": {"TableName": "hash_only", "Item": {"id": {"S": "tx"}, "v": {"N": "1"}}}}
    return [
        [put("t", "tx", "a", 1), put("t", "tx", "b", 2), put("t", "tx", "c", 3), other],
        [put("t", "tx", "d", 4), bump("tx", "a", 1), put("t", "tx", "e", 5), bump("tx", "b", 99)],  # fails
        [bump("tx", "a", 1), bump("tx", "b", 2), put("t", "tx", "f", 6), other],
        [put("t", "tx", "g", 7), bump("tx", "c", 3), bump("tx", "a", 1)],  # fails: a is 2 now
    ]


def _run_transactions(db: Any) -> list[Any]:
    answers: list[Any] = []
    for items in _transactions():
        try:
            db.transact_write_items(TransactItems=items)
            answers.append("ok")
        except ClientError as exc:
            reasons = exc.response.get("CancellationReasons", [])
            answers.append((exc.response["Error"]["Code"], [r.get("Code") for r in reasons]))
        for table in ("t", "hash_only"):
            items_now = db.scan(TableName=table, ConsistentRead=True)["Items"]
            answers.append(sorted(items_now, key=lambda i: sorted((k, str(v)) for k, v in i.items())))
        answers.append(_stream(db))
    return answers


def _stream(db: Any) -> list[Any]:
    """Table t's stream records, all of them, as moto keeps them (a failed transaction adds none)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    shard = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables["t"].stream_shard
    return [
        (
            r["eventName"],
            r["dynamodb"]["SequenceNumber"],
            r["dynamodb"]["Keys"],
            r["dynamodb"].get("NewImage"),
        )
        for r in (record.to_json() for record in shard.items)
    ]


def test_every_transaction_answers_and_leaves_the_same_tables_with_and_without_the_patch(
    restore_patch, monkeypatch
):
    copies: list[str] = []
    real_copy = moto_speed.copy_table

    def counted(table, memo):
        copies.append(table.name)
        return real_copy(table, memo)

    monkeypatch.setattr(moto_speed, "copy_table", counted)
    answers = {}
    for patched in (False, True):
        moto_speed.install() if patched else moto_speed.uninstall()
        copies.clear()
        with mock_aws():
            db = boto3.client("dynamodb", region_name="us-east-1")
            _fill(db)
            answers[patched] = _run_transactions(db)
        assert not patched or sorted(copies) == sorted(["t", "hash_only", "t", "t", "hash_only", "t"])
    assert answers[True] == answers[False]
    assert len(answers[True][-1]) == 240 + 3 + 3  # _fill's puts, then the writes to t of the two that applied
    assert answers[True][0::4] == [
        "ok",
        ("TransactionCanceledException", ["None", "None", "None", "ConditionalCheckFailed"]),
        "ok",
        ("TransactionCanceledException", ["None", "None", "ConditionalCheckFailed"]),
    ]
