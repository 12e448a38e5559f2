"""Configuration of the TTL archiver (shared function settings; the archive goes to the media bucket)."""

from __future__ import annotations

from backend_core.archival import ARCHIVAL_POLICY
from backend_core.settings import FunctionSettings, PlatformApps

__all__ = ["PlatformApps", "Settings"]


class Settings(FunctionSettings):
    archive_prefix: str = ARCHIVAL_POLICY.expired_items_prefix
