"""Configuration of the TTL archiver (shared function settings; the archive goes to the media bucket)."""

from __future__ import annotations

from backend_core.archival import ARCHIVAL_POLICY
from backend_core.settings import FunctionSettings, PlatformApps, not_from_env

__all__ = ["PlatformApps", "Settings"]


class Settings(FunctionSettings):
    archive_prefix: str = not_from_env(
        ARCHIVAL_POLICY.expired_items_prefix,
        "Where archived items go (the archival contract; IAM allows only it).",
    )
