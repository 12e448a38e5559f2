"""Configuration of the account eraser: the shared function settings plus the user pool that owns the users.

Only the eraser reads USER_POOL_ID, so it is not in `backend_core.settings.ENV_VARS` (the environment every
function gets); `ENV_VARS` below is the eraser's own addition, read by field name like every other.
"""

from __future__ import annotations

from pydantic import Field

from backend_core.settings import FunctionSettings


class Settings(FunctionSettings):
    user_pool_id: str | None = Field(
        None,
        description="The user pool that owns the users (`<home region>_<id>`; a multi-Region replica shares "
        "it): its Cognito user is deleted in its home region only. None = no Cognito user to delete.",
    )


# The eraser's own variables, beyond what every function reads.
ENV_VARS = tuple(name for name in Settings.env_vars() if name not in FunctionSettings.env_vars())
