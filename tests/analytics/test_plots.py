"""Every chart the notebooks and `ops analytics chart` draw, on the answers of the real SQL over a range
without signed-in users (a new env: health checks only) and over a range without any event: no chart
raises, and each says "No data in this range" where it has nothing to show. No stack, no kernel: the
queries run on DuckDB over Arrow tables, the figures render to PNG in memory."""

from __future__ import annotations

import io
from datetime import date

import matplotlib
import pyarrow.compute as pc
import pytest

from ops.analytics import catalog, plots
from ops.analytics.generator import Settings, generate
from tests.analytics.arrow_sql import run, with_day

matplotlib.use("Agg")
DR = "us-west-2"
SIGNED_IN_CHARTS = ("active_users", "new_vs_returning", "platforms", "versions", "retention", "marketplace")


@pytest.fixture(scope="module")
def tables():
    history = generate(Settings(days=3, users=5, seed=2, end=date(2025, 6, 30), dr_region=DR))
    table = with_day(history)
    health_checks = table.filter(pc.equal(table["route"], "GET /health"))
    assert health_checks.num_rows and pc.all(pc.is_null(health_checks["user_id"])).as_py()
    return {"health checks only": health_checks, "no event": table.slice(0, 0)}


def figures(table, since: str = "2025-06-28", until: str = "2025-06-30") -> dict:
    q = {f.name: run(f.bind({"since": since, "until": until}), table) for f in catalog.all_files()}
    return {
        "active_users": plots.active_users(q["dau_wau_mau"]),
        "new_vs_returning": plots.new_vs_returning(q["new_vs_returning"]),
        "platforms": plots.share_over_time(q["platform_mix"], "platform", "active_users", "Platforms"),
        "versions": plots.share_over_time(q["app_version_mix"], "app_version", "active_users", "Versions"),
        "retention": plots.retention_heatmap(q["retention_weekly_cohorts"]),
        "route_latency": plots.route_latency(q["api_health_by_route"]),
        "route_errors": plots.route_errors(q["api_health_by_route"]),
        "region_traffic": plots.region_traffic(q["api_health_by_region_day"], DR),
        "requests_by_hour": plots.requests_by_hour(q["requests_by_hour"]),
        "marketplace": plots.marketplace(q["provider_activity"], q["consumer_engagement"]),
    }


def says_no_data(figure) -> bool:
    return any(plots.NO_DATA in t.get_text() for ax in figure.axes for t in ax.texts)


@pytest.mark.parametrize("case", ["health checks only", "no event"])
def test_every_chart_draws_a_range_without_users_and_says_so(tables, case: str) -> None:
    drawn = figures(tables[case])
    for name, figure in drawn.items():
        figure.savefig(io.BytesIO(), format="png")  # the whole drawing, where matplotlib raised before
        if case == "no event" or name in SIGNED_IN_CHARTS:
            assert says_no_data(figure), f"{name}: no 'No data in this range' message"
        matplotlib.pyplot.close(figure)
    if case == "health checks only":  # the health checks themselves are data: shown, not hidden
        assert not says_no_data(drawn["route_latency"])
        assert "no signed-in requests" in drawn["requests_by_hour"].axes[0].get_title()
        assert says_no_data(drawn["region_traffic"])  # the signed-in panel; the error rate is drawn


def test_plots_say_nothing_of_the_kind_when_there_are_users(tables) -> None:
    history = generate(Settings(days=3, users=40, seed=2, end=date(2025, 6, 30), dr_region=DR))
    for name, figure in figures(with_day(history)).items():
        assert not says_no_data(figure), name
        matplotlib.pyplot.close(figure)


@pytest.mark.parametrize("rates", [(0.0001, 0.0012, 0.0018), (0.01, 0.15), (0.2, 0.9)])
def test_error_rate_ticks_say_the_value_they_mark(rates) -> None:
    """The 5xx-share axis labels each tick with its own value: 0.025 % steps printed with two decimals read
    0.03, 0.05, 0.07 % (uneven) — a reader must be able to trust the scale."""
    import pandas as pd

    frame = pd.DataFrame({"route": [f"GET /r{i}" for i in range(len(rates))], "error_rate": rates})
    fig = plots.route_errors(frame)
    fig.canvas.draw()
    assert_ticks_say_their_value(fig.axes[0].get_xticks(), fig.axes[0].get_xticklabels())

    # The per-region chart's 5xx share (y axis of the bottom panel), over two days of these rates.
    days = ["2025-06-29", "2025-06-30"]
    per_day = pd.DataFrame(
        [
            {
                "day": day,
                "region": region,
                "user_requests": 100,
                "requests": 100_000,
                "server_errors": round(rate * 100_000),
            }
            for day in days
            for region, rate in zip(("eu-west-1", DR), (min(rates), max(rates)), strict=True)
        ]
    )
    fig = plots.region_traffic(per_day, DR)
    bottom = fig.axes[1]
    fig.canvas.draw()
    assert_ticks_say_their_value(bottom.get_yticks(), bottom.get_yticklabels())
    assert bottom.get_ylim()[0] == 0, "a share axis starts at 0"


def assert_ticks_say_their_value(ticks, labels) -> None:
    shown = [(tick, label.get_text()) for tick, label in zip(ticks, labels, strict=True) if label.get_text()]
    assert shown, "no tick labels drawn"
    for tick, text in shown:
        value = float(text.rstrip("%").replace("\u2212", "-"))
        assert value == pytest.approx(tick * 100, abs=1e-9), text
