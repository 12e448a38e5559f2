"""Charts for the notebooks and the README: each takes a query's DataFrame and returns a Figure with a
title, labelled axes and units, readable by someone who never saw the SQL."""

from __future__ import annotations

from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
DAY_AXIS = "day (UTC)"
NO_DATA = "No data in this range"


def use_style() -> None:
    plt.rcParams.update(
        {
            "figure.figsize": (10, 4.5),
            "figure.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
            "axes.titleweight": "bold",
        }
    )


def _days(frame: pd.DataFrame, column: str = "day") -> pd.Series:
    return pd.to_datetime(frame[column].astype(str))


def no_data(title: str, detail: str = "") -> Figure:
    """A chart's place when its query returned nothing: the title and a plain message, no empty axes.
    (A range without signed-in users, e.g. a new env with only health checks, is not an error.)"""
    fig, ax = plt.subplots(figsize=(10, 2.5))
    ax.set_axis_off()
    ax.set_title(title)
    _say_no_data(ax, detail)
    return fig


def _say_no_data(ax: Any, detail: str = "") -> None:
    text = NO_DATA + (f"\n{detail}" if detail else "")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=13, color="#555555", transform=ax.transAxes)


def _finish(fig: Figure, ax: Any, title: str, ylabel: str, xlabel: str = DAY_AXIS) -> Figure:
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    fig.autofmt_xdate() if xlabel == DAY_AXIS else None
    fig.tight_layout()
    return fig


def active_users(frame: pd.DataFrame) -> Figure:
    """dau_wau_mau: DAU, WAU, MAU per day, stickiness on the right axis."""
    if frame.empty:
        return no_data("Active users per day", "no signed-in user was active")
    fig, ax = plt.subplots()
    days = _days(frame)
    for column, label in (("mau", "MAU (30 days)"), ("wau", "WAU (7 days)"), ("dau", "DAU")):
        ax.plot(days, frame[column].astype(float), label=label, linewidth=2)
    right = ax.twinx()
    right.plot(
        days, frame["stickiness"].astype(float), color="#7f7f7f", linestyle=":", label="stickiness (DAU/MAU)"
    )
    right.yaxis.set_major_formatter(PercentFormatter(1.0))
    right.set_ylabel("stickiness, DAU / MAU")
    right.grid(False)
    lines = ax.get_legend_handles_labels()
    extra = right.get_legend_handles_labels()
    ax.legend(lines[0] + extra[0], lines[1] + extra[1], loc="upper left")
    return _finish(fig, ax, "Active users per day", "signed-in users")


def new_vs_returning(frame: pd.DataFrame) -> Figure:
    if frame.empty:
        return no_data("New and returning users per day", "no signed-in user was active")
    fig, ax = plt.subplots()
    days = _days(frame)
    returning = frame["returning_users"].astype(float)
    ax.bar(days, returning, label="returning", color=PALETTE[0])
    ax.bar(
        days, frame["new_users"].astype(float), bottom=returning, label="new (first day)", color=PALETTE[2]
    )
    ax.legend(loc="upper left")
    return _finish(fig, ax, "New and returning users per day", "active users")


def share_over_time(frame: pd.DataFrame, by: str, value: str, title: str, top: int = 6) -> Figure:
    """Stacked share of `value` per day by the `by` column (platform, app_version)."""
    if frame.empty or not frame[value].astype(float).sum():
        return no_data(title, "no signed-in user was active")
    table = frame.pivot_table(index="day", columns=by, values=value, aggfunc="sum", fill_value=0).astype(
        float
    )
    if table.shape[1] > top:
        keep = table.sum().sort_values(ascending=False).index[:top]
        table = pd.concat([table[keep], table.drop(columns=keep).sum(axis=1).rename("other")], axis=1)
    share = table.div(table.sum(axis=1), axis=0)
    fig, ax = plt.subplots()
    ax.stackplot(pd.to_datetime(share.index), share.T.to_numpy(), labels=[str(c) for c in share.columns])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title=by.replace("_", " "))
    return _finish(fig, ax, title, f"share of {value.replace('_', ' ')}")


def retention_heatmap(frame: pd.DataFrame) -> Figure:
    """retention_weekly_cohorts: cohort weeks x D1/D7/D30, share retained; blank = not yet observable."""
    if frame.empty:
        return no_data("Retention by weekly sign-up cohort", "no user had a first active day in it")
    labels = ["D1", "D7", "D30"]
    values = frame[["d1_rate", "d7_rate", "d30_rate"]].astype(float).to_numpy()
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(frame) + 1.8))
    masked = np.ma.masked_invalid(values)
    image = ax.imshow(
        masked,
        cmap="viridis",
        vmin=0,
        vmax=max(0.01, float(np.nanmax(values)) if np.isfinite(values).any() else 1),
        aspect="auto",
    )
    for (row, col), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(
                col, row, f"{value:.0%}", ha="center", va="center", color="white" if value < 0.35 else "black"
            )
    ax.set_xticks(range(3), labels)
    ax.set_yticks(
        range(len(frame)),
        [f"{w} ({n} users)" for w, n in zip(frame["cohort_week"], frame["cohort_users"], strict=True)],
    )
    ax.grid(False)
    fig.colorbar(image, ax=ax, format=PercentFormatter(1.0), label="share of the cohort active again")
    ax.set_title("Retention by weekly sign-up cohort")
    ax.set_xlabel("days after the first active day")
    ax.set_ylabel("cohort (week of first activity, Monday)")
    fig.tight_layout()
    return fig


def route_latency(frame: pd.DataFrame) -> Figure:
    """api_health_by_route: p50/p95/p99 latency per route, milliseconds."""
    if frame.empty:
        return no_data("Latency per route (all regions)", "no request was served")
    data = frame.sort_values("p95_ms")
    fig, ax = plt.subplots(figsize=(10, 0.4 * len(data) + 1.5))
    y = np.arange(len(data))
    for offset, (column, label) in zip(
        (-0.25, 0, 0.25), (("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99")), strict=True
    ):
        ax.barh(y + offset, data[column].astype(float), height=0.25, label=label)
    ax.set_yticks(y, data["route"])
    ax.legend(loc="lower right")
    return _finish(fig, ax, "Latency per route (all regions)", "route", xlabel="latency, ms (in the handler)")


def share_axis(axis: Axis) -> None:
    """Label an axis of shares (0.0-1.0) in percent, ticks at 1, 2 or 5 x 10^k (never 0.025 % steps, which
    a fixed number of decimals prints unevenly: 0.03, 0.05, 0.08 %), each labelled with as many decimals as
    the view needs to say its own value."""
    axis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 5, 10]))
    axis.set_major_formatter(PercentFormatter(1.0, decimals=None))


def route_errors(frame: pd.DataFrame) -> Figure:
    if frame.empty:
        return no_data("Server error rate per route (5xx share of requests)", "no request was served")
    data = frame.sort_values("error_rate")
    fig, ax = plt.subplots(figsize=(10, 0.4 * len(data) + 1.5))
    ax.barh(data["route"], data["error_rate"].astype(float), color=PALETTE[3])
    share_axis(ax.xaxis)
    return _finish(
        fig,
        ax,
        "Server error rate per route (5xx share of requests)",
        "route",
        xlabel="requests answered 5xx",
    )


def requests_by_hour(frame: pd.DataFrame) -> Figure:
    """requests_by_hour: requests per hour of the day (UTC), signed-in ones apart; the busiest hour over the
    mean hour is the peak-to-mean ratio the cost model sizes capacity and concurrency for."""
    title = "Requests by hour of the day"
    if frame.empty:
        return no_data(title, "no request was served")
    fig, ax = plt.subplots()
    hours = frame["hour"].astype(int)
    signed_in = frame["user_requests"].astype(float)
    ax.bar(hours, frame["requests"].astype(float), color="#c7c7c7", label="all requests (health checks too)")
    ax.bar(hours, signed_in, label="signed in")
    mean = signed_in.sum() / 24
    if mean:
        ax.axhline(
            mean,
            color="black",
            linestyle=":",
            label=f"mean hour, signed in (peak / mean {signed_in.max() / mean:.2f})",
        )
    else:
        title += ": no signed-in requests"
    ax.set_xticks(range(0, 24, 2))
    ax.legend(loc="upper right")
    return _finish(fig, ax, title, "requests in the range", xlabel="hour of the day (UTC)")


def failover_days(frame: pd.DataFrame, dr_region: str) -> list[str]:
    """Days on which the DR region served more than five times its median share of signed-in requests
    (health checks reach both regions every day, so they are left out). None without signed-in requests."""
    if frame.empty:
        return []
    totals = frame.groupby("day")["user_requests"].sum().astype(float)
    dr = (
        frame[frame["region"] == dr_region]
        .set_index("day")["user_requests"]
        .astype(float)
        .reindex(totals.index, fill_value=0)
    )
    share = dr / totals
    return [str(d) for d in share.index[share > 5 * max(share.median(), 1e-9)]]


def region_traffic(frame: pd.DataFrame, dr_region: str) -> Figure:
    """api_health_by_region_day: signed-in requests per region per day and the 5xx rate; failover days marked."""
    if frame.empty:
        return no_data("Signed-in requests per region per day", "no request was served")

    def per_region(column: str) -> pd.DataFrame:
        return frame.pivot_table(
            index="day", columns="region", values=column, aggfunc="sum", fill_value=0
        ).astype(float)

    table, everything = per_region("user_requests"), per_region("requests")
    errors = frame.pivot_table(
        index="day", columns="region", values="server_errors", aggfunc="sum", fill_value=0
    ).astype(float)
    days = pd.to_datetime(table.index)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    bottom_level = np.zeros(len(table))
    for region in table.columns:
        top.bar(days, table[region], bottom=bottom_level, label=region)
        bottom_level += table[region].to_numpy()
        bottom.plot(days, errors[region] / everything[region].replace(0, np.nan), label=region, marker=".")
    for day in failover_days(frame, dr_region):
        for ax in (top, bottom):
            ax.axvline(pd.Timestamp(day), color=PALETTE[3], linestyle="--", linewidth=1)
        top.annotate("failover", (pd.Timestamp(day), top.get_ylim()[1] * 0.95), color=PALETTE[3], ha="left")
    if not table.to_numpy().sum():
        _say_no_data(top, "no signed-in requests (health checks only)")
    top.set_title("Signed-in requests per region per day")
    top.set_ylabel("requests of signed-in users")
    top.legend(loc="upper left")
    bottom.set_title("Server error rate per region (5xx share of all requests, health checks included)")
    bottom.set_ylim(bottom=0)  # a share is never negative: no "-0.0 %" tick under the line
    share_axis(bottom.yaxis)
    bottom.set_ylabel("requests answered 5xx")
    bottom.set_xlabel(DAY_AXIS)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def marketplace(providers: pd.DataFrame, consumers: pd.DataFrame) -> Figure:
    """provider_activity and consumer_engagement side by side, per day."""
    if providers.empty and consumers.empty:
        return no_data("Providers and consumers", "no provider or consumer was active")
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    pdays, cdays = _days(providers), _days(consumers)
    left.plot(pdays, providers["notifications_sent"].astype(float), label="notifications sent")
    left.plot(pdays, providers["active_providers"].astype(float), label="active providers")
    left.plot(pdays, providers["notifying_providers"].astype(float), label="providers who notified")
    left.set_title("Providers: activity and notifications")
    left.set_ylabel("per day")
    right.plot(cdays, consumers["inbox_reads"].astype(float), label="inbox reads")
    right.plot(cdays, consumers["active_consumers"].astype(float), label="active consumers")
    right.plot(cdays, consumers["subscriptions"].astype(float), label="new subscriptions")
    right.set_title("Consumers: engagement")
    right.set_ylabel("per day")
    for ax, frame in ((left, providers), (right, consumers)):
        ax.set_xlabel(DAY_AXIS)
        if frame.empty:
            _say_no_data(ax)
        elif ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig
