"""Cognito JWT verification for `$connect`, as API Gateway's JWT authorizer checks a token (WebSocket APIs have no
JWT authorizer, so the function does it): RS256 signature against the issuer's JWKS, `exp` (and `nbf`), the
issuer (one of the trusted pools), the app client (`aud` of an ID token, `client_id` of an access token; a
string or an array holding it) and `token_use`.

Pure Python (`rsa`, PKCS#1 v1.5 with SHA-256 = RS256), so the function zip needs no compiled crypto library.
The trusted issuers come from one SSM parameter (`TrustedIssuers.from_json`): `{"issuers": {ISSUER: JWKS_URL},
"client_ids": [ID, ...]}`, written by Terraform (modules/live) and by the local stack.

Keys: fetched from the issuer's JWKS URL and kept in memory for `JWKS_SECONDS`; each fetch that brings different
keys is also written to the table (`live_socket/signing_keys.py`, replicated). When the JWKS URL cannot be
fetched (the primary region dark, its issuer's JWKS with it), the keys either region last fetched are read from
the table and used for `KEPT_KEYS_SECONDS` before the URL is tried again; with none there, `KeysUnavailable`.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import rsa
from botocore.exceptions import BotoCoreError, ClientError

_AUDIENCE_CLAIM = {"id": "aud", "access": "client_id"}
JWKS_SECONDS = 3600  # how long fetched keys are kept (Cognito rotates rarely; an unknown kid refetches)
KEPT_KEYS_SECONDS = 60  # how long keys read from the table stand in before the JWKS URL is tried again
_STORE_ERRORS = (BotoCoreError, ClientError, ValueError, KeyError, TypeError)


class KeyStore(Protocol):
    """Where fetched keys are kept for the other region (live_socket/signing_keys.py SigningKeyStore)."""

    def save(self, issuer: str, jwks: dict[str, Any], fetched_at: float) -> None: ...

    def load(self, issuer: str) -> tuple[dict[str, Any], float] | None: ...


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
    store: KeyStore | None = None  # None: fetched keys live in memory only
    log: Callable[[str, dict[str, Any]], None] = lambda message, extra: None  # warnings (never a token)
    _keys: dict[str, tuple[float, dict[str, rsa.PublicKey]]] = field(default_factory=dict)
    _saved: dict[str, dict[str, Any]] = field(default_factory=dict)  # the JWKS last written, per issuer

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
        """The public key `kid` of `issuer`. Raises TokenRefused for a kid the issuer does not publish,
        KeysUnavailable when the keys can be neither fetched nor read from the store."""
        fetched_at, keys = self._keys.get(issuer, (0.0, {}))
        if kid not in keys or self.clock() - fetched_at > JWKS_SECONDS:
            keys = self._refresh(issuer)
        if kid not in keys:
            raise TokenRefused("token signed with an unknown key")
        return keys[kid]

    def _refresh(self, issuer: str) -> dict[str, rsa.PublicKey]:
        try:
            jwks = self.fetch(self.trusted.issuers[issuer])
            keys = _public_keys(jwks)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            keys = self._kept(issuer, f"cannot fetch the signing keys of {issuer}: {exc}")
            # Kept keys stand in for KEPT_KEYS_SECONDS only: the URL is tried again soon after.
            self._keys[issuer] = (self.clock() - JWKS_SECONDS + KEPT_KEYS_SECONDS, keys)
            return keys
        self._keys[issuer] = (self.clock(), keys)
        if self.store is not None and self._saved.get(issuer) != jwks:
            try:
                self.store.save(issuer, jwks, self.clock())
                self._saved[issuer] = jwks
            except _STORE_ERRORS as exc:  # the keys verify this token; only the other region's fallback waits
                self.log("cannot keep the signing keys in the table", {"issuer": issuer, "error": str(exc)})
        return keys

    def _kept(self, issuer: str, why: str) -> dict[str, rsa.PublicKey]:
        """The keys either region last fetched, from the store; KeysUnavailable (with `why`) when there are none."""
        if self.store is None:
            raise KeysUnavailable(why)
        try:
            kept = self.store.load(issuer)
            keys = _public_keys(kept[0]) if kept else {}
        except _STORE_ERRORS as exc:
            raise KeysUnavailable(f"{why}; and cannot read the kept keys: {exc}") from exc
        if not kept or not keys:
            raise KeysUnavailable(f"{why}; and no keys are kept for it")
        self.log(
            "the issuer's JWKS is unreachable: using the keys kept in the table",
            {"issuer": issuer, "fetched_at": int(kept[1]), "error": why},
        )
        return keys


def _public_keys(jwks: dict[str, Any]) -> dict[str, rsa.PublicKey]:
    """The RSA keys of a JWKS document by kid. Raises KeyError/TypeError/ValueError when it is malformed."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys", []), list):
        raise ValueError("not a JWKS document")
    return {
        str(k["kid"]): rsa.PublicKey(_int(k["n"]), _int(k["e"]))
        for k in jwks.get("keys", [])
        if k.get("kty") == "RSA" and "kid" in k
    }
