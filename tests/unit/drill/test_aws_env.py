"""The drill's AWS side against moto in-process: the cut inverts the primary's Route 53 health check (and
the refusal sees it), the replication-pause fault starts and stops the blueprint's FIS template (found by
its tags). moto has no user pool replica API, so the replica check is not exercised here."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ops.drill.aws_env import AwsEnv
from ops.stack_outputs import StackOutputs


@pytest.fixture
def aws(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MBT_DRILL_STATE_DIR", "/nonexistent-drill-state")
    with mock_aws():
        yield boto3.session.Session()


def outputs(health_check_id: str, pool_id: str = "us-east-1_abc") -> StackOutputs:
    return StackOutputs.model_validate(
        {
            "env": "dev", "primary_region": "us-east-1", "dr_region": "us-west-2", "endpoint_url": None,
            "api": {"primary": "https://p1.execute-api.us-east-1.amazonaws.com",
                    "dr": "https://d2.execute-api.us-west-2.amazonaws.com", "public": "https://api.dev.example.com"},
            "auth": {"user_pool_id": pool_id, "client_id": "c", "identity_pool_id": None, "issuer": "i"},
            "table": {"name": "mbt-dev-main", "stream_arn": None},
            "media": {"bucket": {"primary": "mbt-dev-media-us-east-1", "dr": "mbt-dev-media-us-west-2"}, "cdn_domain": None},
            "notifications": {"queue_url": "q", "platform_applications": {"apns": None, "fcm": None}},
            "analytics": {"bucket": "b", "database": "d", "table": "usage_events", "workgroup": "w"},
            "dr": {"health_check_id": health_check_id, "failover_record": "api.dev.example.com"},
            "alerts_topic_arn": None,
        }
    )  # fmt: skip


def health_check(session) -> str:
    return session.client("route53").create_health_check(
        CallerReference="drill-test",
        HealthCheckConfig={
            "Type": "HTTPS", "FullyQualifiedDomainName": "p1.execute-api.us-east-1.amazonaws.com",
            "Port": 443, "ResourcePath": "/health", "RequestInterval": 30, "FailureThreshold": 3,
        },
    )["HealthCheck"]["Id"]  # fmt: skip


def test_the_cut_inverts_the_primary_health_check_and_restore_puts_it_back(aws):
    env = AwsEnv("dev", outputs(health_check(aws)), aws)
    assert env.refusal() is None
    change = env.plan_cut()
    assert change == {
        "kind": "cut-primary",
        "how": "route53-invert",
        "health_check_id": env.outputs.dr.health_check_id,
    }
    env.apply_cut(change)
    route53 = aws.client("route53")
    assert route53.get_health_check(HealthCheckId=change["health_check_id"])["HealthCheck"][
        "HealthCheckConfig"
    ]["Inverted"]
    assert "already failed over" in env.refusal()
    env.undo(change)
    assert not route53.get_health_check(HealthCheckId=change["health_check_id"])["HealthCheck"][
        "HealthCheckConfig"
    ]["Inverted"]
    assert env.refusal() is None


def test_alarms_in_alarm_refuse_the_drill(aws):
    env = AwsEnv("dev", outputs(health_check(aws)), aws)
    cloudwatch = aws.client("cloudwatch", region_name="us-west-2")
    cloudwatch.put_metric_alarm(
        AlarmName="mbt-dev-api-5xx", MetricName="5xx", Namespace="AWS/ApiGateway", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    cloudwatch.set_alarm_state(AlarmName="mbt-dev-api-5xx", StateValue="ALARM", StateReason="test")
    assert env.refusal() == "alarms in ALARM: mbt-dev-api-5xx"


def test_replication_pause_finds_the_blueprint_template_by_its_tags(aws):
    fis = aws.client("fis")
    template = fis.create_experiment_template(
        clientToken="t", description="pause", roleArn="arn:aws:iam::123456789012:role/fis",
        stopConditions=[{"source": "none"}],
        actions={"pause": {"actionId": "aws:dynamodb:global-table-pause-replication", "parameters": {"duration": "PT30M"}}},
        tags={"Name": "mbt-dev-replication-pause", "mbt:drill-fault": "replication-pause"},
    )["experimentTemplate"]  # fmt: skip
    env = AwsEnv("dev", outputs(health_check(aws)), aws)
    change = env.plan_fault("replication-pause")
    assert change["template_id"] == template["id"]
    other = AwsEnv(
        "staging",
        outputs(health_check(aws)).model_copy(
            update={"table": outputs("x").table.model_copy(update={"name": "mbt-staging-main"})}
        ),
        aws,
    )
    with pytest.raises(
        Exception,
        match="no FIS experiment template tagged mbt:drill-fault=replication-pause named mbt-staging-",
    ):
        other.plan_fault("replication-pause")
