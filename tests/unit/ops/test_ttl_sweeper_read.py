"""The TTL stand-in reads expired keys from the emulator's table in process (ops/local/stand_ins/ttl_sweeper.py
`expired_in_process`): the same keys its Scan (`#ttl < :now` on a Number) finds, for every kind of item."""

from __future__ import annotations

import boto3
from moto import mock_aws

from backend_core.table_design import TABLE_DESIGN
from ops.local.stand_ins.ttl_sweeper import TtlSweeper, expired_in_process

NOW = 1_800_000_000


@mock_aws
def test_the_in_process_read_finds_what_the_scan_finds():
    db = boto3.client("dynamodb", region_name="us-east-1")
    db.create_table(**TABLE_DESIGN.to_boto3_create_args("t"))
    ttl = TABLE_DESIGN.ttl_attribute
    cases = {
        "past": {"N": str(NOW - 1)},
        "now": {"N": str(NOW)},  # not below now: kept
        "future": {"N": str(NOW + 60)},
        "fraction": {"N": f"{NOW - 1}.5"},
        "none": None,
    }
    for n, (name, expiry) in enumerate(cases.items()):
        for sk in ("a", "b"):
            item = {"PK": {"S": f"P#{name}"}, "SK": {"S": f"{sk}{n}"}}
            if expiry is not None:
                item[ttl] = expiry
            db.put_item(TableName="t", Item=item)
    sweeper = TtlSweeper({"primary": (db, "t")}, ttl, ("PK", "SK"), in_process=False)
    scanned = sweeper._expired_keys(db, "t", NOW)
    read = expired_in_process("us-east-1", "t", ttl, sweeper.projection, NOW)

    def key(k: dict) -> tuple:
        return (k["PK"]["S"], k["SK"]["S"])

    assert read is not None and sorted(map(key, read)) == sorted(map(key, scanned))
    assert {k[0] for k in map(key, read)} == {"P#past", "P#fraction"}
    assert all(set(k) == {"PK", "SK"} for k in read)
    # Not a Number: DynamoDB's TTL ignores it (moto's own Scan cannot compare it, hence after the Scan).
    db.put_item(TableName="t", Item={"PK": {"S": "P#text"}, "SK": {"S": "x"}, ttl: {"S": str(NOW - 100)}})
    again = expired_in_process("us-east-1", "t", ttl, sweeper.projection, NOW)
    assert again is not None and sorted(map(key, again)) == sorted(map(key, read))
    assert expired_in_process("us-east-1", "no-such-table", ttl, sweeper.projection, NOW) is None
