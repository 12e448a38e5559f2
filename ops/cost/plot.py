"""The PNG of monthly cost against MAU per service (`ops cost estimate --plot FILE`, `make cost`).

Log-log axes: each service of the serving region is a line (the MAX_LINES dearest; the rest, and those under
OTHER_SHARE of the total at every audience, are summed as "other services"), the DR standby is one dashed line, the total a thick black line,
and the audience sizes asked for are marked with their totals. matplotlib without pyplot (no display,
no global state), so it runs on build machines and in tests alike.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ops.cost.deployment import DR, PRIMARY, Deployment
from ops.cost.model import estimate
from ops.cost.profile import UsageProfile
from ops.errors import OpsError
from ops.pricing import PriceTable

POINTS = 41
OTHER_SHARE = 0.005  # a service under this share of the total at every audience joins "other services"
MAX_LINES = 10  # the dearest services get a line each; the rest are summed
PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#aec7e8",
]


def audience_range(audiences: list[float]) -> np.ndarray:
    """Log-spaced MAU from the smallest to the largest audience asked for (a decade either side of one)."""
    low, high = min(audiences), max(audiences)
    if high / low < 10:
        low, high = low / 10**0.5, high * 10**0.5
    return np.geomspace(max(low, 1.0), max(high, 10.0), POINTS)


def _usd(value: float, _: object = None) -> str:
    if value >= 1000:
        return f"${value / 1000:,.0f}k" if value >= 10_000 else f"${value / 1000:,.1f}k"
    return f"${value:,.0f}" if value >= 1 else f"${value:.2f}"


def _mau(value: float, _: object = None) -> str:
    if value >= 1e6:
        return f"{value / 1e6:g}M"
    return f"{value / 1e3:g}k" if value >= 1e3 else f"{value:g}"


def cost_vs_mau(
    deployment: Deployment,
    profile: UsageProfile,
    audiences: list[float],
    prices: PriceTable,
    free_tier: bool = False,
) -> Figure:
    """The figure; `audiences` are marked on it and set its range."""
    x = audience_range(audiences)
    runs = [estimate(deployment, profile, float(m), prices, free_tier) for m in x]
    totals = np.array([e.total() for e in runs])
    services: dict[str, np.ndarray] = {}
    for name in sorted({n for e in runs for n in e.by_service(PRIMARY)}):
        services[name] = np.array([e.by_service(PRIMARY).get(name, 0.0) for e in runs])
    visible = [n for n, v in services.items() if (v / totals >= OTHER_SHARE).any()]
    shown = {n: services[n] for n in sorted(visible, key=lambda n: -services[n].max())[:MAX_LINES]}
    other = sum((v for n, v in services.items() if n not in shown), np.zeros_like(totals))

    fig = Figure(figsize=(11, 6), dpi=100)
    ax = fig.add_subplot()
    order = sorted(shown, key=lambda n: -shown[n][-1])
    for colour, name in zip(PALETTE, order, strict=False):
        ax.plot(x, shown[name], label=name, color=colour, linewidth=1.8)
    if other.any():
        ax.plot(x, other, label="other services", color="#7f7f7f", linewidth=1.2, linestyle=":")
    ax.plot(
        x, [e.total(DR) for e in runs], label="DR standby (all services)", color="#444444", linestyle="--"
    )
    ax.plot(x, totals, label="total", color="black", linewidth=3)
    for mau in audiences:
        total = estimate(deployment, profile, mau, prices, free_tier).total()
        ax.axvline(mau, color="#bbbbbb", linewidth=0.8, zorder=0)
        ax.plot([mau], [total], marker="o", color="black", markersize=5)
        ax.annotate(
            f"{_mau(mau)} MAU: {_usd(total)}/month",
            (mau, total),
            textcoords="offset points",
            xytext=(-6, 8) if mau > min(audiences) else (6, 8),
            ha="right" if mau > min(audiences) else "left",
            fontsize=8,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(bottom=max(0.01, float(min(min(v[v > 0], default=1) for v in shown.values())) / 2))
    ax.xaxis.set_major_formatter(FuncFormatter(_mau))
    ax.yaxis.set_major_formatter(FuncFormatter(_usd))
    ax.grid(True, which="major", alpha=0.3)
    ax.set_xlabel("monthly active users (MAU)")
    ax.set_ylabel("USD per month (list prices)")
    free = "free tiers applied" if free_tier else "no free tier"
    ax.set_title(
        f"Monthly cost of env {deployment.env} by service, profile {profile.name!r}\n"
        f"serving region {deployment.primary_region} + global services; DR standby "
        f"{deployment.dr_region}; prices checked {prices.checked_on} ({free})",
        fontsize=10,
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def write(fig: Figure, path: Path) -> Path:
    """Save as PNG; OpsError (one line) when the file cannot be written."""
    if path.suffix.lower() != ".png":
        raise OpsError(f"--plot writes a PNG: give a file name ending in .png, not {path.name!r}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png")
    except OSError as exc:
        raise OpsError(f"cannot write the plot to {path}: {exc.strerror or exc}") from None
    return path
