"""The gateway's change signal per loop: a write wakes only the loops that can have work from it."""

from __future__ import annotations

import threading

from ops.local.moto_gateway import MotoGateway, request_source
from ops.local.stand_ins.event_sources import wakes_event_sources
from ops.local.stand_ins.firehose_conversion import wakes_firehose
from ops.local.stand_ins.ttl_sweeper import wakes_ttl_sweeper
from ops.local.stand_ins.user_pool_replica import wakes_user_pool_replica


def signed(service: str, region: str = "eu-west-1") -> str:
    return f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/{region}/{service}/aws4_request, SignedHeaders=host"


def answer_ok(environ: dict, start_response) -> list[bytes]:
    start_response("200 OK", [("Content-Length", "0")])
    return [b""]


def write(gateway: MotoGateway, **environ: str) -> None:
    base = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "wsgi.input": __import__("io").BytesIO(b"")}
    list(gateway({**base, **environ}, lambda *args: None))


def test_request_source_names_the_service_and_the_bucket() -> None:
    assert request_source({"HTTP_AUTHORIZATION": signed("firehose")}) == ("firehose", "")
    assert request_source({"HTTP_AUTHORIZATION": signed("s3"), "PATH_INFO": "/media-bucket/users/a.jpg"}) == (
        "s3",
        "media-bucket",
    )
    # Cognito's sign-up is unsigned: told by its target
    assert request_source({"HTTP_X_AMZ_TARGET": "AWSCognitoIdentityProviderService.SignUp"}) == (
        "cognito-idp",
        "",
    )
    assert request_source({"REQUEST_METHOD": "POST"}) is None


def test_a_write_moves_only_the_feeds_that_care_and_an_unknown_one_moves_all() -> None:
    gateway = MotoGateway(answer_ok)
    firehose, ttl = gateway.changes_for(wakes_firehose), gateway.changes_for(wakes_ttl_sweeper)
    seen_firehose, seen_ttl = firehose(-1, 0.0), ttl(-1, 0.0)

    write(
        gateway, HTTP_AUTHORIZATION=signed("firehose"), HTTP_X_AMZ_TARGET="Firehose_20150804.PutRecordBatch"
    )
    assert firehose(seen_firehose, 0.0) == seen_firehose + 1
    assert ttl(seen_ttl, 0.05) == seen_ttl  # timed out: not its business

    write(gateway)  # unsigned, of no known service: anything may have changed
    assert ttl(seen_ttl, 0.0) == seen_ttl + 1
    gateway.nudge()  # a knob
    assert ttl(seen_ttl, 0.0) == seen_ttl + 2
    assert gateway.changes == 3  # the whole count still sees every write (the moto janitor)


def test_a_waiting_loop_sleeps_through_writes_it_does_not_care_about_and_wakes_on_its_own() -> None:
    gateway = MotoGateway(answer_ok)
    replica = gateway.changes_for(wakes_user_pool_replica)
    seen = replica(-1, 0.0)
    result: list[int] = []
    waiter = threading.Thread(target=lambda: result.append(replica(seen, 10.0)))
    waiter.start()
    write(gateway, HTTP_AUTHORIZATION=signed("dynamodb"), HTTP_X_AMZ_TARGET="DynamoDB_20120810.PutItem")
    waiter.join(0.3)
    assert waiter.is_alive()  # a table write is none of the user-pool replica's business
    write(gateway, HTTP_X_AMZ_TARGET="AWSCognitoIdentityProviderService.SignUp")
    waiter.join(5)
    assert result == [seen + 1]


def test_the_stand_ins_interests() -> None:
    assert wakes_event_sources("sqs", "") and wakes_event_sources("dynamodb", "")
    assert not wakes_event_sources("firehose", "") and not wakes_event_sources("s3", "analytics")
    assert wakes_ttl_sweeper("dynamodb", "") and not wakes_ttl_sweeper("s3", "media")
    assert wakes_firehose("firehose", "") and not wakes_firehose("s3", "analytics")
