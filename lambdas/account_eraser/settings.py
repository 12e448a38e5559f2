"""Configuration of the account eraser: the shared function settings plus where to find the pool that owns users.

Only the eraser reads USER_POOL_ID_PARAMETER, so it is not in `backend_core.settings.ENV_VARS` (the environment
every function gets); `ENV_VARS` below is the eraser's own addition, read by field name like every other.
"""

from __future__ import annotations

from pydantic import Field

from backend_core.account_erasure import user_pool_id_parameter
from backend_core.settings import FunctionSettings

__all__ = ["ENV_VARS", "Settings", "user_pool_id_parameter"]


class Settings(FunctionSettings):
    user_pool_id_parameter: str | None = Field(
        None,
        description="SSM parameter (this region) holding the id of the user pool that owns the users "
        "(`<home region>_<id>`; a multi-Region replica shares it): the eraser deletes a Cognito user in that "
        "pool's home region only. A parameter because the pool depends on the functions (its trigger). "
        "None = no Cognito user to delete.",
    )


# The eraser's own variables, beyond what every function reads.
ENV_VARS = tuple(name for name in Settings.env_vars() if name not in FunctionSettings.env_vars())
