"""The Lambda entry point: settings from the environment, metrics as CloudWatch EMF, and no crash when
the function is misconfigured. Plus the AWS side of the replica check, on the emulator's real table."""

from __future__ import annotations

import json

import pytest

from drill import app
from drill.preflight import table_replica

from .conftest import drill_settings

pytestmark = pytest.mark.integration
EVENT = {"mode": "non-destructive", "rto_minutes": 15, "rpo_minutes": 0.5}


@pytest.fixture
def fresh_handler(monkeypatch):
    monkeypatch.setattr(app, "_handler", None)  # lambda_handler builds its handler once per container
    app.metrics.clear_metrics()  # handlers built by other tests add to the same module-level Metrics


def emf(stdout: str) -> dict[str, list]:
    """Metric name -> values, from the EMF lines Powertools printed."""
    found: dict[str, list] = {}
    for line in stdout.splitlines():
        if '"_aws"' not in line:
            continue
        doc = json.loads(line)
        for directive in doc["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = doc[metric["Name"]]
                found.setdefault(metric["Name"], []).extend(value if isinstance(value, list) else [value])
    return found


def test_lambda_handler_reads_env_and_publishes_metrics(
    stack, replication_rule, fresh_handler, monkeypatch, capsys
):
    out = stack.outputs
    for name, value in {
        "AWS_REGION": out.primary_region,
        "ENDPOINT_URL": stack.endpoint_url,
        "ENV_NAME": "local",
        "TABLE_NAME": out.table.name,
        "MEDIA_BUCKET": out.media.bucket.primary,
        "DR_REGION": out.dr_region,
        "DR_MEDIA_BUCKET": out.media.bucket.dr,
        "DR_API_URL": out.api.dr,
        "ALERTS_TOPIC_ARN": out.alerts_topic_arn,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")

    report = app.lambda_handler(EVENT, None)

    assert report["passed"] is True, json.dumps(report, indent=2)
    metrics = emf(capsys.readouterr().out)
    assert metrics["DrillPassed"] == [1.0]
    assert sorted(metrics["RpoSeconds"]) == sorted(report["rpo_seconds"].values())


def test_misconfigured_function_reports_instead_of_crashing(fresh_handler, monkeypatch, capsys):
    monkeypatch.setenv("TABLE_NAME", "app")
    monkeypatch.delenv("DR_REGION", raising=False)
    monkeypatch.delenv("DR_API_URL", raising=False)

    report = app.lambda_handler(EVENT, None)

    assert report["passed"] is False
    ((check),) = report["checks"]
    assert check["name"] == "configuration" and "dr_region" in check["detail"]
    assert emf(capsys.readouterr().out)["DrillPassed"] == [0.0]
    assert app._handler is None  # the next invoke tries again (the environment may have been fixed)


def test_in_aws_a_table_without_replicas_fails(stack):
    """The emulator fallback is for the emulator only: in AWS (no endpoint URL) no Replicas is a failure."""
    settings = drill_settings(stack, endpoint_url=None)
    check = table_replica(stack.client("dynamodb", "primary"), stack.client("dynamodb", "dr"), settings)
    assert check.ok is False and "not a global table" in check.detail
