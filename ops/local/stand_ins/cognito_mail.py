"""Stand-in: sign-up confirmation codes, e-mailed to an outbox the developer can read.

Cognito e-mails a code to a user who signs up in a pool that auto-verifies `email`, and `ConfirmSignUp`
succeeds only with that code (`CodeMismatchException` otherwise; `ExpiredCodeException` after 24 hours);
confirming marks the address verified (`email_verified` true in the ID token). moto sends nothing,
confirms with *any* code, never sets `email_verified`, does not implement `ResendConfirmationCode`, and
describes the delivery as an SMS to a made-up number. As gateway interceptors this stand-in:

- SignUp (after moto succeeds): makes a 6-digit code, "sends" it to the user's address (the outbox), and
  answers `CodeDeliveryDetails` as Cognito does (`EMAIL`, `email`, the masked address);
- ResendConfirmationCode: a new code for an unconfirmed user (the older one stops working), as Cognito;
- ConfirmSignUp: refuses a wrong or expired code as Cognito does, an already confirmed user with
  `NotAuthorizedException`; on success sets `email_verified` to true.

The outbox is what an inbox would show: `POST /inspect/mail {"to": address}` on the control endpoint
answers the messages sent to that address, newest first (`ops/local/control.py`); apps and tests read
the code there as a person reads it from their mail. Messages live in the stack's memory.

Sources: Cognito API reference, SignUp / ConfirmSignUp / ResendConfirmationCode (errors and
CodeDeliveryDetails); Cognito developer guide, "Signing up and confirming user accounts" (codes are valid
for 24 hours).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ops.local.moto_gateway import (
    AwsError,
    StartResponse,
    WsgiApp,
    call_app,
    client_and_pool,
    error_answer,
    json_params,
)

CODE_VALID_SECONDS = 24 * 3600  # Cognito's sign-up codes expire after 24 hours
OUTBOX_KEPT = 10_000  # the newest messages; a long session's memory stays bounded
_TARGET = "AWSCognitoIdentityProviderService."


def masked(address: str) -> str:
    """How Cognito names an address in CodeDeliveryDetails: first letter, `***@`, first letter of the domain."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


class CognitoMail:
    """The gateway interceptor (`gateway.interceptors.append(CognitoMail().intercept)`) and its outbox."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._outbox: list[dict[str, Any]] = []
        self._codes: dict[tuple[str, str], tuple[str, float]] = {}  # (pool id, username) -> (code, sent at)

    # ---- the outbox ------------------------------------------------------------------------------------
    def messages(self, to: str) -> list[dict[str, Any]]:
        """Messages sent to `to` (case-insensitive), newest first: {to, subject, body, code, sent_at}."""
        with self._lock:
            found = [dict(m) for m in self._outbox if m["to"].lower() == to.strip().lower()]
        return found[::-1]

    def _send(self, pool: Any, user: Any) -> dict[str, str] | None:
        email = user.attribute_lookup.get("email")
        if not email or "email" not in pool.extended_config.get("AutoVerifiedAttributes", []):
            return None
        code = f"{secrets.randbelow(10**6):06d}"
        with self._lock:
            self._codes[(pool.id, user.username)] = (code, time.time())
            self._outbox.append(
                {
                    "to": email,
                    "subject": "Your verification code",
                    "body": f"Your verification code is {code}",
                    "code": code,
                    "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
            del self._outbox[:-OUTBOX_KEPT]
        return {"Destination": masked(email), "DeliveryMedium": "EMAIL", "AttributeName": "email"}

    # ---- the interceptor -------------------------------------------------------------------------------
    def intercept(
        self, environ: dict, body: bytes, start_response: StartResponse, app: WsgiApp
    ) -> Iterable[bytes] | None:
        operation = environ.get("HTTP_X_AMZ_TARGET", "")
        if operation not in {f"{_TARGET}{o}" for o in ("SignUp", "ConfirmSignUp", "ResendConfirmationCode")}:
            return None
        params = json_params(body)
        if params is None:
            return None
        found = client_and_pool(str(params.get("ClientId", "")))
        if found is None:
            return None  # moto answers ResourceNotFoundException
        pool = found[1]
        try:
            match operation[len(_TARGET) :]:
                case "SignUp":
                    return self._sign_up(environ, body, params, pool, start_response, app)
                case "ConfirmSignUp":
                    return self._confirm(environ, body, params, pool, start_response, app)
                case _:
                    return self._resend(params, pool, start_response)
        except AwsError as exc:
            return error_answer(start_response, exc)

    def _sign_up(
        self, environ: dict, body: bytes, params: dict, pool: Any, start_response: StartResponse, app: WsgiApp
    ) -> Iterable[bytes]:
        status, headers, answer = call_app(app, environ, body)
        if status.startswith("200"):
            document = json.loads(answer)
            user = pool._get_user(str(params.get("Username", "")))
            details = self._send(pool, user) if user is not None else None
            document.pop("CodeDeliveryDetails", None)
            if details:
                document["CodeDeliveryDetails"] = details
            answer = json.dumps(document).encode()
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(answer))))
        start_response(status, headers)
        return [answer]

    def _user(self, params: dict, pool: Any) -> Any:
        user = pool._get_user(str(params.get("Username", "")))
        if user is None:
            raise AwsError(400, "UserNotFoundException", "Username/client id combination not found.")
        return user

    def _confirm(
        self, environ: dict, body: bytes, params: dict, pool: Any, start_response: StartResponse, app: WsgiApp
    ) -> Iterable[bytes]:
        user = self._user(params, pool)
        if _status(user) != "UNCONFIRMED":
            raise AwsError(
                400, "NotAuthorizedException", f"User cannot be confirmed. Current status is {_status(user)}"
            )
        with self._lock:
            sent = self._codes.get((pool.id, user.username))
        if sent is None or not secrets.compare_digest(sent[0], str(params.get("ConfirmationCode", ""))):
            raise AwsError(
                400, "CodeMismatchException", "Invalid verification code provided, please try again."
            )
        if time.time() - sent[1] > CODE_VALID_SECONDS:
            raise AwsError(400, "ExpiredCodeException", "Invalid code provided, please request a code again.")
        status, headers, answer = call_app(app, environ, body)
        if status.startswith("200"):
            with self._lock:
                self._codes.pop((pool.id, user.username), None)
            user.update_attributes([{"Name": "email_verified", "Value": "true"}])
        start_response(status, headers)
        return [answer]

    def _resend(self, params: dict, pool: Any, start_response: StartResponse) -> Iterable[bytes]:
        user = self._user(params, pool)
        if _status(user) != "UNCONFIRMED":
            raise AwsError(400, "InvalidParameterException", "User is already confirmed.")
        details = self._send(pool, user)
        out = json.dumps({"CodeDeliveryDetails": details} if details else {}).encode()
        start_response(
            "200 OK", [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(out)))]
        )
        return [out]


def _status(user: Any) -> str:
    return str(getattr(user.status, "value", user.status))
