"""The identity contract: the Cognito groups (roles) and what the mobile app client may do.

One definition, read by the API (who may call which route), the local stack (the emulated pool and app
client) and Terraform's identity module (through `terraform/contracts/identity.json`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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
    password_minimum_length: int = Field(12, ge=8, le=99)


IDENTITY = IdentityContract(
    groups={
        CONSUMERS: "People who follow providers and receive notifications.",
        PROVIDERS: "Service providers who notify their subscribers.",
    },
    app_client_auth_flows=("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"),
)
