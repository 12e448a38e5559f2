"""The usage event: one record per API request, the analytics contract.

Emitted by the API function as one log line per request (delivered to Firehose by a CloudWatch Logs
subscription filter, off the request path), stored as Parquet partitioned by `day`, described to
Glue/Athena by `glue_columns()` (Terraform reads `terraform/contracts/usage_event_columns.json`,
exported from here), generated synthetically for tests and demos, and read by the notebooks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["consumer", "provider", "anonymous"]
Platform = Literal["ios", "android", "web", "unknown"]

# Glue type of each field, in column order. `day` is the partition key, not a column.
_GLUE_TYPES: dict[str, str] = {
    "event_id": "string",
    "ts": "timestamp",
    "env": "string",
    "region": "string",
    "route": "string",
    "method": "string",
    "status": "int",
    "latency_ms": "double",
    "user_id": "string",
    "role": "string",
    "platform": "string",
    "app_version": "string",
}
PARTITION_KEY = "day"
TABLE_NAME = "usage_events"
# Where Firehose delivers (Terraform: modules/analytics; locally: ops/local/provision.py). `!{timestamp:...}` is
# the arrival time of the oldest record in the object, UTC (Firehose developer guide, "Custom prefixes").
S3_PREFIX = f"{TABLE_NAME}/{PARTITION_KEY}=!{{timestamp:yyyy-MM-dd}}/"
S3_ERROR_PREFIX = f"errors/!{{firehose:error-output-type}}/{PARTITION_KEY}=!{{timestamp:yyyy-MM-dd}}/"
# Joda patterns the Hive JSON deserialiser tries for `ts` (first match wins), as the blueprint configures them.
TIMESTAMP_FORMATS = ("yyyy-MM-dd'T'HH:mm:ss.SSSSSSZZ", "yyyy-MM-dd'T'HH:mm:ssZZ", "millis")
# The function writes each event as one line to stdout (lambdas/mobile_api/usage.py: the record of
# `UsageEvent.to_record()`, built without validating; tests/unit/lambdas/test_usage_lines.py validates it).
# Which lines of the function's log group are usage events (CloudWatch Logs filter pattern syntax, JSON form):
# only the record has a numeric latency_ms and a route; Powertools' and Lambda's own lines have neither.
LOG_FILTER_PATTERN = '{ ($.latency_ms >= 0) && ($.route = "*") && ($.event_id = "*") }'


class UsageEvent(BaseModel):
    """One API request as the analysts see it. Fields may be added, never renamed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str = Field(description="Unique id of the event (the request id).")
    ts: datetime = Field(description="When the request finished, UTC.")
    env: str = Field(description="Environment name: local, dev, staging, prod.")
    region: str = Field(description="AWS region that served the request.")
    route: str = Field(description="Route template, e.g. 'PUT /sync/{collection}/{id}' (never the raw path).")
    method: str = Field(description="HTTP method.")
    status: int = Field(ge=100, le=599, description="HTTP status answered.")
    latency_ms: float = Field(ge=0, description="Time spent in the handler, milliseconds.")
    user_id: str | None = Field(None, description="Cognito sub of the caller, null when anonymous.")
    role: Role = Field("anonymous", description="consumer, provider or anonymous.")
    platform: Platform = Field("unknown", description="Client platform from the X-Client-Platform header.")
    app_version: str | None = Field(None, description="Client version from the X-App-Version header.")

    @property
    def day(self) -> str:
        """Partition value (YYYY-MM-DD, UTC)."""
        return self.ts.astimezone(UTC).strftime("%Y-%m-%d")

    def to_record(self) -> dict:
        """JSON-ready record as Firehose receives it (ts as ISO-8601, day included for routing)."""
        # Every field but ts is a str, int, float or None already: read them directly (model_dump(mode="json")
        # costs more than the rest of a GET /health; tests/unit/contracts compares the two).
        record = {name: getattr(self, name) for name in _FIELD_NAMES}
        record["ts"] = self.ts.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        record[PARTITION_KEY] = self.day
        return record


_FIELD_NAMES = tuple(UsageEvent.model_fields)


def glue_columns() -> list[dict[str, str]]:
    """Glue/Athena columns in order (partition key excluded), with each field's description."""
    fields = UsageEvent.model_fields
    if set(fields) != set(_GLUE_TYPES):  # a field without a Glue type is a bug, caught on import in tests
        raise RuntimeError(f"usage event fields and Glue types disagree: {set(fields) ^ set(_GLUE_TYPES)}")
    return [
        {"name": name, "type": glue_type, "comment": fields[name].description or ""}
        for name, glue_type in _GLUE_TYPES.items()
    ]


def now_utc() -> datetime:
    return datetime.now(UTC)
