"""The audit's cost figures trace to the one price table (ops/pricing/aws_prices.json), and its report reads
as a table and as Markdown (issue 11). No stack: objects and reports are built here."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from backend_core.archival import TIERING_MIN_OBJECT_BYTES
from ops.audit import cost
from ops.audit.model import BucketObjects, Report, SettingCheck, TtlDay, Violation
from ops.audit.objects import StoredObject
from ops.audit.report import as_json, as_markdown, render_table
from ops.pricing import load

TABLE = Path(__file__).resolve().parents[3] / "ops" / "pricing" / "aws_prices.json"
GB = 2**30
NOW = datetime(2026, 6, 1, tzinfo=UTC)
REGIONS = ("us-east-1", "us-west-2")


def raw(region: str) -> tuple[dict, dict]:
    """The table as written (not through ops.pricing): meters and terms of one region."""
    document = json.loads(TABLE.read_text())
    return document["regions"][region], document["terms"][region]


def usd(meters: dict, meter: str) -> float:
    entry = meters[meter]
    first = entry["tiers"][0][1] if "tiers" in entry else entry["usd"]
    return first / entry.get("per", 1)


def obj(key: str, size: int, storage_class: str, tier: str | None = None) -> StoredObject:
    return StoredObject(key, size, storage_class, tier, NOW)


@pytest.mark.parametrize("region", REGIONS)
def test_every_figure_is_the_tables_rates_times_the_usage(region: str) -> None:
    meters, terms = raw(region)
    archived = obj("users/u/media/a", 3 * GB, "INTELLIGENT_TIERING", "DEEP_ARCHIVE_ACCESS")
    standard = obj("users/u/media/b", 2 * GB, "STANDARD")
    small = obj("users/u/media/c", 1024, "STANDARD")
    figures = cost.bucket_costs(load(), region, [(archived, 400), (standard, 5), (small, 400)], archives=True)

    deep = usd(meters, "s3.intelligent_tiering.deep_archive.storage")
    std = usd(meters, "s3.standard.storage")
    frequent = usd(meters, "s3.intelligent_tiering.frequent.storage")
    fee = usd(meters, "s3.intelligent_tiering.monitoring")
    overhead = (
        terms["s3.intelligent_tiering.archive_tiers.overhead_standard_bytes"]["value"] / GB * std
        + terms["s3.intelligent_tiering.archive_tiers.overhead_archive_bytes"]["value"] / GB * deep
    )
    small_gb = 1024 / GB
    today = 3 * deep + overhead + fee + 2 * std + small_gb * std
    policy = 3 * deep + overhead + fee + 2 * frequent + fee + small_gb * std  # b: IT Frequent (5 days idle)
    assert figures["monthly_usd"]["today"] == pytest.approx(today, rel=1e-12)
    assert figures["monthly_usd"]["all_standard"] == pytest.approx((5 * GB + 1024) / GB * std, rel=1e-12)
    assert figures["monthly_usd"]["policy"] == pytest.approx(policy, rel=1e-12)
    # One transition request for the Standard object of 128 KB or more (lifecycle never moves the small one).
    assert figures["transition_requests"] == 1
    assert figures["transition_requests_once_usd"] == pytest.approx(
        usd(meters, "s3.lifecycle.transition_intelligent_tiering"), rel=1e-12
    )
    assert figures["usage"]["today"]["s3.intelligent_tiering.monitoring"] == 1
    assert figures["archived_objects"] == 1 and figures["unpriced_objects"] == {}


@pytest.mark.parametrize("region", REGIONS)
def test_at_the_break_even_size_archiving_costs_what_it_saves(region: str) -> None:
    prices = load()
    even = cost.break_even(prices, region)
    size = even["vs_standard_bytes"]
    archived, _ = cost.usage(prices, region, [("INTELLIGENT_TIERING/DEEP_ARCHIVE_ACCESS", size)])
    standard, _ = cost.usage(prices, region, [("STANDARD", size)])
    assert cost.priced(prices, region, archived) == pytest.approx(
        cost.priced(prices, region, standard), rel=1e-3
    )
    # Near the 128 KB under which Intelligent-Tiering never moves an object: the floor is about right.
    assert 0.8 * TIERING_MIN_OBJECT_BYTES < size < 1.2 * TIERING_MIN_OBJECT_BYTES
    assert 0 < even["vs_archive_instant_access_bytes"] < size


def test_every_placement_and_term_the_audit_uses_is_priced_in_both_regions() -> None:
    prices = load()
    for region in REGIONS:
        for meter in [*cost.STORAGE_METERS.values(), cost.MONITORING, cost.TRANSITION_TO_IT]:
            assert prices.has(meter, region), (meter, region)
        for pair in cost.OVERHEAD_TERMS.values():
            for term in pair:
                assert prices.term(term, region).unit == "bytes per archived object"
        assert [t["ok"] for t in cost.policy_terms(prices, region)] == [True, True]


def test_a_class_without_a_meter_is_left_out_and_said() -> None:
    figures = cost.bucket_costs(load(), "us-east-1", [(obj("users/u/media/x", 10, "OUTPOSTS"), 1)], True)
    assert figures["unpriced_objects"] == {"OUTPOSTS": 1}
    assert figures["monthly_usd"]["today"] == 0


def report(failing: bool) -> Report:
    bucket = BucketObjects("media-us-east-1", "media", "us-east-1", "listing")
    bucket.add("users/", "active", 2048, "users/u/media/a")
    bucket.add(
        "users/", "inactive, not archived: not in INTELLIGENT_TIERING (STANDARD)", 4096, "users/u/media/b"
    )
    figures = cost.bucket_costs(load(), "us-east-1", [(obj("users/u/media/a", 2048, "STANDARD"), 3)], True)
    violations = (
        [Violation("objects", "media-us-east-1 (media)", "inactive, not archived: not in INTELLIGENT_TIERING (STANDARD)", actual="1 object(s), 4.0 KB", detail="e.g. users/u/media/b")]
        if failing
        else []
    )  # fmt: skip
    return Report(
        env="local",
        generated_at=NOW.isoformat(),
        policy={"archive_tiers": {"DEEP_ARCHIVE_ACCESS": 180}, "inactive_after_days": 180},
        settings=[SettingCheck("media-us-east-1", "media", "versioning", "Enabled", "Enabled", True)],
        objects=[bucket],
        cost={
            "price_table": {"file": "ops/pricing/aws_prices.json", "checked_on": "2026-11-30", "age_days": 1},
            "rates": {"us-east-1": cost.rates_used(load(), "us-east-1", figures["usage"]["today"])},
            "buckets": {"media-us-east-1": figures},
            "total_monthly_usd": figures["monthly_usd"],
            "policy_saves_monthly_usd": figures["policy_saves_monthly_usd"],
            "transition_requests_once_usd": 0.0,
            "break_even": {"us-east-1": cost.break_even(load(), "us-east-1")},
            "policy_terms": {"us-east-1": cost.policy_terms(load(), "us-east-1")},
        },
        ttl=[TtlDay("us-east-1", "2026-06-01", removed=2, archived=2)],
        violations=violations,
    )


def test_markdown_puts_the_verdict_and_violations_first_and_every_price_with_its_source() -> None:
    text = as_markdown(report(failing=True))
    assert text.startswith("# Lifecycle audit of `local`: FAILED: 1 violation(s)\n")
    sections = [line for line in text.splitlines() if line.startswith("## ")]
    assert sections[0] == "## Violations" and "## Prices used" in sections
    assert "**inactive, not archived: not in INTELLIGENT_TIERING (STANDARD)**" in text
    assert (
        "| us-east-1 | s3.standard.storage | $0.023 per 1 GB-month (first tier) | https://aws.amazon.com/s3/pricing/ |"
        in text
    )
    columns = None  # every table row has as many cells as its header (pipes in cells are escaped)
    for line in text.splitlines():
        cells = len(re.findall(r"(?<!\\)\|", line)) - 1
        if not line.startswith("|"):
            columns = None
        elif columns is None:
            columns = cells
        else:
            assert cells == columns, line
    assert "PASSED" in as_markdown(report(failing=False)).splitlines()[0]


def test_the_table_names_each_violation_and_json_round_trips() -> None:
    console = Console(record=True, width=160, file=io.StringIO(), color_system=None)
    render_table(report(failing=True), console)
    text = console.export_text()
    assert "Lifecycle audit of local: FAILED: 1 violation(s)" in text
    assert "users/u/media/b" in text and "Usage by meter" not in text  # the detail is Markdown and JSON only
    document = json.loads(as_json(report(failing=True)))
    assert document["passed"] is False and document["violations"][0]["line"].startswith("objects: ")


def test_a_narrow_table_folds_bucket_names_and_keys_instead_of_cutting_them() -> None:
    console = Console(record=True, width=60, file=io.StringIO(), color_system=None)
    render_table(report(failing=True), console)
    text = console.export_text()
    assert "…" not in text
    last_cells = "".join(  # the last column (the violation's detail), its folded pieces in row order
        line.rsplit("│", 2)[1].strip() for line in text.splitlines() if line.count("│") >= 2
    )
    assert "e.g.users/u/media/b" in last_cells
