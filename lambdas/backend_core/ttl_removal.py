"""What a removal by DynamoDB's TTL process looks like in a stream record, defined once.

DynamoDB marks the REMOVE records of TTL deletions with its service identity
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-streams.html):
`userIdentity = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}` as GetRecords answers it,
`{"type": "Service", "principalId": "dynamodb.amazonaws.com"}` in a Lambda event. A user's delete and a
replicated delete from the other region carry no identity.

Read by ttl_archiver (which records to archive), Terraform's event filter of the archiver's stream mapping
(`lambda_event_filter()`, through `terraform/contracts/ttl_removal.json`), the local stack's TTL stand-in
(which marks its deletes so) and `ops audit ttl` (which reads the stream through GetRecords).
"""

from __future__ import annotations

from typing import Any

EVENT_NAME = "REMOVE"
PRINCIPAL_TYPE = "Service"
PRINCIPAL_ID = "dynamodb.amazonaws.com"

LAMBDA_EVENT_IDENTITY = {"type": PRINCIPAL_TYPE, "principalId": PRINCIPAL_ID}  # as a Lambda event spells it
STREAM_IDENTITY = {"Type": PRINCIPAL_TYPE, "PrincipalId": PRINCIPAL_ID}  # as GetRecords spells it


def is_ttl_removal(record: dict[str, Any]) -> bool:
    """A stream record in a Lambda event is a TTL removal (the same test as the event source filter)."""
    return _removed_by(record, LAMBDA_EVENT_IDENTITY)


def is_ttl_removal_stream_record(record: dict[str, Any]) -> bool:
    """A record as GetRecords answers it is a TTL removal."""
    return _removed_by(record, STREAM_IDENTITY)


def _removed_by(record: dict[str, Any], identity: dict[str, str]) -> bool:
    found = record.get("userIdentity") or {}
    return record.get("eventName") == EVENT_NAME and all(found.get(k) == v for k, v in identity.items())


def lambda_event_filter() -> dict[str, Any]:
    """The event source mapping's filter pattern that passes TTL removals only (Lambda event filtering:
    https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html)."""
    return {
        "eventName": [EVENT_NAME],
        "userIdentity": {"type": [PRINCIPAL_TYPE], "principalId": [PRINCIPAL_ID]},
    }


def contract() -> dict[str, Any]:
    """The export for Terraform (`ops contracts export`)."""
    return {"lambda_event_filter": lambda_event_filter()}
