"""The identity contract: the Cognito groups (roles) and what the mobile app client may do.

One definition, read by the API (who may call which route), the local stack (the emulated pool and app
client) and Terraform's identity module (through `terraform/contracts/identity.json`).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

GROUP_NAME = re.compile(r"[a-z][a-z0-9_-]{0,127}")
CONSUMERS = "consumers"
PROVIDERS = "providers"

AuthFlow = Literal[
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
]


class IdentityContract(BaseModel):
    model_config = ConfigDict(frozen=True)
    groups: dict[str, str] = Field(description="Cognito group name -> description; the group is the role.")
    app_client_auth_flows: tuple[AuthFlow, ...] = Field(
        description="ExplicitAuthFlows of the mobile app client: a public client signs in with SRP "
        "(the password never leaves the device) and refreshes; nothing else."
    )
    password_minimum_length: int = Field(12, ge=12, le=99)

    # The same rules as modules/identity's variable validation (tests/unit/contracts/test_identity_bounds.py).
    @field_validator("groups")
    @classmethod
    def _group_names(cls, groups: dict[str, str]) -> dict[str, str]:
        bad = [name for name in groups if not GROUP_NAME.fullmatch(name)]
        if bad:
            raise ValueError(f"group names are lower-case letters, digits, _ and - (1-128 characters): {bad}")
        return groups

    @field_validator("app_client_auth_flows")
    @classmethod
    def _public_client_flows(cls, flows: tuple[str, ...]) -> tuple[str, ...]:
        sends_password = {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"} & set(flows)
        if sends_password:
            raise ValueError(
                f"a public app client must not allow {sorted(sends_password)}: use ALLOW_USER_SRP_AUTH"
            )
        if "ALLOW_REFRESH_TOKEN_AUTH" not in flows:
            raise ValueError("the app client must allow ALLOW_REFRESH_TOKEN_AUTH")
        return flows


IDENTITY = IdentityContract(
    groups={
        CONSUMERS: "People who follow providers and receive notifications.",
        PROVIDERS: "Service providers who notify their subscribers.",
    },
    app_client_auth_flows=("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"),
)
