"""`ops cost estimate --from-analytics` on the local stack reproduces the generator's traffic per user: the
profile it measures from the generated history is the ground truth's, and the model priced at the history's
MAU carries the history's requests per route over a month. Here (not in tests/cost), named to run after
test_query_layer.py, to share the suite's generated history and its file cache."""

from __future__ import annotations

import json

import pytest

from ops import cli
from ops.cost import deployment as deployments
from ops.cost.model import MONTH_DAYS
from tests.prerequisites import missing


def test_the_measured_profile_and_the_priced_traffic_are_the_generator_s(
    history, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = deployments.plan_path("prod")
    if not plan.is_file():  # the model prices prod's deployment as `make validate` planned it
        missing(f"no offline plan at {plan}: run `make validate` to produce it")
    for name in ("MBT_LOCAL_STATE_DIR", "MBT_ANALYTICS_CACHE"):
        monkeypatch.setenv(name, history.env[name])
    truth = history.truth["metrics"]
    days = history.truth["generator"]["days"]
    last = truth["dau_wau_mau"][-1]
    assert last["day"] == history.until
    mau = last["mau"]  # signed-in users in the 30 days ending the history's last day

    measure = ["--from-analytics", str(days), "--analytics-env", "local"]
    try:
        cli.main(
            [
                "cost",
                "estimate",
                "--env",
                "prod",
                *measure,
                "--mau",
                str(mau),
                "--format",
                "json",
                "--advice",
                "none",
            ]
        )
    except SystemExit as exc:
        assert exc.code == 0, capsys.readouterr().err
    doc = json.loads(capsys.readouterr().out)
    profile = doc["profile"]
    assert set(profile["measured"]) == {
        "audience.active_days_per_month",
        "requests_per_active_day",
        "handler_ms",
        "traffic.peak_to_mean",
    }
    assert profile["description"].startswith("Traffic measured from ")  # not the default's "before launch"
    per_user_day = {r["route"]: r["requests_per_user_day"] for r in truth["requests_per_user_by_route"]}
    measured = {r: n for r, n in profile["requests_per_active_day"].items() if n}
    assert measured == pytest.approx(per_user_day, rel=1e-9)
    means = {r["route"]: r["mean_ms"] for r in truth["handler_time_by_route"]}
    assert {r: profile["handler_ms"][r] for r in means} == pytest.approx(means, rel=1e-9)
    hourly = [r["user_requests"] for r in truth["requests_by_hour"]]
    assert profile["traffic"]["peak_to_mean"] == pytest.approx(max(hourly) / (sum(hourly) / 24), rel=1e-9)

    # The history's requests per route, per day, over a 730-hour month: what the model prices at its MAU.
    requests = {r["route"]: r["requests"] for r in truth["requests_per_user_by_route"]}
    (priced,) = doc["estimates"]
    assert priced["mau"] == mau
    assert {r: n for r, n in priced["traffic"]["requests_by_route"].items() if n} == pytest.approx(
        {r: n / days * MONTH_DAYS for r, n in requests.items()}, rel=1e-9
    )
    user_days = truth["requests_per_user_by_route"][0]["active_user_days"]
    assert priced["traffic"]["active_user_days"] == pytest.approx(user_days / days * MONTH_DAYS, rel=1e-9)
    assert priced["total_usd"] > 0

    # A window longer than the history measures the same traffic: days before the first event are days
    # the app was not live, not days with no users.
    for window in (days, days * 4):
        try:
            cli.main(
                ["cost", "estimate", "--env", "prod", "--from-analytics", str(window), "--analytics-env", "local",
                 "--mau", str(mau), "--format", "json", "--advice", "none"]
            )  # fmt: skip
        except SystemExit as exc:
            assert exc.code == 0, capsys.readouterr().err
        longer = json.loads(capsys.readouterr().out)["estimates"][0]
        assert longer["traffic"]["active_user_days"] == pytest.approx(
            priced["traffic"]["active_user_days"], rel=1e-9
        ), window
