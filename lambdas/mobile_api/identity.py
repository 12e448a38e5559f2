"""Who is calling: read from the JWT claims API Gateway (or the local front) already verified."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from mobile_api.errors import ApiError

CONSUMERS, PROVIDERS = "consumers", "providers"


@dataclass(frozen=True)
class Caller:
    user_id: str
    email: str | None
    name: str | None
    groups: tuple[str, ...]

    @property
    def is_provider(self) -> bool:
        return PROVIDERS in self.groups

    @property
    def is_consumer(self) -> bool:
        return CONSUMERS in self.groups

    @property
    def role(self) -> Literal["consumer", "provider"]:
        return "provider" if self.is_provider else "consumer"


def parse_groups(raw: Any) -> tuple[str, ...]:
    """`cognito:groups` arrives as a list, "[a b]" (API Gateway's rendering of an array), or "a"."""
    if raw is None:
        return ()
    if isinstance(raw, list | tuple):
        return tuple(str(g) for g in raw if g)
    return tuple(g for g in re.split(r"[\s,\"'\[\]]+", str(raw)) if g)


def claims_of(event: dict[str, Any]) -> dict[str, Any]:
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    return (authorizer.get("jwt") or {}).get("claims") or {}


def caller_of(event: dict[str, Any]) -> Caller | None:
    claims = claims_of(event)
    sub = claims.get("sub")
    if not sub or not isinstance(sub, str):
        return None
    return Caller(
        user_id=sub,
        email=claims.get("email"),
        name=claims.get("name"),
        groups=parse_groups(claims.get("cognito:groups")),
    )


def require_caller(event: dict[str, Any]) -> Caller:
    caller = caller_of(event)
    if caller is None:
        raise ApiError(401, "sign in first: no verified token on the request")
    return caller


def require_group(caller: Caller, group: str) -> None:
    if group not in caller.groups:
        raise ApiError(403, f"this route is for {group}")
