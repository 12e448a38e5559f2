"""Stand-in: the ID tokens of the emulated Cognito pool carry the claims Cognito puts there.

moto builds the ID token of a pool whose users sign in with their email as username with
`"email": <the internal username>`, which is the user's sub, not the address; an app that reads the email
from the token (the API does) would see the sub. Cognito's ID token carries the user's `email` attribute and
`email_verified` (docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html).
`apply()` wraps moto's token builder, in the stack's process, so the claims come from the user's attributes;
nothing else about the token changes (same key, same `kid`, same lifetimes).
"""

from __future__ import annotations

import functools
from typing import Any

_APPLIED = False


def id_token_claims(attributes: list[dict[str, str]]) -> dict[str, Any]:
    """The email claims Cognito derives from a user's attributes."""
    values = {a["Name"]: a["Value"] for a in attributes}
    claims: dict[str, Any] = {}
    if "email" in values:
        claims["email"] = values["email"]
        claims["email_verified"] = values.get("email_verified", "false").lower() == "true"
    if "name" in values:
        claims["name"] = values["name"]
    return claims


def apply() -> None:
    """Patch moto's CognitoIdpUserPool.create_jwt once per process (idempotent)."""
    global _APPLIED
    if _APPLIED:
        return
    from moto.cognitoidp.models import CognitoIdpUserPool

    original = CognitoIdpUserPool.create_jwt

    @functools.wraps(original)
    def create_jwt(
        self: Any, client_id: str, username: str, token_use: str, *args: Any, **kwargs: Any
    ) -> Any:
        if token_use == "id":  # noqa: S105 (a claim value, not a secret)
            user = self._get_user(username)
            extra = dict(kwargs.pop("extra_data", None) or (args[1] if len(args) > 1 else None) or {})
            extra.update(id_token_claims(user.attributes))
            args = args[:1]  # expires_in stays positional; extra_data goes by name
            kwargs["extra_data"] = extra
        return original(self, client_id, username, token_use, *args, **kwargs)

    CognitoIdpUserPool.create_jwt = create_jwt  # type: ignore[method-assign]
    _APPLIED = True
