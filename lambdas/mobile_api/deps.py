"""Everything a route needs, built once per handler from settings (no process-global configuration)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from backend_core import aws
from backend_core.dal import Store
from mobile_api.settings import Settings


@dataclass
class Deps:
    settings: Settings
    store: Store
    s3: Any
    sns: Any
    sqs: Any

    @classmethod
    def from_settings(cls, settings: Settings) -> Deps:
        return cls(
            settings=settings,
            store=Store(aws.client("dynamodb", settings), settings.table_name),
            s3=aws.client("s3", settings),
            sns=aws.client("sns", settings),
            sqs=aws.client("sqs", settings),
        )


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
