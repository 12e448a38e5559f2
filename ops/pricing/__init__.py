"""AWS list prices, one dated and sourced table for everything in ops that prices AWS.

The data is `aws_prices.json` beside this file (README.md has its shape and how to update it). Read it
through this module, never by hand:

    from ops.pricing import load
    prices = load()                                   # cached; PriceError (one line) if the file is broken
    rate = prices.rate("s3.standard.storage", "us-east-1")
    rate.cost(1200.0)                                 # USD for 1,200 GB-months, tiers applied
    rate.cost(1200.0, free_tier=True)                 # the always-free units first (none for S3 storage)
    prices.rate("cloudfront.https_requests.europe")   # global services live under region "global"
    prices.checked_on, prices.age_days()              # when the rates were last compared with AWS's pages
    prices.source_of(rate)                            # the pricing page's URL
    prices.term("s3.glacier_deep_archive.minimum_days", "us-east-1").value   # a billing rule that is no price

Units are those AWS bills in: GB = 2^30 bytes, TB = 1,024 GB, a month = 730 hours. Tiers apply to the
monthly quantity of one meter in one region (AWS tiers per account and region), so price a region's whole
quantity at once and share the cost out, rather than pricing parts separately.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from ops.errors import OpsError

PRICES_FILE = Path(__file__).with_name("aws_prices.json")
GLOBAL = "global"  # CloudFront and Route 53 are priced once for the account, not per region
MONTH_HOURS = 730  # AWS's monthly convention (Pricing Calculator, provisioned capacity)


class PriceError(OpsError):
    """A meter or region the table has no price for, or a table that does not parse."""


@dataclass(frozen=True)
class Rate:
    """One meter's price in one region: `tiers` are (up to this many units a month or None, USD per `per`
    units); `free_per_month` units of the always-free tier (account-wide)."""

    meter: str
    region: str
    unit: str
    per: float
    tiers: tuple[tuple[float | None, float], ...]
    free_per_month: float
    source: str
    note: str

    @property
    def unit_price(self) -> float:
        """USD per single unit in the first tier."""
        return self.tiers[0][1] / self.per

    def list_cost(self, quantity: float) -> float:
        """USD for `quantity` units in a month, each tier at its price."""
        if quantity < 0:
            raise ValueError(f"{self.meter}: negative quantity {quantity}")
        cost, below = 0.0, 0.0
        for upto, usd in self.tiers:
            top = quantity if upto is None else min(quantity, upto)
            if top > below:
                cost += (top - below) * usd / self.per
            if upto is None or quantity <= upto:
                break
            below = upto
        return cost

    def cost(self, quantity: float, free_tier: bool = False) -> float:
        """USD for `quantity` units in a month; with `free_tier`, the always-free units are the first ones."""
        cost = self.list_cost(quantity)
        if free_tier and self.free_per_month:
            cost -= self.list_cost(min(quantity, self.free_per_month))
        return max(cost, 0.0)


@dataclass(frozen=True)
class Term:
    """A billing rule that is not a price, in one region: bytes billed per archived object at another meter's
    rate, a minimum storage duration in days. `value` in `unit`."""

    name: str
    region: str
    value: float
    unit: str
    source: str
    note: str


@dataclass(frozen=True)
class PriceTable:
    checked_on: date
    currency: str
    sources: dict[str, str]
    rates: dict[str, dict[str, Rate]]  # region -> meter -> Rate
    path: Path
    terms: dict[str, dict[str, Term]] = field(default_factory=dict)  # region -> name -> Term

    @property
    def regions(self) -> list[str]:
        return sorted(r for r in self.rates if r != GLOBAL)

    def rate(self, meter: str, region: str = GLOBAL) -> Rate:
        """The meter's rate in `region` ("global" for CloudFront and Route 53). PriceError if absent."""
        if region not in self.rates:
            raise PriceError(
                f"no prices for region {region} in {self.path.name} (priced: {', '.join(self.regions)}): "
                "add the region's rates to ops/pricing/aws_prices.json"
            )
        found = self.rates[region].get(meter)
        if found is None:
            raise PriceError(f"no price for meter {meter!r} in region {region} in {self.path.name}")
        return found

    def term(self, name: str, region: str) -> Term:
        """The billing rule `name` in `region`. PriceError if absent."""
        found = self.terms.get(region, {}).get(name)
        if found is None:
            raise PriceError(f"no term {name!r} for region {region} in {self.path.name}")
        return found

    def has(self, meter: str, region: str = GLOBAL) -> bool:
        return meter in self.rates.get(region, {})

    def source_of(self, rate: Rate | Term) -> str:
        return self.sources[rate.source]

    def age_days(self, today: date | None = None) -> int:
        return ((today or datetime.now(UTC).date()) - self.checked_on).days


def _rate(meter: str, region: str, raw: dict[str, Any], sources: dict[str, str]) -> Rate:
    if "tiers" in raw:
        tiers = tuple((None if upto is None else float(upto), float(usd)) for upto, usd in raw["tiers"])
    else:
        tiers = ((None, float(raw["usd"])),)
    bounds = [upto for upto, _ in tiers]
    if bounds[-1] is not None or any(b is None for b in bounds[:-1]) or bounds[:-1] != sorted(bounds[:-1]):
        raise ValueError("tiers must ascend and end without a limit (null)")
    if raw["source"] not in sources:
        raise ValueError(f"source {raw['source']!r} is not listed under sources")
    return Rate(
        meter=meter,
        region=region,
        unit=str(raw["unit"]),
        per=float(raw.get("per", 1)),
        tiers=tiers,
        free_per_month=float(raw.get("free_per_month", 0)),
        source=str(raw["source"]),
        note=str(raw.get("note", "")),
    )


def _term(name: str, region: str, raw: dict[str, Any], sources: dict[str, str]) -> Term:
    if raw["source"] not in sources:
        raise ValueError(f"source {raw['source']!r} is not listed under sources")
    return Term(
        name=name,
        region=region,
        value=float(raw["value"]),
        unit=str(raw["unit"]),
        source=str(raw["source"]),
        note=str(raw.get("note", "")),
    )


def parse(document: dict[str, Any], path: Path = PRICES_FILE) -> PriceTable:
    sources = dict(document["sources"])
    rates: dict[str, dict[str, Rate]] = {}
    for region, meters in document["regions"].items():
        rates[region] = {}
        for meter, raw in meters.items():
            try:
                rates[region][meter] = _rate(meter, region, raw, sources)
            except (KeyError, TypeError, ValueError) as exc:
                raise PriceError(f"{path.name}: {region} {meter}: {exc}") from None
    terms: dict[str, dict[str, Term]] = {}
    for region, entries in document.get("terms", {}).items():
        terms[region] = {}
        for name, raw in entries.items():
            try:
                terms[region][name] = _term(name, region, raw, sources)
            except (KeyError, TypeError, ValueError) as exc:
                raise PriceError(f"{path.name}: terms {region} {name}: {exc}") from None
    return PriceTable(
        checked_on=date.fromisoformat(document["checked_on"]),
        currency=document["currency"],
        sources=sources,
        rates=rates,
        path=path,
        terms=terms,
    )


@cache
def load(path: Path = PRICES_FILE) -> PriceTable:
    """The price table (read once per process). PriceError when the file is missing or malformed."""
    try:
        document = json.loads(path.read_text())
        return parse(document, path)
    except PriceError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PriceError(f"cannot read the price table {path}: {exc.__class__.__name__}: {exc}") from None
