"""Configuration of live_socket: the shared function settings plus where to read the trusted token issuers."""

from __future__ import annotations

from pydantic import Field

from backend_core.settings import FunctionSettings

__all__ = ["ENV_VARS", "Settings", "live_auth_parameter"]


def live_auth_parameter(name_prefix: str) -> str:
    """The SSM parameter holding the trusted issuers document (`name_prefix`: `<project>-<env>`); modules/live
    writes it, the local stack writes it at each site (tests compare the names)."""
    return f"/{name_prefix}/live/trusted-issuers"


class Settings(FunctionSettings):
    live_auth_parameter: str | None = Field(
        None,
        description="SSM parameter (this region) holding the trusted issuers of $connect tokens as JSON "
        '{"issuers": {ISSUER: JWKS_URL}, "client_ids": [...]}: this region\'s pool and the primary\'s. A '
        "parameter, not variables, because the user pool depends on the functions (its trigger): no function's "
        "environment may depend on the pool. None refuses every connection.",
    )


# live_socket's own variables, beyond what every function reads.
ENV_VARS = tuple(name for name in Settings.env_vars() if name not in FunctionSettings.env_vars())
