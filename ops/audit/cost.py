"""What storage costs per month: today, if everything were in Standard, and under the archival policy.

Figures come from the dated price table (ops/audit/s3_prices.json) of each bucket's region, per object:
its bytes in the placement it has (or would have), 8 KB at the Standard price per object in an
Intelligent-Tiering archive tier, and the monitoring fee per Intelligent-Tiering object of 128 KB or more.
Objects under 128 KB are never transitioned by lifecycle, so the policy leaves them in Standard.

Under the policy an object of 128 KB or more is in INTELLIGENT_TIERING, in the tier its days without use
give: Frequent Access, Infrequent Access after 30 days, Archive Instant Access after 90 (Intelligent-Tiering's
automatic tiers), and the contract's archive tiers where the bucket archives (Deep Archive Access after 180).
Moving today's Standard objects there costs one lifecycle transition request each, once. Only current versions
are priced (noncurrent versions follow the lifecycle's own rules).
"""

from __future__ import annotations

from typing import Any

from backend_core.archival import ARCHIVAL_POLICY, TIERING_MIN_OBJECT_BYTES
from ops.audit.objects import ARCHIVED, StoredObject
from ops.audit.pricing import GB, IT, RegionPrices

# Intelligent-Tiering's automatic tiers (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html).
INFREQUENT_AFTER_DAYS = 30
ARCHIVE_INSTANT_AFTER_DAYS = 90
ARCHIVE_OVERHEAD_BYTES = 8 * 1024


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
        due = [tier for tier, after in ARCHIVAL_POLICY.archive_tiers().items() if days >= after]
        if due:
            return f"{IT}/{max(due, key=lambda t: ARCHIVAL_POLICY.archive_tiers()[t])}"
    return f"{IT}/{online_tier(days, obj.size)}"


def bucket_costs(
    prices: RegionPrices, objects: list[tuple[StoredObject, int]], archives: bool
) -> dict[str, Any]:
    """Monthly USD of one bucket's current versions: today, all Standard, under the policy; and the one-time
    cost of the transitions the policy still has to make."""
    today = standard = policy = 0.0
    transitions = 0
    archived_now = 0
    for obj, days in objects:
        here = placement_today(obj, days)
        today += prices.monthly_cost(here, obj.size)
        standard += prices.monthly_cost("STANDARD", obj.size)
        policy += prices.monthly_cost(placement_policy(obj, days, archives), obj.size)
        if obj.storage_class == "STANDARD" and obj.size >= TIERING_MIN_OBJECT_BYTES:
            transitions += 1
        if obj.tier in ARCHIVED:
            archived_now += 1
    return {
        "region": prices.region,
        "objects": len(objects),
        "bytes": sum(obj.size for obj, _ in objects),
        "archived_objects": archived_now,
        "monthly_usd": {"today": today, "all_standard": standard, "policy": policy},
        "policy_saves_monthly_usd": standard - policy,
        "transition_requests_once_usd": transitions
        * prices.requests["transition_to_INTELLIGENT_TIERING"]
        / 1000,
    }


def break_even(prices: RegionPrices) -> dict[str, Any]:
    """Object sizes (bytes) below which archiving costs more than it saves, per month:

    - vs Standard: an object in Deep Archive Access pays its bytes at the archive price, 8 KB at the Standard
      price and the monitoring fee; in Standard only its bytes. size x (standard - deep) = fee + 8 KB x standard.
    - vs Archive Instant Access (where Intelligent-Tiering would keep it anyway, monitoring paid either way):
      size x (archive instant - deep) = 8 KB x standard.
    Both are under or near the 128 KB below which Intelligent-Tiering never moves an object.
    """
    standard = prices.storage_price("STANDARD") / GB
    deep = prices.storage_price(f"{IT}/DEEP_ARCHIVE_ACCESS") / GB
    instant = prices.storage_price(f"{IT}/ARCHIVE_INSTANT_ACCESS") / GB
    fee = prices.monitoring_per_1000 / 1000
    overhead = ARCHIVE_OVERHEAD_BYTES * standard
    return {
        "vs_standard_bytes": round((fee + overhead) / (standard - deep)),
        "vs_archive_instant_access_bytes": round(overhead / (instant - deep)),
    }
