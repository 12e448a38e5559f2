"""What a drill is asked to do and what it records: options, steps, probe samples, the report document.

Times: `t` values are seconds since the drill started (monotonic clock); `*_at` values are ISO 8601 UTC.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

Mode = Literal["failover", "non-destructive"]
MODES: tuple[str, ...] = ("failover", "non-destructive")
# Each fault and what it must break (the reason a drill with it fails).
FAULTS: dict[str, str] = {
    "replication-pause": "replication to DR stops before the cut: RPO breach, lost writes reported",
    "dr-api-down": "the DR API refuses every request: nothing serves after the cut, RTO breach",
    "user-pool-replica-missing": "the DR region has no user pool replica: sign-in in DR fails",
}

EXIT_PASSED, EXIT_FAILED, EXIT_REFUSED, EXIT_ABORTED = 0, 1, 2, 3


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Targets:
    rto_seconds: float
    rpo_seconds: float
    source: str  # where the numbers come from, for the report


@dataclass(frozen=True)
class DrillOptions:
    """How one run behaves. Durations in seconds, the probe rate in requests (write+read pairs) per second."""

    env: str
    mode: Mode = "failover"
    inject: str | None = None
    report_dir: Path = Path("reports/drills")
    yes: bool = False
    dry_run: bool = False
    probe_rate: float = 5.0
    warmup_seconds: float = 2.0
    hold_seconds: float = 2.0  # stay failed over this long after the first success (DR takes writes)
    steady_seconds: float = 2.0  # after failback: this long of successes served by the primary
    failback_timeout: float = 60.0
    request_timeout: float = 2.0
    rto_target: float | None = None  # overrides of the env's targets (tests, what-if runs)
    rpo_target: float | None = None


@dataclass
class Step:
    """One thing the drill did or checked, with when it ran and what came of it."""

    name: str
    phase: str  # refusal, preflight, setup, inject, measure, failover, failed-over, failback, cleanup
    ok: bool
    detail: str
    started_at: str
    ended_at: str
    seconds: float
    critical: bool = True  # a failed critical step fails the drill; others are reported only


@dataclass
class Sample:
    """One probe request through the public name."""

    t: float
    seq: int
    op: Literal["write", "read"]
    status: int  # 0: no HTTP answer (connection refused, timeout)
    latency_ms: float
    region: str | None  # the x-served-region header: which region answered
    error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Clock:
    """Monotonic seconds since the drill started, and the wall time it started at."""

    started_at: str = field(default_factory=utc_now)
    _zero: float = field(default_factory=time.monotonic)

    def t(self) -> float:
        return round(time.monotonic() - self._zero, 3)


def to_dict(value: Any) -> Any:
    return asdict(value)
