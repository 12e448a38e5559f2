"""The usage profile: what one monthly active user (MAU) does, the input the cost model scales by audience.

A profile is a TOML or JSON file (`profiles/default.toml` is the default and documents every field);
`ops cost estimate --usage FILE` reads one, `--from-analytics DAYS` measures the traffic fields from the
usage events (ops/cost/measure.py) and keeps the rest from the file. Every field has a unit in its name or
description; a profile that names a route the API does not serve, or misses a field, is refused with one
line (ProfileError).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ops.errors import OpsError

PROFILES_DIR = Path(__file__).with_name("profiles")
DEFAULT_PROFILE = PROFILES_DIR / "default.toml"
HEALTH_ROUTE = "GET /health"
# CloudFront's edge geographies as the price table names them (ops/pricing/aws_prices.json).
VIEWER_GEOGRAPHIES = (
    "north_america",
    "europe",
    "south_africa_middle_east",
    "south_america",
    "japan",
    "australia_new_zealand",
    "asia_pacific",
    "india",
)


class ProfileError(OpsError):
    """A usage profile that cannot be read or does not make sense."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # a bill has finite inputs


class Audience(_Section):
    active_days_per_month: float = Field(
        gt=0, le=31, description="Days a monthly active user is active in a month (30.4 x DAU/MAU)."
    )
    token_refreshes_per_active_day: float = Field(
        ge=0, description="Sign-ins and token refreshes per active day (Cognito, CloudTrail, profile claims)."
    )


class Sync(_Section):
    item_kb: float = Field(gt=0, le=400, description="Mean size of a synced item, KB.")
    changes_per_pull: float = Field(ge=0, description="Items a GET /sync returns, on average.")
    items_per_user: float = Field(ge=0, description="Synced items a user keeps.")
    profile_kb: float = Field(gt=0, le=400, description="Size of a profile item, KB.")


class Media(_Section):
    upload_mb: float = Field(ge=0, description="Mean size of an uploaded object, MB (2^20 bytes).")
    downloads_per_url: float = Field(ge=0, description="Downloads through the CDN per GET /media/{id}.")
    cdn_cache_hit_ratio: float = Field(
        ge=0, le=1, description="Share of CDN downloads served from the cache."
    )
    still_read_share: float = Field(
        ge=0, le=1, description="Share of objects older than 30 days still read (stay in the frequent tier)."
    )


class Notifications(_Section):
    recipients_per_notification: float = Field(ge=0, description="Recipients of one POST /notifications.")
    devices_per_user: float = Field(ge=0, description="Registered push devices per recipient.")
    notification_kb: float = Field(gt=0, le=4, description="Inbox entry size (title, body, data), KB.")
    inbox_page_items: float = Field(ge=1, le=100, description="Entries a GET /notifications returns.")
    idempotency_key_share: float = Field(ge=0, le=1, description="Share of POST /notifications with a key.")


class Lambda(_Section):
    invoke_overhead_ms: float = Field(
        ge=0, description="Billed time per invocation outside the measured handler time, ms."
    )
    cold_start_share: float = Field(
        ge=0, le=1, description="Share of API and worker invocations that start cold."
    )
    init_ms: float = Field(ge=0, description="Billed init duration of a cold start, ms.")
    log_bytes_per_invocation: float = Field(ge=0, description="CloudWatch log bytes per invocation.")
    worker_ms_per_message: float = Field(ge=0, description="notify_worker time per message, ms.")
    drill_seconds: float = Field(ge=0, description="Duration of one scheduled drill run, s.")


class Api(_Section):
    response_kb: float = Field(ge=0, description="Mean response size, KB (data transfer out).")
    access_log_bytes: float = Field(ge=0, description="API access log bytes per request.")


class Live(_Section):
    """The live channel (WebSocket API): how long apps stay connected and what they send. Defaults apply to a
    profile written before the live channel (and to measured profiles, which do not measure it yet)."""

    connection_minutes_per_active_day: float = Field(
        20.0, ge=0, le=1440, description="Minutes an active user's app holds its live connection, per day."
    )
    connects_per_active_day: float = Field(
        4.0, ge=0, description="Live connections opened per active day (app opens, reconnects)."
    )
    frames_per_connect: float = Field(
        1.0, ge=0, description="Frames an app sends per connection (a subscribe; pings are not needed)."
    )
    socket_ms: float = Field(
        25.0, ge=0, description="live_socket time per invocation, ms (token check, one write)."
    )
    delivery_ms_per_record: float = Field(
        15.0, ge=0, description="live_delivery time per stream record, ms (one Query, a post per connection)."
    )


class Logs(_Section):
    compression_ratio: float = Field(
        gt=0, le=1, description="Stored (compressed) log bytes per ingested byte in CloudWatch Logs."
    )
    cdn_log_bytes_per_request: float = Field(ge=0, description="CloudFront standard log bytes per request.")
    s3_access_log_bytes_per_request: float = Field(
        ge=0, description="S3 server access log bytes per request."
    )
    cloudtrail_base_events_per_month: float = Field(
        ge=0, description="Management events not driven by users (deploys, CI, consoles), per month."
    )
    cloudtrail_event_bytes: float = Field(ge=0, description="Bytes of one CloudTrail event.")


class Traffic(_Section):
    peak_to_mean: float = Field(ge=1, description="Busiest hour's request rate over the mean hour's.")
    burst_factor: float = Field(ge=1, description="Busiest second's rate over its hour's mean.")


class History(_Section):
    months: float = Field(ge=0, description="Months of data kept so far (storage grows with it).")


class Analytics(_Section):
    queries_per_month: float = Field(
        ge=0, description="Athena queries analysts and notebooks run, per month."
    )
    days_per_query: float = Field(ge=1, description="Days of events one query reads.")
    column_share: float = Field(gt=0, le=1, description="Share of a day's Parquet bytes a query reads.")
    parquet_bytes_per_event: float = Field(gt=0, description="Parquet bytes per usage event (Snappy).")


class Kms(_Section):
    rotations_so_far: int = Field(
        ge=0, description="Automatic yearly rotations each key has had (0 to 2 priced)."
    )


class UsageProfile(BaseModel):
    """Everything the cost model needs to know about usage, per monthly active user."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # a bill has finite inputs

    name: str
    description: str = ""
    measured: dict[str, str] = Field(
        default_factory=dict, description="Fields measured from analytics: field -> how (query, range)."
    )
    audience: Audience
    requests_per_active_day: dict[str, float] = Field(
        description="Signed-in requests per active user per day, by route template ('METHOD /path')."
    )
    handler_ms: dict[str, float] = Field(description="Mean handler time per request by route, ms.")
    sync: Sync
    media: Media
    notifications: Notifications
    lambda_: Lambda = Field(alias="lambda")
    api: Api
    live: Live = Live()
    logs: Logs
    traffic: Traffic
    history: History
    analytics: Analytics
    kms: Kms
    viewers: dict[str, float] = Field(description="Share of CDN traffic by edge geography (sums to 1).")

    @field_validator("requests_per_active_day", "handler_ms")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in value.items() if v < 0}
        if bad:
            raise ValueError(f"negative values: {bad}")
        return value

    @field_validator("viewers")
    @classmethod
    def _geographies(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(VIEWER_GEOGRAPHIES))
        if unknown:
            raise ValueError(f"unknown geographies {unknown} (known: {', '.join(VIEWER_GEOGRAPHIES)})")
        if any(v < 0 for v in value.values()) or abs(sum(value.values()) - 1) > 1e-6:
            raise ValueError(f"shares must be non-negative and sum to 1, not {sum(value.values()):.4f}")
        return value

    @model_validator(mode="after")
    def _every_route_has_a_time(self) -> UsageProfile:
        missing = sorted(r for r, n in self.requests_per_active_day.items() if n and r not in self.handler_ms)
        if missing:
            raise ValueError(f"handler_ms has no time for {missing}")
        return self

    def requests_per_mau(self) -> dict[str, float]:
        """Signed-in requests per monthly active user per month, by route."""
        days = self.audience.active_days_per_month
        return {route: n * days for route, n in self.requests_per_active_day.items()}

    def document(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


def check_routes(profile: UsageProfile, served: set[str]) -> None:
    """ProfileError when the profile names routes the API does not serve (a typo prices nothing)."""
    unknown = sorted((set(profile.requests_per_active_day) | set(profile.handler_ms)) - served)
    if unknown:
        raise ProfileError(
            f"profile {profile.name!r} names routes the API does not serve: {', '.join(unknown)} "
            f"(served: {', '.join(sorted(served))})"
        )


def parse(document: dict[str, Any], where: str) -> UsageProfile:
    try:
        return UsageProfile.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ProfileError(f"usage profile {where}: {field}: {first['msg']}{more}") from None


def load(path: Path | str | None = None) -> UsageProfile:
    """A profile from a .toml or .json file; the default profile when `path` is None."""
    path = Path(path) if path is not None else DEFAULT_PROFILE
    try:
        text = path.read_text()
    except OSError as exc:
        raise ProfileError(f"cannot read usage profile {path}: {exc.strerror or exc}") from None
    try:
        document = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        kind = "JSON" if path.suffix == ".json" else "TOML"
        raise ProfileError(f"usage profile {path} is not valid {kind}: {exc}") from None
    return parse(document, str(path))


def save(profile: UsageProfile, path: Path) -> Path:
    """Write a profile as JSON (what `ops cost profile --out` writes; `--usage` reads it back)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(profile.document(), indent=2) + "\n")
    return path
