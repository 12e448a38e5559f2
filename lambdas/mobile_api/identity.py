"""Who is calling: read from the JWT claims API Gateway (or the local front) already verified."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from backend_core import item_keys
from backend_core.identity import CONSUMERS, PROVIDERS
from mobile_api.errors import ApiError

__all__ = [
    "CONSUMERS",
    "PROVIDERS",
    "Caller",
    "caller_of",
    "for_group",
    "group_of_route",
    "require_caller",
]

RouteHandler = TypeVar("RouteHandler", bound=Callable[..., Any])


@dataclass(frozen=True)
class Caller:
    """Who is calling: the claims of the verified token the request carries."""

    user_id: str
    email: str | None
    name: str | None
    groups: tuple[str, ...]
    token_use: str | None = None  # "id" or "access"
    issued_at: int = 0  # the token's iat (epoch seconds)

    @property
    def has_id_token(self) -> bool:
        return self.token_use == "id"  # noqa: S105 (a claim value, not a secret)

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


SAFE_SUB = re.compile(item_keys.SAFE_ID)


def caller_of(event: dict[str, Any]) -> Caller | None:
    claims = claims_of(event)
    sub = claims.get("sub")
    # Cognito subs are UUIDs; anything a key cannot hold is no caller (401), never a 500 further on.
    if not sub or not isinstance(sub, str) or not SAFE_SUB.match(sub):
        return None
    try:
        issued_at = int(str(claims.get("iat") or 0))
    except ValueError:
        issued_at = 0
    return Caller(
        user_id=sub,
        email=claims.get("email"),
        name=claims.get("name"),
        groups=parse_groups(claims.get("cognito:groups")),
        token_use=claims.get("token_use"),
        issued_at=issued_at,
    )


def require_caller(event: dict[str, Any]) -> Caller:
    """The signed-in caller; 401 without a verified token, or with an access token: the API reads the ID
    token's claims (email, name, groups), which an access token does not carry."""
    caller = caller_of(event)
    if caller is None:
        raise ApiError(401, "sign in first: no verified token on the request")
    if not caller.has_id_token:
        raise ApiError(401, "send the ID token (token_use 'id'), not the access token", "id_token_required")
    return caller


def for_group(group: str) -> Callable[[RouteHandler], RouteHandler]:
    """Marks a route handler as one group's. The resolver's middleware refuses anyone else (401, 403), and
    so does the validation-error handler, which runs before any middleware: a caller outside the group gets
    403 whatever the body, never a 422 that describes a route they may not use."""

    def mark(handler: RouteHandler) -> RouteHandler:
        handler.caller_group = group  # type: ignore[attr-defined]
        return handler

    return mark


def group_of_route(handler: Callable[..., Any] | None) -> str | None:
    """The group a route handler is marked for by `for_group`; None for a route open to any caller."""
    return getattr(handler, "caller_group", None)
