"""Time as the API stores it: a clock the rules take as an argument, and fixed-width ISO-8601 UTC."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]  # answers an aware datetime (UTC)


def system_clock() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Timestamps as stored (fixed width, UTC, 'Z'): they compare correctly as strings."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def now_iso(clock: Clock = system_clock) -> str:
    return iso(clock())
