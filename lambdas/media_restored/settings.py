"""Configuration of the media-restored notifier (the shared function settings; env names in backend_core.settings)."""

from __future__ import annotations

from backend_core.settings import FunctionSettings, PlatformApps

__all__ = ["PlatformApps", "Settings"]


class Settings(FunctionSettings):
    pass
