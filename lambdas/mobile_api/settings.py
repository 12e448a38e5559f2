"""Configuration of the API function (see backend_core.settings for the shared fields and env names)."""

from __future__ import annotations

from backend_core.settings import FunctionSettings, PlatformApps

__all__ = ["PlatformApps", "Settings"]


class Settings(FunctionSettings):
    max_body_bytes: int = 400 * 1024  # larger bodies can never fit an item: refuse before parsing (413)
    upload_url_seconds: int = 900
    download_url_seconds: int = 3600
    # How long a restore from an archive tier takes; None: S3's Standard retrieval time for the tier
    # (backend_core.archival.RESTORE_SECONDS). The local stack sets its stand-in's delay.
    restore_wait_seconds: int | None = None
