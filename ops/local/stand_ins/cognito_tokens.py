"""Stand-in: the emulated pool's tokens carry the claims Cognito puts there, and refresh as Cognito does.

Token parity. Cognito's tokens for this project's pool (email as username, `email` auto-verified) carry
(docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html and
...-using-the-access-token.html):

| claim | ID token | access token |
|---|---|---|
| `sub`, `iss`, `iat`, `exp`, `jti`, `origin_jti` | yes | yes |
| `token_use` | `"id"` | `"access"` |
| `aud` / `client_id` | `aud` = app client id | `client_id` = app client id |
| `cognito:username` / `username` | `cognito:username` = the sub | `username` = the sub |
| `email`, `email_verified` | the address; true once confirmed | no |
| `cognito:groups` | when in a group | when in a group |
| `scope` | no | `aws.cognito.signin.user.admin` |
| `auth_time`, `event_id` | when the user signed in; the sign-in's id (kept through refreshes) | same |

moto puts the sub in `email` (it copies the internal username), leaves out `email_verified` and
`event_id`, and stamps `auth_time` with the time of each refresh. `apply()` wraps moto's token builder in
the stack's process so the claims come from the user's attributes and the sign-in; the key, `kid` and
lifetimes stay moto's.

Refresh. Amplify v6 refreshes with `GetTokensFromRefreshToken`, which moto does not implement (it answered
an HTML page, so Amplify's refresh failed); `RevokeToken` (Amplify's sign-out) is missing too. The gateway
interceptor `intercept` answers both: a refresh is Cognito's `REFRESH_TOKEN_AUTH` (same rule: the app
client must allow `ALLOW_REFRESH_TOKEN_AUTH`; a revoked or unknown refresh token is `NotAuthorizedException`),
and a revoked refresh token stops working. As in AWS, tokens issued before the revocation stay valid until
they expire for anything that checks only their signature (API Gateway's JWT authorizer does).

Token age (a knob for the "expired token" path of an app): `set_token_age(seconds)` (control endpoint
`POST /identity/token-age {"seconds": N}`) issues every later token as if it had been issued N seconds ago
(`iat`, `auth_time`, `exp` moved back), so a token with N > its lifetime is already expired when the app
gets it. 0 (the default, and after a reset) issues tokens now.
"""

from __future__ import annotations

import functools
import json
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from ops.local.moto_gateway import (
    AwsError,
    StartResponse,
    WsgiApp,
    call_app,
    check_cognito_flow,
    client_and_pool,
    error_answer,
    json_params,
)

MAX_TOKEN_AGE_SECONDS = 7 * 24 * 3600
_TARGET = "AWSCognitoIdentityProviderService."
_APPLIED = False
_lock = threading.Lock()
_token_age = 0
_sign_ins: OrderedDict[str, tuple[int, str]] = OrderedDict()  # origin_jti -> (auth_time, event_id)
_SIGN_INS_KEPT = 100_000  # bounded memory in a long session; older sign-ins then get a fresh event id


def set_token_age(seconds: int) -> int:
    """Issue later tokens as if `seconds` old (0..MAX_TOKEN_AGE_SECONDS); the value now in force.

    Raises ValueError outside the range."""
    global _token_age
    if not isinstance(seconds, int) or not 0 <= seconds <= MAX_TOKEN_AGE_SECONDS:
        raise ValueError(f"token age must be an integer from 0 to {MAX_TOKEN_AGE_SECONDS} seconds")
    with _lock:
        _token_age = seconds
    return seconds


def token_age() -> int:
    with _lock:
        return _token_age


def id_token_claims(attributes: list[dict[str, str]]) -> dict[str, Any]:
    """The attribute claims Cognito derives from a user's attributes for the ID token."""
    values = {a["Name"]: a["Value"] for a in attributes}
    claims: dict[str, Any] = {}
    if "email" in values:
        claims["email"] = values["email"]
        claims["email_verified"] = values.get("email_verified", "false").lower() == "true"
    if "name" in values:
        claims["name"] = values["name"]
    return claims


def _sign_in(origin_jti: str | None, now: int) -> tuple[int, str]:
    """(auth_time, event_id) of the sign-in a token comes from: the first token of an origin_jti sets them."""
    if not origin_jti:
        return now, str(uuid.uuid4())
    with _lock:
        known = _sign_ins.get(origin_jti)
        if known is None:
            known = _sign_ins[origin_jti] = (now, str(uuid.uuid4()))
            while len(_sign_ins) > _SIGN_INS_KEPT:
                _sign_ins.popitem(last=False)
        return known


def apply() -> None:
    """Patch moto's CognitoIdpUserPool.create_jwt once per process (idempotent)."""
    global _APPLIED
    if _APPLIED:
        return
    from moto.cognitoidp.models import CognitoIdpUserPool

    original = CognitoIdpUserPool.create_jwt

    @functools.wraps(original)
    def create_jwt(
        self: Any,
        client_id: str,
        username: str,
        token_use: str,
        expires_in: int = 60 * 60,
        extra_data: dict[str, Any] | None = None,
    ) -> Any:
        extra = dict(extra_data or {})
        now = int(time.time()) - token_age()
        auth_time, event_id = _sign_in(extra.get("origin_jti"), now)
        extra.update({"iat": now, "exp": now + expires_in, "auth_time": auth_time, "event_id": event_id})
        if token_use == "id":  # noqa: S105 (a claim value, not a secret)
            extra.update(id_token_claims(self._get_user(username).attributes))
        return original(self, client_id, username, token_use, expires_in, extra_data=extra)

    CognitoIdpUserPool.create_jwt = create_jwt  # type: ignore[method-assign]
    _APPLIED = True


def reset() -> None:
    """Back to issuing tokens now (the stack's reset)."""
    set_token_age(0)


# ---- GetTokensFromRefreshToken and RevokeToken (the gateway interceptor) -------------------------------
def intercept(
    environ: dict, body: bytes, start_response: StartResponse, app: WsgiApp
) -> Iterable[bytes] | None:
    operation = environ.get("HTTP_X_AMZ_TARGET", "")
    if operation not in (f"{_TARGET}GetTokensFromRefreshToken", f"{_TARGET}RevokeToken"):
        return None
    params = json_params(body)
    if params is None:
        return None
    try:
        if operation.endswith("RevokeToken"):
            return _revoke(params, start_response)
        return _refresh(environ, params, start_response, app)
    except AwsError as exc:
        return error_answer(start_response, exc)


def _refresh(environ: dict, params: dict, start_response: StartResponse, app: WsgiApp) -> Iterable[bytes]:
    client_id, token = params.get("ClientId"), params.get("RefreshToken")
    if not isinstance(client_id, str) or not isinstance(token, str) or not token:
        raise AwsError(400, "InvalidParameterException", "ClientId and RefreshToken are required")
    check_cognito_flow("REFRESH_TOKEN_AUTH", client_id)
    auth = {"REFRESH_TOKEN": token}
    if isinstance(params.get("ClientSecret"), str):
        auth["SECRET_HASH"] = params["ClientSecret"]
    request = json.dumps({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client_id, "AuthParameters": auth})
    environ = dict(environ, HTTP_X_AMZ_TARGET=f"{_TARGET}InitiateAuth")
    status, headers, answer = call_app(app, environ, request.encode())
    start_response(status, headers)
    return [answer]


def _revoke(params: dict, start_response: StartResponse) -> Iterable[bytes]:
    client_id, token = params.get("ClientId"), params.get("Token")
    if not isinstance(client_id, str) or not isinstance(token, str) or not token:
        raise AwsError(400, "InvalidParameterException", "ClientId and Token are required")
    found = client_and_pool(client_id)
    if found is None:
        raise AwsError(400, "ResourceNotFoundException", f"client {client_id} does not exist")
    pool = found[1]
    held = pool.refresh_tokens.get(token)
    if held is not None and held[0] != client_id:
        raise AwsError(400, "UnauthorizedException", "Token was not issued to this client")
    pool.refresh_tokens.pop(token, None)  # an unknown or already revoked token: nothing to do, as Cognito
    start_response("200 OK", [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", "2")])
    return [b"{}"]
