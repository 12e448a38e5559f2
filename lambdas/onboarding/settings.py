"""Configuration of the onboarding trigger (the shared function settings; env names in backend_core.settings).

The trigger needs no resource of its own beyond the user pool, which Cognito names in every event
(`userPoolId`); the shared fields keep one environment contract for every function.
"""

from __future__ import annotations

from backend_core.settings import FunctionSettings

__all__ = ["Settings"]


class Settings(FunctionSettings):
    pass
