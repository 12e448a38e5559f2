"""What storage costs per month: today, if everything were in Standard, and under the archival policy.

Every figure comes from the one price table (ops/pricing/aws_prices.json, read through `ops.pricing`) of the
bucket's region, and traces to it: a scenario is first a usage (meter -> monthly quantity: GB-months per
storage meter, object-months of monitoring), then priced meter by meter with `Rate.cost` (the meter's tiers
applied to the bucket's whole quantity). Per object that is:

- its bytes at the storage meter of its placement (a storage class, or inside Intelligent-Tiering an access
  tier: `INTELLIGENT_TIERING/<tier>`);
- in an archive tier or class, the per-object overhead terms: 8 KB billed as Standard, 32 KB at the archive's
  own rate (`s3.intelligent_tiering.archive_tiers.overhead_*`, `s3.glacier.overhead_*`);
- in Intelligent-Tiering and of 128 KB or more, the monitoring fee (`s3.intelligent_tiering.monitoring`).

Under the policy an object of 128 KB or more is in INTELLIGENT_TIERING, in the tier its days without use give:
Frequent Access, Infrequent Access after 30 days, Archive Instant Access after 90 (Intelligent-Tiering's
automatic tiers), then the contract's archive tiers where the bucket archives (Deep Archive Access after 180).
Lifecycle never transitions an object under 128 KB, so the policy leaves those in Standard. Moving today's
Standard objects costs one lifecycle transition request each, once. Only current versions are priced
(noncurrent versions follow the lifecycle's own rules; `policy_terms` checks those against the minimum
storage durations).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from backend_core.archival import ARCHIVAL_POLICY, TIERING_MIN_OBJECT_BYTES
from ops.audit.objects import ARCHIVED, StoredObject
from ops.pricing import PriceTable

GB = 2**30  # S3 bills GB-months of 2^30 bytes
IT = "INTELLIGENT_TIERING"
# Intelligent-Tiering's automatic tiers (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html).
INFREQUENT_AFTER_DAYS = 30
ARCHIVE_INSTANT_AFTER_DAYS = 90

# Where an object's bytes are billed -> the price table's storage meter.
STORAGE_METERS = {
    "STANDARD": "s3.standard.storage",
    "STANDARD_IA": "s3.standard_ia.storage",
    "ONEZONE_IA": "s3.onezone_ia.storage",
    "GLACIER_IR": "s3.glacier_instant_retrieval.storage",
    "GLACIER": "s3.glacier_flexible_retrieval.storage",
    "DEEP_ARCHIVE": "s3.glacier_deep_archive.storage",
    f"{IT}/FREQUENT": "s3.intelligent_tiering.frequent.storage",
    f"{IT}/INFREQUENT": "s3.intelligent_tiering.infrequent.storage",
    f"{IT}/ARCHIVE_INSTANT_ACCESS": "s3.intelligent_tiering.archive_instant.storage",
    f"{IT}/ARCHIVE_ACCESS": "s3.intelligent_tiering.archive.storage",
    f"{IT}/DEEP_ARCHIVE_ACCESS": "s3.intelligent_tiering.deep_archive.storage",
}
# Placements that pay a per-object overhead -> (bytes billed as Standard, bytes billed at its own rate) terms.
_IT_OVERHEAD = (
    "s3.intelligent_tiering.archive_tiers.overhead_standard_bytes",
    "s3.intelligent_tiering.archive_tiers.overhead_archive_bytes",
)
_GLACIER_OVERHEAD = ("s3.glacier.overhead_standard_bytes", "s3.glacier.overhead_archive_bytes")
OVERHEAD_TERMS = {
    f"{IT}/ARCHIVE_ACCESS": _IT_OVERHEAD,
    f"{IT}/DEEP_ARCHIVE_ACCESS": _IT_OVERHEAD,
    "GLACIER": _GLACIER_OVERHEAD,
    "DEEP_ARCHIVE": _GLACIER_OVERHEAD,
}
MONITORING = "s3.intelligent_tiering.monitoring"
TRANSITION_TO_IT = "s3.lifecycle.transition_intelligent_tiering"
SCENARIOS = ("today", "all_standard", "policy")


def online_tier(days: int, size: int) -> str:
    if size < TIERING_MIN_OBJECT_BYTES or days < INFREQUENT_AFTER_DAYS:
        return "FREQUENT"
    return "INFREQUENT" if days < ARCHIVE_INSTANT_AFTER_DAYS else "ARCHIVE_INSTANT_ACCESS"


def placement_today(obj: StoredObject, days: int) -> str:
    """Where the object is billed now (an online Intelligent-Tiering tier a listing does not show is taken
    from its days without use, as Intelligent-Tiering tiers it)."""
    if obj.storage_class != IT:
        return obj.storage_class
    return f"{IT}/{obj.tier or online_tier(days, obj.size)}"


def placement_policy(obj: StoredObject, days: int, archives: bool) -> str:
    if obj.size < TIERING_MIN_OBJECT_BYTES:
        return "STANDARD"
    if archives:
        tiers = ARCHIVAL_POLICY.archive_tiers()
        due = [tier for tier, after in tiers.items() if days >= after]
        if due:
            return f"{IT}/{max(due, key=tiers.__getitem__)}"
    return f"{IT}/{online_tier(days, obj.size)}"


def usage(
    prices: PriceTable, region: str, placed: Iterable[tuple[str, int]]
) -> tuple[dict[str, float], Counter[str]]:
    """(meter -> monthly quantity, placement -> objects the table has no meter for) of objects given as
    (placement, size in bytes). PriceError when the table lacks a term of this region."""
    quantities: dict[str, float] = {}
    unpriced: Counter[str] = Counter()

    def add(meter: str, quantity: float) -> None:
        quantities[meter] = quantities.get(meter, 0.0) + quantity

    for placement, size in placed:
        meter = STORAGE_METERS.get(placement)
        if meter is None:
            unpriced[placement] += 1
            continue
        add(meter, size / GB)
        if placement in OVERHEAD_TERMS:
            standard_bytes, own_bytes = (prices.term(t, region).value for t in OVERHEAD_TERMS[placement])
            add(STORAGE_METERS["STANDARD"], standard_bytes / GB)
            add(meter, own_bytes / GB)
        if placement.startswith(f"{IT}/") and size >= TIERING_MIN_OBJECT_BYTES:
            add(MONITORING, 1)
    return quantities, unpriced


def priced(prices: PriceTable, region: str, quantities: dict[str, float]) -> float:
    """USD per month of a usage, each meter at its rate (tiers applied to the whole quantity)."""
    return sum(prices.rate(meter, region).cost(q) for meter, q in quantities.items())


def bucket_costs(
    prices: PriceTable, region: str, objects: list[tuple[StoredObject, int]], archives: bool
) -> dict[str, Any]:
    """One bucket's current versions (object, days since last use): per scenario (today, all_standard, policy)
    its usage by meter and monthly USD; the one-time cost of the transitions the policy still has to make;
    objects whose class the table has no meter for (left out of every scenario)."""
    placements = {
        "today": [(placement_today(o, d), o.size) for o, d in objects],
        "all_standard": [("STANDARD", o.size) for o, _ in objects],
        "policy": [(placement_policy(o, d, archives), o.size) for o, d in objects],
    }
    quantities: dict[str, dict[str, float]] = {}
    monthly: dict[str, float] = {}
    unpriced: Counter[str] = Counter()  # only today's placements can be a class without a meter
    for scenario in SCENARIOS:
        quantities[scenario], missing = usage(prices, region, placements[scenario])
        monthly[scenario] = priced(prices, region, quantities[scenario])
        unpriced.update(missing)
    transitions = sum(
        1 for o, _ in objects if o.storage_class == "STANDARD" and o.size >= TIERING_MIN_OBJECT_BYTES
    )
    return {
        "region": region,
        "objects": len(objects),
        "bytes": sum(o.size for o, _ in objects),
        "archived_objects": sum(1 for o, _ in objects if o.tier in ARCHIVED),
        "usage": quantities,
        "monthly_usd": monthly,
        "policy_saves_monthly_usd": monthly["all_standard"] - monthly["policy"],
        "transition_requests": transitions,
        "transition_requests_once_usd": prices.rate(TRANSITION_TO_IT, region).cost(transitions),
        "unpriced_objects": dict(unpriced),
    }


def break_even(prices: PriceTable, region: str) -> dict[str, Any]:
    """Object sizes (bytes) below which archiving costs more than it saves, per month (first-tier prices):

    - vs Standard: an object in Deep Archive Access pays its bytes at the archive rate, the overhead terms
      (8 KB as Standard, 32 KB at the archive rate) and the monitoring fee; in Standard only its bytes.
      size x (standard - deep) = fee + overhead.
    - vs Archive Instant Access (where Intelligent-Tiering keeps it anyway, monitoring paid either way):
      size x (archive instant - deep) = overhead.
    Both are near or under the 128 KB below which Intelligent-Tiering never moves an object.
    """
    unit = {
        name: prices.rate(STORAGE_METERS[placement], region).unit_price / GB  # USD per byte-month
        for name, placement in (
            ("standard", "STANDARD"),
            ("deep", f"{IT}/DEEP_ARCHIVE_ACCESS"),
            ("instant", f"{IT}/ARCHIVE_INSTANT_ACCESS"),
        )
    }
    standard_bytes, own_bytes = (prices.term(t, region).value for t in _IT_OVERHEAD)
    overhead = standard_bytes * unit["standard"] + own_bytes * unit["deep"]
    fee = prices.rate(MONITORING, region).unit_price
    return {
        "vs_standard_bytes": round((fee + overhead) / (unit["standard"] - unit["deep"])),
        "vs_archive_instant_access_bytes": round(overhead / (unit["instant"] - unit["deep"])),
    }


def policy_terms(prices: PriceTable, region: str) -> list[dict[str, Any]]:
    """The policy's own transitions against the minimum storage durations of the classes they move into:
    a class left before its minimum is billed for the rest of it (early deletion)."""
    held = ARCHIVAL_POLICY.noncurrent_expire_days - ARCHIVAL_POLICY.noncurrent_to_glacier_days
    glacier = prices.term("s3.glacier_flexible_retrieval.minimum_days", region)
    tiering = prices.term("s3.intelligent_tiering.minimum_days", region)
    return [
        {
            "what": f"noncurrent versions in GLACIER (days {ARCHIVAL_POLICY.noncurrent_to_glacier_days} to "
            f"{ARCHIVAL_POLICY.noncurrent_expire_days})",
            "held_days": held,
            "minimum_days": int(glacier.value),
            "term": glacier.name,
            "ok": held >= glacier.value,
        },
        {
            "what": "current versions in INTELLIGENT_TIERING (restored, deleted or overwritten at any time)",
            "held_days": 0,
            "minimum_days": int(tiering.value),
            "term": tiering.name,
            "ok": tiering.value == 0,
        },
    ]


def rates_used(prices: PriceTable, region: str, meters: Iterable[str]) -> dict[str, dict[str, Any]]:
    """meter -> its first-tier price, unit and source page, for the report (every figure traces to these)."""
    out = {}
    for meter in sorted(set(meters)):
        rate = prices.rate(meter, region)
        out[meter] = {
            "usd": rate.tiers[0][1],
            "per": rate.per,
            "unit": rate.unit,
            "tiered": len(rate.tiers) > 1,
            "source": prices.source_of(rate),
        }
    return out
