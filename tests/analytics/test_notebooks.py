"""Every notebook runs against the local stack with a generated history, and every number it publishes
equals the generator's ground truth; the report renders HTML with the charts; committed notebooks carry
no outputs."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from ops.analytics import report
from tests.analytics.truth import mismatches

NOTEBOOKS = report.notebooks()


def test_there_are_four_numbered_notebooks_with_a_parameters_cell() -> None:
    assert [p.stem for p in NOTEBOOKS] == [
        "01_usage_overview",
        "02_retention_cohorts",
        "03_api_health",
        "04_marketplace",
    ]
    for path in NOTEBOOKS:
        code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        assert "parameters" in code[0].metadata.get("tags", []), (
            f"{path.name}: first code cell must be tagged parameters"
        )
        assert {"env", "since", "until"} <= {
            line.split("=")[0].strip() for line in code[0].source.splitlines() if "=" in line
        }


@contextmanager
def kernels_reach(history) -> Iterator[None]:
    """The kernels inherit the state dir of the test stack and the cache."""
    saved = dict(os.environ)
    os.environ.update(history.env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def executed(history, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("notebooks")
    with kernels_reach(history):
        return {p.stem: report.execute(p, out, "local", history.since, history.until) for p in NOTEBOOKS}


@pytest.fixture
def health_checks_only(history) -> Iterator[str]:
    """A day whose only events are the stack's own health checks (a new env): GET /health in both
    regions through the API, delivered by the Firehose stand-in. The day's objects go afterwards."""
    stack = history.stack
    for region in ("primary", "dr"):
        assert stack.request("GET", "/health", region=region).status_code == 200
    keys = [key for delivery in stack.firehose_flush() for key in delivery["keys"]]
    days = {re.search(r"/day=(\d{4}-\d{2}-\d{2})/", key).group(1) for key in keys}
    assert len(days) == 1 and days.isdisjoint({history.since, history.until}), keys
    try:
        yield days.pop()
    finally:
        s3 = stack.client("s3")
        for key in keys:
            s3.delete_object(Bucket=stack.outputs.analytics.bucket, Key=key)


def test_every_notebook_runs_on_a_range_without_users_and_says_so(
    health_checks_only, history, tmp_path
) -> None:
    day = health_checks_only
    with kernels_reach(history):
        executed = {p.stem: report.execute(p, tmp_path, "local", day, day) for p in NOTEBOOKS}
    for name, path in executed.items():  # papermill raised already if a cell failed
        shown = [
            output.get("data", {}).get("text/markdown", "")
            for cell in nbformat.read(path, as_version=4).cells
            for output in cell.get("outputs", [])
        ]
        assert any(text.startswith("**No data in this range**") for text in shown), name
    published = report.results(executed["03_api_health"])
    assert [r["route"] for r in published["api_health_by_route"]] == ["GET /health"]
    assert published["failover_days"] == []
    assert report.results(executed["01_usage_overview"])["dau_wau_mau"] == []


def test_every_number_the_notebooks_publish_is_the_ground_truth(executed, history) -> None:
    published: dict = {}
    for path in executed.values():
        published.update(report.results(path))
    truth = history.truth["metrics"]
    assert set(truth) <= set(published), f"not published by any notebook: {set(truth) - set(published)}"
    assert mismatches(published, truth) == []
    assert published["failover_days"] == [history.truth["generator"]["failover_day"]]


def test_the_report_is_html_with_charts_and_without_code(executed) -> None:
    html = report.render_html(executed["03_api_health"]).read_text()
    assert html.count("<img") >= 3 and "data:image/png;base64" in html
    assert "ctx.query(" not in html  # code cells hidden for readers


def test_committed_notebooks_are_stripped_and_the_check_catches_outputs(tmp_path: Path, executed) -> None:
    assert report.unstripped(NOTEBOOKS) == []
    problems = report.unstripped([executed["02_retention_cohorts"]])
    assert any("has outputs" in p for p in problems) and any("execution count" in p for p in problems)
