"""Every notebook runs against the local stack with a generated history, and every number it publishes
equals the generator's ground truth; the report renders HTML with the charts; committed notebooks carry
no outputs."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="module")
def executed(history, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("notebooks")
    saved = dict(os.environ)
    os.environ.update(history.env)  # the kernels inherit the state dir of the test stack and the cache
    try:
        return {p.stem: report.execute(p, out, "local", history.since, history.until) for p in NOTEBOOKS}
    finally:
        os.environ.clear()
        os.environ.update(saved)


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
