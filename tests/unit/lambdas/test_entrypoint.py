"""backend_core.entrypoint: the handler is built once, on the first invoke; a failed build is retried."""

from __future__ import annotations

import pytest
from aws_lambda_powertools import Metrics

from backend_core.entrypoint import lazy_lambda_handler


def test_built_on_the_first_invoke_only_and_metrics_flushed_each_time(monkeypatch, capsys) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    builds: list[int] = []
    metrics = Metrics(namespace="Test", service="entrypoint")

    def build():
        builds.append(1)

        def handler(event: dict, context: object) -> dict:
            metrics.add_metric(name="Calls", unit="Count", value=1)
            return {"echo": event["n"]}

        return handler

    lambda_handler = lazy_lambda_handler("entrypoint-test", build, metrics)
    assert builds == []  # nothing built at import
    assert lambda_handler({"n": 1}, None) == {"echo": 1}
    assert lambda_handler({"n": 2}, None) == {"echo": 2}
    assert builds == [1]
    assert capsys.readouterr().out.count('"_aws"') == 2  # one EMF document per invoke


def test_a_failed_build_fails_the_invoke_and_is_tried_again(monkeypatch) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    attempts: list[int] = []

    def build():
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("TABLE_NAME is not set")
        return lambda event, context: {"ok": True}

    lambda_handler = lazy_lambda_handler("entrypoint-test", build)
    with pytest.raises(ValueError, match="TABLE_NAME"):
        lambda_handler({}, None)
    assert lambda_handler({}, None) == {"ok": True}
    assert len(attempts) == 2
