"""Configuration of the account eraser (the shared function settings; env names in backend_core.settings)."""

from __future__ import annotations

from backend_core.settings import FunctionSettings

__all__ = ["Settings"]


class Settings(FunctionSettings):
    pass
