"""Configuration of the API function (see backend_core.settings for the shared fields and env names)."""

from __future__ import annotations

from pydantic import Field

from backend_core.settings import FunctionSettings, PlatformApps

__all__ = ["PlatformApps", "Settings"]


class Settings(FunctionSettings):
    max_body_bytes: int = 400 * 1024  # larger bodies can never fit an item: refuse before parsing (413)
    upload_url_seconds: int = 900
    download_url_seconds: int = 3600
    sync_settle_seconds: float | None = Field(
        None,
        ge=0,
        le=30,
        description="Changes younger than this are held back from GET /sync: the feed reads a GSI, which "
        "DynamoDB updates asynchronously, and a cursor must never move past a change not yet visible there. "
        "None: 1 s in AWS, 0 against the emulator (its indexes are updated synchronously).",
    )

    @property
    def effective_sync_settle_seconds(self) -> float:
        if self.sync_settle_seconds is not None:
            return self.sync_settle_seconds
        return 0.0 if self.endpoint_url else 1.0
