"""`ops cost`: the estimate as JSON, Markdown and a table says what the model says, the plot is written, and
every mistake is one line with a non-zero exit. In-process through `ops.cli.main`, what the `ops` script
runs (tests/unit/ops/test_cli_mistakes.py runs the script itself)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops.cost.model import estimate
from ops.cost.profile import load as load_profile
from ops.pricing import load as load_prices
from tests.cli_in_process import one_line, ops
from tests.cost.plans import load as load_env

REPO = Path(__file__).resolve().parents[2]


def test_the_json_estimate_is_the_model_s(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ops(capsys, "cost", "estimate", "--env", "prod", "--mau", "1k,1M", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert [e["mau"] for e in doc["estimates"]] == [1_000, 1_000_000]
    prod = load_env("prod")
    for e in doc["estimates"]:
        expected = estimate(prod, load_profile(), e["mau"])
        assert e["total_usd"] == pytest.approx(expected.total(), abs=1e-3)
        assert e["dr_standby_usd"] == pytest.approx(expected.total("dr"), abs=1e-3)
        assert sum(e["by_service_usd"]["primary"].values()) == pytest.approx(e["serving_usd"], abs=0.01)
        assert sum(line["usd"] for line in e["lines"]) == pytest.approx(e["total_usd"], abs=0.01)
        assert {a["topic"] for a in e["advice"]} >= {"dynamodb-capacity", "cdn-price-class", "dr-standby"}
    assert doc["unpriced_resource_types"] == [] and doc["prices"]["checked_on"]
    assert doc["regions"] == {"primary": "us-east-1", "dr": "us-west-2"}


def test_the_markdown_and_the_table_show_the_serving_region_and_the_standby_apart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, md, _ = ops(capsys, "cost", "estimate", "--env", "dev", "--mau", "1000,100000", "--format", "md")
    assert code == 0
    assert "| service | 1,000 MAU | 100,000 MAU |" in md
    assert "| serving (us-east-1 + global) |" in md and "| DR standby (us-west-2) |" in md
    assert "**DR standby (us-west-2) by service, USD a month**" in md
    assert "| firehose-buffering |" in md and "| reserved-concurrency-mobile_api |" in md
    code, table, _ = ops(capsys, "cost", "estimate", "--env", "dev", "--mau", "1000", "--advice", "none")
    assert code == 0 and "Monthly cost of env dev" in table and "What to change" not in table


def test_the_readme_shows_what_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's table is a copy of the command's output: regenerate it when this fails."""
    code, md, _ = ops(capsys, "cost", "estimate", "--env", "prod", "--format", "md", "--advice", "none")
    assert code == 0
    lines = md.splitlines()
    start = lines.index("| service | 1,000 MAU | 100,000 MAU | 1,000,000 MAU |")
    end = next(i for i, line in enumerate(lines) if line.startswith("| per MAU"))
    readme = (REPO / "README.md").read_text()
    assert "\n".join(lines[start : end + 1]) in readme, (
        "README.md's cost table differs from `ops cost estimate --env prod --format md`: paste the new one"
    )
    assert f"list prices checked {load_prices().checked_on}" in readme


def test_the_plot_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    png = tmp_path / "plots" / "prod.png"
    code, out, err = ops(capsys, "cost", "estimate", "--env", "prod", "--advice", "none", "--plot", str(png))
    assert code == 0, err
    assert "Monthly cost of env prod" in out and f"wrote {png}" in err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_the_prices_and_how_each_type_is_priced(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ops(capsys, "cost", "prices", "--region", "global", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert "checked 20" in doc["title"]
    assert {r["meter"] for r in doc["rows"]} >= {"cloudfront.https_requests.europe"}
    code, out, _ = ops(capsys, "cost", "prices", "--types", "--format", "md")
    assert code == 0 and "| aws_iam_role | free | IAM is free |" in out


def test_the_price_table_read_from_a_log_cuts_no_meter_or_source(capsys: pytest.CaptureFixture[str]) -> None:
    """Piped or in CI rich would lay a table out 80 columns wide and end long cells with an ellipsis."""
    code, out, _ = ops(capsys, "cost", "prices", "--region", "us-east-1")
    assert code == 0
    assert "…" not in out
    code, as_json, _ = ops(capsys, "cost", "prices", "--region", "us-east-1", "--format", "json")
    meters = [row["meter"] for row in json.loads(as_json)["rows"]]
    assert out.count("│ us-east-1 │") == len(meters) > 20  # one table row per meter, none dropped


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--env", "qa"], "unknown env 'qa': choose one of dev, prod, staging"),
        (["--env", "local"], "the local stack has no Terraform plan to price"),
        (["--env", "prod", "--mau", "lots"], "--mau takes audience sizes separated by commas"),
        (["--env", "prod", "--mau", "0"], "an audience is between 1 and 1,000,000,000 MAU"),
        (["--env", "prod", "--mau", ",".join(["1k"] * 13)], "--mau takes at most 12 audience sizes"),
        (
            ["--env", "prod", "--usage", "/nowhere/profile.toml"],
            "cannot read usage profile /nowhere/profile.toml",
        ),
        (["--env", "prod", "--until", "2025-01-01"], "--analytics-env and --until go with --from-analytics"),
        (["--env", "prod", "--from-analytics", "0"], "Invalid value for '--from-analytics'"),
        (["--env", "prod", "--format", "xml"], "Invalid value for '--format'"),
        (["--env", "prod", "--plot", "cost.svg"], "--plot writes a PNG"),
        (["--mau", "1000"], "Missing option '--env'"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_a_mistake_is_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], reason: str) -> None:
    code, out, err = ops(capsys, "cost", "estimate", *argv)
    assert reason in one_line(code, err) and out == ""


def test_a_profile_that_does_not_make_sense_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = load_profile().document()
    cases = {
        "typo.json": (
            {**document, "requests_per_active_day": {"GET /mee": 1.0}, "handler_ms": {"GET /mee": 9.0}},
            "names routes the API does not serve: GET /mee",
        ),
        "negative.json": (
            {**document, "handler_ms": {**document["handler_ms"], "GET /me": -1}},
            "handler_ms: Value error, negative values",
        ),
        "broken.toml": (None, "is not valid TOML"),
    }
    for name, (content, reason) in cases.items():
        path = tmp_path / name
        path.write_text(json.dumps(content) if content is not None else "name = ")
        code, _, err = ops(capsys, "cost", "estimate", "--env", "prod", "--usage", str(path))
        assert reason in one_line(code, err), name
    # TOML has inf and nan: a bill from them is no bill (and NaN is not JSON).
    default = (REPO / "ops" / "cost" / "profiles" / "default.toml").read_text()
    for value in ("inf", "nan"):
        path = tmp_path / f"{value}.toml"
        path.write_text(default.replace("upload_mb = 0.8 ", f"upload_mb = {value} ", 1))
        code, _, err = ops(capsys, "cost", "estimate", "--env", "prod", "--usage", str(path))
        assert "upload_mb" in one_line(code, err) and "finite" in err, value


def test_no_plan_says_how_to_make_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAN_REPORTS", str(tmp_path))
    code, _, err = ops(capsys, "cost", "estimate", "--env", "staging")
    assert "no offline plan for env 'staging'" in one_line(code, err) and "run `make validate` first" in err
    code, _, err = ops(capsys, "cost", "prices", "--region", "mars")
    assert "no prices for region 'mars'" in one_line(code, err)
