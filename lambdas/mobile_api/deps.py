"""Everything a route needs, built once per handler from settings (no process-global configuration)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend_core import aws
from backend_core.dal import Store
from backend_core.sync_store import SyncStore
from mobile_api.cdn_signing import CdnUrlSigner
from mobile_api.settings import Settings


@dataclass
class Deps:
    settings: Settings
    store: Store
    sync: SyncStore
    s3: Any
    sns: Any
    sqs: Any
    cdn_signer: CdnUrlSigner | None = None  # None: no CDN (local stack) or signing not configured
    # (user, token iat) pairs whose claims the profile already has: one write per token per handler.
    claims_synced: dict[tuple[str, int], None] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> Deps:
        dynamodb = aws.client("dynamodb", settings)
        return cls(
            settings=settings,
            store=Store(dynamodb, settings.table_name),
            sync=SyncStore(dynamodb, settings.table_name, settings.region, settings.write_regions),
            s3=aws.client("s3", settings),
            sns=aws.client("sns", settings),
            sqs=aws.client("sqs", settings),
            cdn_signer=cdn_signer(settings),
        )


def cdn_signer(settings: Settings) -> CdnUrlSigner | None:
    if not (settings.cdn_domain and settings.cdn_key_pair_id and settings.cdn_signing_key_secret_arn):
        return None
    return CdnUrlSigner(
        settings.cdn_domain,
        settings.cdn_key_pair_id,
        settings.cdn_signing_key_secret_arn,
        lambda: aws.client("secretsmanager", settings),
    )


def iso(moment: datetime) -> str:
    """Timestamps as stored (fixed width, UTC, 'Z'): they compare correctly as strings."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(datetime.now(UTC))
