"""Stand-in: SRP sign-in checks the password, as Cognito's USER_SRP_AUTH does.

moto answers `InitiateAuth(USER_SRP_AUTH)` with a random `SRP_B` and `SALT` and then accepts *any*
`PASSWORD_CLAIM_SIGNATURE` in `RespondToAuthChallenge(PASSWORD_VERIFIER)`: a wrong password signs in, so an
app's "wrong password" path can never be seen locally. This stand-in plays Cognito's side of SRP-6a
(the 3072-bit group of RFC 5054, g = 2, SHA-256, the "Caldera Derived Key" HKDF; the client side that
Amplify, amazon-cognito-identity-js and pycognito implement) as gateway interceptors:

- InitiateAuth USER_SRP_AUTH: moto answers first (unconfirmed or disabled user: its errors stand; an
  unknown user, where the app client prevents user-existence errors as this project's does, gets a
  challenge no password meets, so the answer is the wrong-password one, as Cognito's); the stand-in then replaces `SALT`, `SRP_B` and `SECRET_BLOCK` with real values derived from the
  user's password (moto keeps passwords in plain text in its process; Cognito keeps only the verifier).
- RespondToAuthChallenge PASSWORD_VERIFIER: the signature is checked against the session's key; a wrong
  one is `NotAuthorizedException: Incorrect username or password.` (400), as Cognito answers it, and uses
  the session up. A right one goes on to moto with moto's own session, which issues the tokens.

Sources: the SRP math of pycognito's `aws_srp.py` (helpers reused here, so both sides hash alike) and
Amplify's `@aws-amplify/auth` `srp/` helpers; Cognito's error text from the InitiateAuth API reference.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Iterable
from typing import Any

from pycognito.aws_srp import G_HEX, N_HEX, calculate_u, compute_hkdf, hex_hash, hex_to_long, pad_hex

from ops.local.moto_gateway import (
    AwsError,
    StartResponse,
    WsgiApp,
    call_app,
    client_and_pool,
    error_answer,
    json_params,
)

_N = hex_to_long(N_HEX)
_G = hex_to_long(G_HEX)
_K = hex_to_long(hex_hash("00" + N_HEX + "0" + G_HEX))
SESSION_SECONDS = 180  # Cognito's auth session lasts 3 minutes
_TARGET = "AWSCognitoIdentityProviderService."
WRONG_PASSWORD = "Incorrect username or password."  # noqa: S105 (Cognito's error text)


def _salt_hex() -> str:
    """16 random bytes as hex with a non-zero first digit: clients parse the salt as a number, so a leading
    zero would hash differently on the two sides."""
    while True:
        salt = os.urandom(16).hex()
        if salt[0] != "0":
            return salt


def verifier(pool_name: str, user_id_for_srp: str, password: str, salt_hex: str) -> int:
    """v = g^x mod N with x = H(salt | H(poolName | userId | ":" | password)), as the client derives x."""
    inner = hashlib.sha256(f"{pool_name}{user_id_for_srp}:{password}".encode()).hexdigest().rjust(64, "0")
    x = hex_to_long(hex_hash(pad_hex(salt_hex) + inner))
    return pow(_G, x, _N)


def password_claim_signature(
    key: bytes, pool_name: str, user_id_for_srp: str, secret_block: str, timestamp: str
) -> str:
    """base64(HMAC-SHA256(key, poolName | userId | secretBlock bytes | timestamp)): what the client sends."""
    message = (
        pool_name.encode() + user_id_for_srp.encode() + base64.b64decode(secret_block) + timestamp.encode()
    )
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


class _Session:
    __slots__ = ("b", "big_a", "big_b", "created", "moto_session", "pool_name", "user_id", "v")

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)

    def key(self) -> bytes:
        """The session key (HKDF of S) the server derives: S = (A * v^u)^b mod N."""
        u = calculate_u(self.big_a, self.big_b)
        s = pow(self.big_a * pow(self.v, u, _N), self.b, _N)
        return compute_hkdf(bytearray.fromhex(pad_hex(s)), bytearray.fromhex(pad_hex(f"{u:x}")))


class SrpVerifier:
    """The gateway interceptor (`gateway.interceptors.append(SrpVerifier().intercept)`)."""

    def __init__(self) -> None:
        self._sessions: dict[str, _Session] = {}  # our SECRET_BLOCK -> session
        self._lock = threading.Lock()
        self.refused = 0  # wrong passwords answered (for tests and status)

    def intercept(
        self, environ: dict, body: bytes, start_response: StartResponse, app: WsgiApp
    ) -> Iterable[bytes] | None:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(_TARGET):
            return None
        params = json_params(body)
        if params is None:
            return None
        operation = target[len(_TARGET) :]
        if operation == "InitiateAuth" and params.get("AuthFlow") == "USER_SRP_AUTH":
            return self._initiate(environ, body, params, start_response, app)
        if operation == "RespondToAuthChallenge" and params.get("ChallengeName") == "PASSWORD_VERIFIER":
            return self._respond(environ, params, start_response, app)
        return None

    def _initiate(
        self, environ: dict, body: bytes, params: dict, start_response: StartResponse, app: WsgiApp
    ) -> Iterable[bytes]:
        status, headers, answer = call_app(app, environ, body)
        auth = params.get("AuthParameters") or {}
        client_id = str(params.get("ClientId", ""))
        found = client_and_pool(client_id)
        if found is None:
            start_response(status, headers)
            return [answer]
        _, pool = found
        hidden = pool.clients[client_id].extended_config.get("PreventUserExistenceErrors") == "ENABLED"
        if hidden and _error_type(answer) == "UserNotFoundException":
            # Cognito answers an unknown user with a challenge that no password can meet, so a sign-in
            # cannot tell whether an address has an account (the app client's PreventUserExistenceErrors).
            username = str(auth.get("USERNAME", ""))
            document = {
                "ChallengeName": "PASSWORD_VERIFIER",
                "ChallengeParameters": {
                    "USERNAME": username,
                    "USER_ID_FOR_SRP": username,
                    "SECRET_BLOCK": "",
                },
            }
            user, password = None, secrets.token_hex(16)
        elif not status.startswith("200"):
            start_response(status, headers)
            return [answer]
        else:
            document = json.loads(answer)
            user = pool._get_user(document["ChallengeParameters"]["USERNAME"])
            password = user.password if user is not None else None
        challenge = document["ChallengeParameters"]
        try:
            big_a = int(str(auth.get("SRP_A", "")), 16)
        except ValueError:
            big_a = 0
        if password is None or big_a % _N == 0:
            return error_answer(start_response, AwsError(400, "NotAuthorizedException", WRONG_PASSWORD))
        pool_name = pool.id.split("_", 1)[1]
        salt = _salt_hex()
        v = verifier(pool_name, challenge["USER_ID_FOR_SRP"], password, salt)
        b = int.from_bytes(os.urandom(128), "big") % _N
        big_b = (_K * v + pow(_G, b, _N)) % _N
        secret_block = base64.b64encode(os.urandom(64)).decode()
        now = time.monotonic()
        with self._lock:
            self._sessions = {k: s for k, s in self._sessions.items() if now - s.created < SESSION_SECONDS}
            self._sessions[secret_block] = _Session(
                b=b,
                big_a=big_a,
                big_b=big_b,
                created=now,
                moto_session=challenge["SECRET_BLOCK"] if user is not None else None,
                pool_name=pool_name,
                user_id=challenge["USER_ID_FOR_SRP"],
                v=v,
            )
        challenge.update({"SALT": salt, "SRP_B": f"{big_b:x}", "SECRET_BLOCK": secret_block})
        out = json.dumps(document).encode()
        start_response("200 OK", _with_length(_json_headers(headers), len(out)))
        return [out]

    def _respond(
        self, environ: dict, params: dict, start_response: StartResponse, app: WsgiApp
    ) -> Iterable[bytes] | None:
        responses = params.get("ChallengeResponses") or {}
        block = str(responses.get("PASSWORD_CLAIM_SECRET_BLOCK", ""))
        with self._lock:
            session = self._sessions.pop(block, None)  # one answer per session, right or wrong
        if session is None or time.monotonic() - session.created >= SESSION_SECONDS:
            return error_answer(
                start_response, AwsError(400, "NotAuthorizedException", "Invalid session for the user.")
            )
        try:
            expected = password_claim_signature(
                session.key(), session.pool_name, session.user_id, block, str(responses.get("TIMESTAMP", ""))
            )
        except ValueError:
            expected = ""
        given = str(responses.get("PASSWORD_CLAIM_SIGNATURE", ""))
        if not expected or not hmac.compare_digest(expected, given) or session.moto_session is None:
            self.refused += 1
            return error_answer(start_response, AwsError(400, "NotAuthorizedException", WRONG_PASSWORD))
        responses["PASSWORD_CLAIM_SECRET_BLOCK"] = session.moto_session  # moto finds its session by it
        body = json.dumps(params).encode()
        status, headers, answer = call_app(app, environ, body)
        start_response(status, headers)
        return [answer]


def _error_type(answer: bytes) -> str:
    try:
        document = json.loads(answer)
    except ValueError:
        return ""
    return str(document.get("__type", "")) if isinstance(document, dict) else ""


def _json_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """moto's headers, minus what described an error answer."""
    kept = [(k, v) for k, v in headers if k.lower() not in ("x-amzn-errortype", "content-type")]
    return [*kept, ("Content-Type", "application/x-amz-json-1.1")]


def _with_length(headers: list[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(length))]
