"""The drill's decisions on AWS-shaped data (what moto cannot produce): global table replicas, replication
rules, the scheduler input, the settings contract, and a verdict that needs every check to pass."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from pydantic import ValidationError

from drill.canary import Canary, measure
from drill.event import DrillInput, explain
from drill.preflight import replica_in, rule_to
from drill.report import Check, Report
from drill.settings import ENV_VARS, Settings

# DescribeTable's Replicas as AWS returns them for a global table (version 2019.11.21).
REPLICAS = [
    {"RegionName": "us-west-2", "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": "arn:aws:kms:us-west-2:1:key/x"},
    {"RegionName": "eu-west-1", "ReplicaStatus": "CREATING"},
]


@pytest.mark.parametrize(
    ("region", "ok", "says"),
    [
        ("us-west-2", True, "us-west-2 is ACTIVE"),
        ("eu-west-1", False, "eu-west-1 is CREATING"),
        ("ap-south-1", False, "no replica in ap-south-1 (replicas: eu-west-1, us-west-2)"),
    ],
)
def test_replica_in(region, ok, says):
    got_ok, detail = replica_in(REPLICAS, region)
    assert got_ok is ok and says in detail


def rule(**overrides):
    base = {
        "ID": "media-to-dr",
        "Priority": 1,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "Destination": {"Bucket": "arn:aws:s3:::media-dr"},
    }
    return {**base, **overrides}


@pytest.mark.parametrize(
    ("rules", "matches"),
    [
        ([rule()], True),
        ([rule(Filter={})], True),
        ([rule(Filter={"Prefix": "drill/"})], True),
        ([rule(Prefix="")], True),  # the V1 schema
        ([rule(Status="Disabled")], False),
        ([rule(Destination={"Bucket": "arn:aws:s3:::somewhere-else"})], False),
        ([rule(Filter={"Prefix": "users/"})], False),  # does not cover the canary
        ([rule(Filter={"Tag": {"Key": "k", "Value": "v"}})], False),  # the canary carries no tags
        ([rule(Filter={"And": {"Prefix": "", "Tags": [{"Key": "k", "Value": "v"}]}})], False),
        ([rule(Status="Disabled"), rule(ID="second")], True),
        ([], False),
    ],
)
def test_rule_to(rules, matches):
    found = rule_to({"Role": "arn:aws:iam::1:role/r", "Rules": rules}, "media-dr", "drill/canary/run-1")
    assert (found is not None) is matches


def test_scheduler_input_is_accepted_exactly():
    parsed = DrillInput.model_validate({"mode": "non-destructive", "rto_minutes": 15, "rpo_minutes": 5})
    assert (parsed.mode, parsed.rto_minutes, parsed.rpo_minutes) == ("non-destructive", 15, 5)
    with pytest.raises(ValidationError) as err:
        DrillInput.model_validate({"mode": "failover", "rto_minutes": 0, "rpo_minutes": 5})
    line = explain(err.value)
    assert "mode" in line and "rto_minutes" in line and "\n" not in line


def env(**changes) -> dict[str, str]:
    base = {
        "AWS_REGION": "us-east-1",
        "ENV_NAME": "prod",
        "TABLE_NAME": "app",
        "MEDIA_BUCKET": "media-east",
        "DR_REGION": "us-west-2",
        "DR_MEDIA_BUCKET": "media-west",
        "DR_API_URL": "https://abc.execute-api.us-west-2.amazonaws.com/",
        "ALERTS_TOPIC_ARN": "arn:aws:sns:us-east-1:1:alerts",
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def test_settings_from_env():
    settings = Settings.from_env(env())
    assert settings.replica_table == "app"  # global table replicas share the name
    assert settings.dr_api_url == "https://abc.execute-api.us-west-2.amazonaws.com"
    assert settings.endpoint_url is None and settings.env_name == "prod"
    assert Settings.from_env(env(DR_TABLE_NAME="app-replica")).replica_table == "app-replica"
    assert set(ENV_VARS) == {
        "DR_REGION",
        "DR_TABLE_NAME",
        "DR_MEDIA_BUCKET",
        "DR_API_URL",
        "ALERTS_TOPIC_ARN",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"DR_REGION": None}, "dr_region"),
        ({"DR_API_URL": "ftp://x"}, "dr_api_url"),
        ({"DR_MEDIA_BUCKET": ""}, "dr_media_bucket"),
    ],
)
def test_settings_refuse_missing_or_bad_values(changes, field):
    with pytest.raises(ValidationError, match=field):
        Settings.from_env(env(**changes))


def test_verdict_needs_at_least_one_check_and_all_to_pass():
    report = Report(run_id="r", started_at="t", env="e")
    report.conclude("t2")
    assert report.passed is False  # nothing checked is not a pass
    report.add(Check("a", True, "fine"))
    report.conclude("t2")
    assert report.passed is True
    report.add(Check("b", False, "broken thing"))
    report.conclude("t3")
    assert report.passed is False
    assert [c.name for c in report.failures()] == ["b"]
    assert "- b: broken thing" in report.alert_text()


def canary(store: str, replicated) -> Canary:
    writes: list[str] = []
    return Canary(store, "dr", lambda: writes.append(store), replicated, lambda: [store])


def test_measure_polls_until_seen_and_gives_up_on_unreadable_copies():
    polls = iter([False, False, True])
    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "GetItem")

    def unreadable() -> bool:
        raise denied

    seen, broken, never = (
        canary("table", lambda: next(polls)),
        canary("s3", unreadable),
        canary("x", lambda: False),
    )
    measure([seen, broken, never], wait_seconds=0.2, poll_seconds=0.01)

    assert all(c.written for c in (seen, broken, never))
    assert seen.lag_seconds is not None and seen.error is None
    assert broken.lag_seconds is None and "AccessDeniedException" in broken.error
    assert (
        never.lag_seconds is None and never.error is None
    )  # ran out of time: the report says "not replicated"
