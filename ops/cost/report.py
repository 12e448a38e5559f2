"""What `ops cost estimate` prints: one document for programs (JSON), rendered as Markdown or rich tables.

    runs = run(deployment, profile, [1_000, 100_000], prices)    # [Run(mau, estimate, advice)]
    doc = document(deployment, profile, runs, prices)           # JSON-ready dict
    print(markdown(doc))                                        # the README's tables

Money is USD a month at list prices. The serving columns are the primary region plus the account's global
services (CloudFront, Route 53); the DR standby is everything the warm standby region costs while it
stands by, shown apart (ops/cost/model.py explains the split).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ops.cost.advice import ORDER, Advice, advise
from ops.cost.deployment import DR, PRIMARY, Deployment
from ops.cost.model import Estimate, estimate
from ops.cost.profile import UsageProfile
from ops.pricing import PriceTable

ACTIONABLE = ("needed", "change", "consider")
ADVICE_TITLE = (
    "What to change as the audience grows: verdict and USD saved a month (negative: the change costs more)"
)


@dataclass(frozen=True)
class Run:
    mau: float
    estimate: Estimate
    advice: list[Advice]


def run(
    deployment: Deployment,
    profile: UsageProfile,
    audiences: list[float],
    prices: PriceTable,
    free_tier: bool = False,
    with_advice: bool = True,
) -> list[Run]:
    """The estimate and (`with_advice`) the advice for each audience size."""
    out = []
    for mau in audiences:
        e = estimate(deployment, profile, mau, prices, free_tier)
        advice = advise(deployment, profile, mau, prices, free_tier, base=e) if with_advice else []
        out.append(Run(mau, e, advice))
    return out


def _round(value: float) -> float:
    return round(value, 4)


def document(
    deployment: Deployment,
    profile: UsageProfile,
    runs: list[Run],
    prices: PriceTable,
    *,
    plan: str,
    unpriced: list[str],
    plot: str | None = None,
) -> dict[str, Any]:
    """Everything an estimate says, JSON-ready: per audience the totals, each service per site, every
    priced line (meter, region, quantity, USD, what for), the traffic and the advice."""
    return {
        "env": deployment.env,
        "regions": {"primary": deployment.primary_region, "dr": deployment.dr_region},
        "plan": plan,
        "currency": prices.currency,
        "prices": {
            "file": "ops/pricing/aws_prices.json",
            "checked_on": prices.checked_on.isoformat(),
            "age_days": prices.age_days(),
        },
        "free_tier": bool(runs and runs[0].estimate.free_tier),
        "profile": profile.document(),
        "unpriced_resource_types": unpriced,
        "plot": plot,
        "estimates": [
            {
                "mau": r.mau,
                "total_usd": _round(r.estimate.total()),
                "serving_usd": _round(r.estimate.total(PRIMARY)),
                "dr_standby_usd": _round(r.estimate.total(DR)),
                "usd_per_mau": _round(r.estimate.total() / r.mau) if r.mau else None,
                "by_service_usd": {
                    site: {k: _round(v) for k, v in sorted(r.estimate.by_service(site).items())}
                    for site in (PRIMARY, DR)
                },
                "traffic": {
                    "active_user_days": r.estimate.traffic.user_days,
                    "api_requests": {site: r.estimate.traffic.api_requests(site) for site in (PRIMARY, DR)},
                    "requests_by_route": r.estimate.traffic.route_requests,
                    "notify_messages": r.estimate.traffic.messages,
                    "pushes": r.estimate.traffic.pushes,
                    "peak_requests_per_second": r.estimate.traffic.peak_rps,
                },
                "lines": [
                    {
                        "site": line.site,
                        "service": line.service,
                        "meter": line.meter,
                        "region": line.region,
                        "quantity": line.quantity,
                        "usd": _round(line.cost),
                        "what": line.what,
                    }
                    for line in r.estimate.lines
                ],
                "advice": [a.document() for a in r.advice],
                "notes": r.estimate.notes,
            }
            for r in runs
        ],
    }


# ---- rendering -------------------------------------------------------------------------------------------
def money(usd: float) -> str:
    if usd == 0:
        return "0"
    if abs(usd) < 0.01:
        return "<0.01" if usd > 0 else "-<0.01"
    return f"{usd:,.2f}" if abs(usd) < 100 else f"{usd:,.0f}"  # cents of hundreds are false precision


def audience(mau: float) -> str:
    return f"{mau:,.0f} MAU"


def service_rows(doc: dict[str, Any], site: str) -> list[tuple[str, list[float]]]:
    """(service, USD per audience) of one site, dearest at the largest audience first; all-zero rows out."""
    estimates = doc["estimates"]
    names = {name for e in estimates for name in e["by_service_usd"][site]}
    rows = [(name, [e["by_service_usd"][site].get(name, 0.0) for e in estimates]) for name in names]
    rows = [row for row in rows if any(round(v, 2) for v in row[1])]
    return sorted(rows, key=lambda row: (-row[1][-1], row[0]))


def cost_tables(doc: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]], int]]:
    """(title, header, rows, summary rows at the end) of the two tables: the serving region by service with
    the totals, and the DR standby by service."""
    estimates = doc["estimates"]
    header = ["service", *(audience(e["mau"]) for e in estimates)]
    regions = doc["regions"]
    serving = [[name, *map(money, values)] for name, values in service_rows(doc, PRIMARY)]
    serving += [
        [f"serving ({regions['primary']} + global)", *(money(e["serving_usd"]) for e in estimates)],
        [f"DR standby ({regions['dr']})", *(money(e["dr_standby_usd"]) for e in estimates)],
        ["total", *(money(e["total_usd"]) for e in estimates)],
        ["per MAU", *(f"{e['usd_per_mau']:.4f}" if e["usd_per_mau"] else "-" for e in estimates)],
    ]
    standby = [[name, *map(money, values)] for name, values in service_rows(doc, DR)]
    standby.append(["DR standby", *(money(e["dr_standby_usd"]) for e in estimates)])
    profile = doc["profile"]["name"]
    free = ", free tiers applied" if doc["free_tier"] else ", no free tier"
    return [
        (
            f"Monthly cost of env {doc['env']}, USD (profile {profile!r}{free}; prices checked "
            f"{doc['prices']['checked_on']})",
            header,
            serving,
            4,
        ),
        (f"DR standby ({regions['dr']}) by service, USD a month", header, standby, 1),
    ]


def advice_rows(doc: dict[str, Any], level: str) -> tuple[list[str], list[list[str]], list[dict[str, str]]]:
    """(header, rows, details): a row per topic with the verdict and the monthly saving at each audience
    (negative: the change would cost more); `level` actionable keeps the topics that are needed, change or
    consider at some audience. Each row's details (setting, change, why) are those of the largest audience
    where the topic is most pressing."""
    estimates = doc["estimates"]
    by_topic: dict[str, list[dict[str, Any] | None]] = {}
    for i, e in enumerate(estimates):
        for a in e["advice"]:
            by_topic.setdefault(a["topic"], [None] * len(estimates))[i] = a

    def rank(items: list[dict[str, Any] | None]) -> tuple[int, float]:
        found = [a for a in items if a]
        return min(ORDER[a["verdict"]] for a in found), -max(a["saving_usd"] for a in found)

    header = ["topic", *(audience(e["mau"]) for e in estimates)]
    rows, details = [], []
    for topic, items in sorted(by_topic.items(), key=lambda kv: (*rank(kv[1]), kv[0])):
        if level == "actionable" and not any(a and a["verdict"] in ACTIONABLE for a in items):
            continue
        best = rank(items)[0]
        index, shown = [(i, a) for i, a in enumerate(items) if a and ORDER[a["verdict"]] == best][-1]
        cells = [
            "-"
            if a is None
            else f"{a['verdict']} {money(a['saving_usd'])}"
            if a["saving_usd"]
            else a["verdict"]
            for a in items
        ]
        rows.append([topic, *cells])
        details.append(
            {
                "topic": topic,
                "setting": shown["setting"],
                "change": shown["change"],
                "why": shown["why"],
                "at": audience(estimates[index]["mau"]),
            }
        )
    return header, rows, details


def md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    align = ["---", *(["---"] * (len(header) - 1))]
    numeric = [all(_numeric(r[i]) for r in rows) for i in range(len(header))]
    align = [("--:" if numeric[i] and i else a) for i, a in enumerate(align)]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("<", "").replace("-", "").isdigit() or text == "-"


def markdown(doc: dict[str, Any], level: str = "actionable") -> str:
    out: list[str] = []
    for title, header, rows, _ in cost_tables(doc):
        out += [f"**{title}**", "", *md_table(header, rows), ""]
    if level != "none":
        header, rows, details = advice_rows(doc, level)
        if rows:
            out += [f"**{ADVICE_TITLE}**", "", *md_table(header, rows), ""]
            out += [
                f"- **{d['topic']}**: {d['change']} (`{d['setting']}`). At {d['at']}: {d['why']}"
                for d in details
            ]
            out.append("")
    for note in sorted({n for e in doc["estimates"] for n in e["notes"]}):
        out.append(f"Note: {note}")
    return "\n".join(out).rstrip() + "\n"
