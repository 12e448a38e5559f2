"""Configuration of the API function (see backend_core.settings for the shared fields and env names)."""

from __future__ import annotations

from backend_core.settings import FunctionSettings, PlatformApps, not_from_env

__all__ = ["PlatformApps", "Settings"]


class Settings(FunctionSettings):
    max_body_bytes: int = not_from_env(
        400 * 1024, "Larger bodies can never fit an item: refused before parsing (413)."
    )
    upload_url_seconds: int = not_from_env(900, "Lifetime of a presigned upload.")
    download_url_seconds: int = not_from_env(3600, "Lifetime of a signed download URL.")
    restore_wait_seconds: int | None = not_from_env(
        None,
        "How long a restore from an archive tier takes; None: S3's Standard retrieval time for the tier "
        "(backend_core.archival.RESTORE_SECONDS). The local stack sets its stand-in's delay.",
    )
