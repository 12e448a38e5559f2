"""What an audit finds: checks, violations and the report's sections (plain data, rendered by report.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Violation:
    """One way the deployment breaks the archival policy. `area`: settings, objects, ttl or audit (a part
    the audit could not check, which never passes)."""

    area: str
    subject: str  # a bucket, or a region and day
    what: str  # the setting, class or figure at fault
    expected: str = ""
    actual: str = ""
    detail: str = ""

    def line(self) -> str:
        parts = [f"{self.area}: {self.subject}: {self.what}"]
        if self.expected or self.actual:
            parts.append(f"expected {self.expected or '-'}, found {self.actual or '-'}")
        if self.detail:
            parts.append(self.detail)
        return "; ".join(parts)


@dataclass
class SettingCheck:
    bucket: str
    role: str
    setting: str
    expected: str
    actual: str
    ok: bool


@dataclass
class ClassTotals:
    count: int = 0
    bytes: int = 0

    def add(self, size: int) -> None:
        self.count += 1
        self.bytes += size


@dataclass
class BucketObjects:
    bucket: str
    role: str
    region: str
    source: str  # "inventory dt=..." or "listing"
    classes: dict[str, ClassTotals] = field(default_factory=dict)
    by_prefix: dict[str, dict[str, ClassTotals]] = field(default_factory=dict)
    samples: dict[str, list[str]] = field(default_factory=dict)  # class -> a few keys

    def add(self, prefix: str, klass: str, size: int, key: str) -> None:
        self.classes.setdefault(klass, ClassTotals()).add(size)
        self.by_prefix.setdefault(prefix, {}).setdefault(klass, ClassTotals()).add(size)
        sample = self.samples.setdefault(klass, [])
        if len(sample) < 5:
            sample.append(key)


@dataclass
class TtlDay:
    region: str
    day: str
    removed: int = 0
    archived: int = 0
    missing: list[str] = field(default_factory=list)  # item keys without a record


@dataclass
class Report:
    env: str
    generated_at: str
    policy: dict[str, Any]
    settings: list[SettingCheck] = field(default_factory=list)
    objects: list[BucketObjects] = field(default_factory=list)
    cost: dict[str, Any] = field(default_factory=dict)
    ttl: list[TtlDay] = field(default_factory=list)
    ttl_notes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.violations
