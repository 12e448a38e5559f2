"""The S3 storage prices of the audit: `s3_prices.json` beside this module (dated, with its sources).

A placement is where an object's bytes are billed: a storage class (`STANDARD`, `GLACIER`...) or, inside
Intelligent-Tiering, `INTELLIGENT_TIERING/<access tier>` (FREQUENT, INFREQUENT, ARCHIVE_INSTANT_ACCESS,
ARCHIVE_ACCESS, DEEP_ARCHIVE_ACCESS). `monthly_cost` prices one object in one placement: its bytes, the
per-object archive overhead (8 KB at the Standard price for each object in an Intelligent-Tiering archive
tier) and the monitoring fee (objects of 128 KB or more in Intelligent-Tiering).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from backend_core.archival import TIERING_MIN_OBJECT_BYTES
from ops.errors import OpsError

PRICE_FILE = Path(__file__).resolve().parent / "s3_prices.json"
GB = 2**30
IT = "INTELLIGENT_TIERING"


@dataclass(frozen=True)
class RegionPrices:
    region: str
    storage: dict[str, float]  # placement -> USD per GB-month
    monitoring_per_1000: float
    requests: dict[str, float]  # USD per 1,000
    overhead: dict[str, dict[str, int]]  # placement -> {billed placement: bytes}
    minimum_days: dict[str, int]

    def storage_price(self, placement: str) -> float:
        try:
            return self.storage[placement]
        except KeyError:
            raise OpsError(f"no {self.region} price for {placement} in {PRICE_FILE.name}") from None

    def monthly_cost(self, placement: str, size: int) -> float:
        """USD per month of one object of `size` bytes billed in `placement`."""
        cost = size / GB * self.storage_price(placement)
        for billed, extra in self.overhead.get(placement, {}).items():
            cost += extra / GB * self.storage_price(billed)
        if placement.startswith(f"{IT}/") and size >= TIERING_MIN_OBJECT_BYTES:
            cost += self.monitoring_per_1000 / 1000
        return cost


@dataclass(frozen=True)
class PriceTable:
    as_of: str
    sources: tuple[str, ...]
    regions: dict[str, RegionPrices]

    def region(self, name: str) -> RegionPrices:
        if name not in self.regions:
            raise OpsError(
                f"{PRICE_FILE.name} has no prices for {name} (it has {', '.join(sorted(self.regions))}): add them"
            )
        return self.regions[name]


@cache
def load(path: Path = PRICE_FILE) -> PriceTable:
    """The price table; OpsError when the file is missing or malformed."""
    try:
        document: dict[str, Any] = json.loads(path.read_text())
        regions = {
            name: RegionPrices(
                region=name,
                storage={k: float(v) for k, v in entry["storage"].items()},
                monitoring_per_1000=float(entry["monitoring"]),
                requests={k: float(v) for k, v in entry["requests"].items()},
                overhead={k: {b: int(n) for b, n in v.items()} for k, v in entry["overhead"].items()},
                minimum_days={k: int(v) for k, v in entry["minimum_days"].items()},
            )
            for name, entry in document["regions"].items()
        }
        return PriceTable(str(document["as_of"]), tuple(document["sources"]), regions)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OpsError(f"price table {path}: {type(exc).__name__}: {exc}") from None
