"""Cognito JWT verification for `$connect`, as API Gateway's JWT authorizer checks a token (WebSocket APIs have no
JWT authorizer, so the function does it): RS256 signature against the issuer's JWKS, `exp` (and `nbf`), the
issuer (one of the trusted pools), the app client (`aud` of an ID token, `client_id` of an access token; a
string or an array holding it) and `token_use`.

Pure Python (`rsa`, PKCS#1 v1.5 with SHA-256 = RS256), so the function zip needs no compiled crypto library.
The trusted issuers come from one SSM parameter (`TrustedIssuers.from_json`): `{"issuers": {ISSUER: JWKS_URL},
"client_ids": [ID, ...]}`, written by Terraform (modules/live) and by the local stack.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import rsa

_AUDIENCE_CLAIM = {"id": "aud", "access": "client_id"}
JWKS_SECONDS = 3600  # how long fetched keys are kept (Cognito rotates rarely; an unknown kid refetches)


class TokenRefused(Exception):
    """The token is not acceptable; the message says why (safe to log, never contains the token)."""


class KeysUnavailable(Exception):
    """The issuer's JWKS cannot be fetched: a server-side failure (the caller answers 5xx, not 401)."""


@dataclass(frozen=True)
class TrustedIssuers:
    issuers: dict[str, str]  # issuer URL -> its JWKS URL
    client_ids: tuple[str, ...]

    @classmethod
    def from_json(cls, text: str) -> TrustedIssuers:
        """ValueError when the document is not {"issuers": {str: str}, "client_ids": [str, ...]}."""
        try:
            doc = json.loads(text)
            issuers = {str(k): str(v) for k, v in dict(doc["issuers"]).items()}
            clients = tuple(str(c) for c in doc["client_ids"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"not a trusted-issuers document: {exc}") from exc
        if not issuers or not clients:
            raise ValueError("a trusted-issuers document needs at least one issuer and one client id")
        return cls(issuers, clients)


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _int(part: str) -> int:
    return int.from_bytes(_b64(part), "big")


def fetch_json(url: str, timeout: float = 3.0) -> dict[str, Any]:
    """GET a JSON document (the JWKS: https in AWS, the emulator's http URL locally)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"not an http(s) URL: {url!r}")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
        return json.loads(response.read())


@dataclass
class TokenVerifier:
    trusted: TrustedIssuers
    fetch: Callable[[str], dict[str, Any]] = fetch_json
    clock: Callable[[], float] = time.time
    _keys: dict[str, tuple[float, dict[str, rsa.PublicKey]]] = field(default_factory=dict)

    def verify(self, token: str | None) -> dict[str, Any]:
        """The claims of a valid token; TokenRefused with the reason otherwise."""
        if not token or not isinstance(token, str):
            raise TokenRefused("missing token")
        parts = token.strip().split(".")
        if len(parts) != 3:
            raise TokenRefused("malformed token")
        try:
            header = json.loads(_b64(parts[0]))
            claims = json.loads(_b64(parts[1]))
            signature = _b64(parts[2])
        except (ValueError, binascii.Error) as exc:
            raise TokenRefused("malformed token") from exc
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise TokenRefused("malformed token")
        if header.get("alg") != "RS256":
            raise TokenRefused("token must be signed with RS256")
        issuer = claims.get("iss")
        if issuer not in self.trusted.issuers:
            raise TokenRefused("token issuer is not a trusted user pool")
        key = self._key(str(issuer), str(header.get("kid", "")))
        try:
            rsa.verify(f"{parts[0]}.{parts[1]}".encode(), signature, key)
        except rsa.VerificationError as exc:
            raise TokenRefused("bad signature") from exc
        now = self.clock()
        exp, nbf = claims.get("exp"), claims.get("nbf")
        if not isinstance(exp, int | float) or exp <= now:
            raise TokenRefused("token expired")
        if isinstance(nbf, int | float) and nbf > now:
            raise TokenRefused("token not valid yet")
        audience_claim = _AUDIENCE_CLAIM.get(claims.get("token_use"))  # type: ignore[arg-type]
        if audience_claim is None:
            raise TokenRefused("token_use must be 'id' or 'access'")
        audience = claims.get(audience_claim)
        values = audience if isinstance(audience, list) else [audience]
        if not any(isinstance(v, str) and v in self.trusted.client_ids for v in values):
            raise TokenRefused("token was not issued to this app client")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise TokenRefused("token has no subject")
        return claims

    def _key(self, issuer: str, kid: str) -> rsa.PublicKey:
        fetched_at, keys = self._keys.get(issuer, (0.0, {}))
        if kid not in keys or self.clock() - fetched_at > JWKS_SECONDS:
            try:
                jwks = self.fetch(self.trusted.issuers[issuer])
                keys = {
                    str(k["kid"]): rsa.PublicKey(_int(k["n"]), _int(k["e"]))
                    for k in jwks.get("keys", [])
                    if k.get("kty") == "RSA" and "kid" in k
                }
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise KeysUnavailable(f"cannot fetch the signing keys of {issuer}: {exc}") from exc
            self._keys[issuer] = (self.clock(), keys)
        if kid not in keys:
            raise TokenRefused("token signed with an unknown key")
        return keys[kid]
