"""The JWT authorizer of API Gateway's HTTP API, as the local fronts apply it.

Checks what API Gateway checks for a Cognito authorizer: RS256 signature against the pool's
JWKS, expiry (and not-before), issuer, audience (`aud` of an id token or `client_id` of an
access token), and `token_use`. The issuer and the JWKS URL are separate settings because
moto signs tokens with the AWS issuer URL but serves the JWKS itself.
"""

from __future__ import annotations

from typing import Any

import jwt

# Where each Cognito token type names the app client it was issued to.
_AUDIENCE_CLAIM = {"id": "aud", "access": "client_id"}


class AuthError(Exception):
    """The token was refused; the message is safe to return to the caller."""


class JwtVerifier:
    def __init__(
        self,
        issuer: str,
        jwks_url: str,
        client_ids: list[str],
        leeway_seconds: int = 0,
        other_issuers: dict[str, str] | None = None,
    ) -> None:
        """`other_issuers`: more trusted issuers -> their JWKS URL (the DR user-pool replica's)."""
        self.issuer = issuer
        self.client_ids = set(client_ids)
        self.leeway = leeway_seconds
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5)
        self._jwks_by_issuer = {issuer: self._jwks} | {
            other: jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5)
            for other, url in (other_issuers or {}).items()
        }

    def verify(self, authorization: str | None) -> dict[str, Any]:
        """Claims of a valid `Bearer <jwt>` header; AuthError with the reason otherwise."""
        if not authorization:
            raise AuthError("missing Authorization header")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("Authorization header must be 'Bearer <token>'")
        token = token.strip()
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
            jwks = self._jwks_by_issuer.get(unverified.get("iss"), self._jwks)  # each issuer's own keys
            key = jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as exc:
            raise AuthError("cannot fetch the signing keys (JWKS)") from exc
        except jwt.PyJWTError as exc:
            raise AuthError(f"malformed token: {exc}") from exc
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=list(self._jwks_by_issuer),
                leeway=self.leeway,
                options={"require": ["exp", "iss", "token_use"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("token expired") from exc
        except jwt.InvalidIssuerError as exc:
            raise AuthError("token issuer is not this user pool") from exc
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}") from exc
        audience_claim = _AUDIENCE_CLAIM.get(claims.get("token_use"))
        if audience_claim is None:
            raise AuthError("token_use must be 'id' or 'access'")
        if not self._audience_matches(claims.get(audience_claim)):
            raise AuthError("token was not issued to this app client")
        return claims

    def _audience_matches(self, audience: Any) -> bool:
        """API Gateway's rule: `aud` (or `client_id`) matches when it, or any entry of it if it is an array,
        is one of the configured audiences (RFC 7519 s.4.1.3 allows both shapes)."""
        values = audience if isinstance(audience, list) else [audience]
        return any(isinstance(v, str) and v in self.client_ids for v in values)


def api_gateway_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as API Gateway passes them to the function: every value a string, lists as
    "[a b]" (e.g. `cognito:groups` becomes "[consumers providers]")."""
    rendered: dict[str, str] = {}
    for name, value in claims.items():
        if isinstance(value, list):
            rendered[name] = "[" + " ".join(str(v) for v in value) + "]"
        elif isinstance(value, bool):
            rendered[name] = str(value).lower()
        else:
            rendered[name] = str(value)
    return rendered
