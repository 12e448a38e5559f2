"""Configuration of live_delivery: the shared function settings plus this region's @connections endpoint."""

from __future__ import annotations

from pydantic import Field

from backend_core.settings import FunctionSettings

__all__ = ["ENV_VARS", "Settings"]


class Settings(FunctionSettings):
    live_connections_url: str = Field(
        "",
        description="This region's WebSocket API management endpoint (`https://<api id>.execute-api.<region>."
        "amazonaws.com/<stage>`; the local front's locally), where PostToConnection goes. Empty: nothing is "
        "posted (events are still mapped, and pushed when due).",
    )


# live_delivery's own variables, beyond what every function reads.
ENV_VARS = tuple(name for name in Settings.env_vars() if name not in FunctionSettings.env_vars())
