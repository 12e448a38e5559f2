"""The drill's result: named checks, the measured RPO per store, and a verdict a person can read."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    seconds: float | None = None  # how long the check took (or, for an RPO check, the measured lag)


@dataclass
class Report:
    run_id: str
    started_at: str
    env: str
    mode: str = "non-destructive"
    checks: list[Check] = field(default_factory=list)
    rpo_seconds: dict[str, float | None] = field(default_factory=lambda: {"table": None, "s3": None})
    rpo_target_seconds: float | None = None
    rto_target_seconds: float | None = None  # reported for context: RTO is measured only by a failover drill
    finished_at: str | None = None
    passed: bool = False

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def conclude(self, finished_at: str) -> None:
        self.finished_at = finished_at
        self.passed = bool(self.checks) and not self.failures()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def alert_text(self) -> str:
        lines = [f"DR drill {self.run_id} ({self.env}) FAILED:"]
        lines += [f"- {c.name}: {c.detail}" for c in self.failures()]
        lines += ["", json.dumps(self.to_dict(), indent=2)]
        return "\n".join(lines)
