"""Stand-in: Cognito invokes the user pool's post-confirmation Lambda trigger.

moto stores a pool's `LambdaConfig` and answers it back, but never invokes a trigger. In AWS, Cognito
invokes the `PostConfirmation` function synchronously after it confirms a user, and this project's
onboarding (lambdas/onboarding: every new user joins `consumers`) depends on it. As a gateway interceptor
placed before the other Cognito stand-ins, this one lets a confirmation go through them and moto first; when
the user is confirmed it invokes the same in-process function the blueprint wires as the trigger, with the
event Cognito sends:

- `ConfirmSignUp` -> `PostConfirmation_ConfirmSignUp` (callerContext.clientId the app client);
- `AdminConfirmSignUp` -> `PostConfirmation_ConfirmSignUp` (clientId `CLIENT_ID_NOT_APPLICABLE`);
- `ConfirmForgotPassword` -> `PostConfirmation_ConfirmForgotPassword`.

Where it fails like AWS: a trigger that raises makes the call answer 400 `UserLambdaValidationException`
("PostConfirmation failed with error <message>.") while the user stays confirmed, as in AWS (the app may
retry sign-in; the group is then missing until the trigger runs again); a pool naming a function that does
not exist answers `UnexpectedLambdaException`, as Cognito does when it cannot invoke the trigger.

Where it differs from AWS: the function runs in the stack's process, not in Lambda (no cold start, no
timeout of its own: Cognito gives a trigger 5 seconds); federated sign-ins do not exist locally (moto has no
managed login), so `PostConfirmation` for a first federated sign-in is tested in AWS only.

Sources: Cognito developer guide, "Post confirmation Lambda trigger" (event shape, trigger sources) and
"Managing errors" for Lambda triggers (UserLambdaValidationException, UnexpectedLambdaException).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from ops.local.moto_gateway import AwsError, StartResponse, WsgiApp, call_app, client_and_pool, error_answer

log = logging.getLogger("ops.local.stand_ins.cognito_triggers")

_TARGET = "AWSCognitoIdentityProviderService."
_SOURCES = {
    "ConfirmSignUp": "PostConfirmation_ConfirmSignUp",
    "AdminConfirmSignUp": "PostConfirmation_ConfirmSignUp",
    "ConfirmForgotPassword": "PostConfirmation_ConfirmForgotPassword",
}
Handler = Callable[[dict, Any], Any]
# The rest of the gateway's chain: the later interceptors, then moto (None: this interceptor passes).
Downstream = Callable[[dict, bytes, StartResponse, WsgiApp], Iterable[bytes] | None]


class CognitoTriggers:
    """The interceptor (`gateway.interceptors.insert(0, triggers.intercept)`) and the functions it may invoke.

    `functions` maps an unqualified function ARN to its in-process handler; `invoke_context(arn)` makes the
    Lambda context for it; `downstream` is the rest of the Cognito chain (the mail stand-in's interceptor)."""

    def __init__(
        self,
        downstream: Downstream,
        invoke_context: Callable[[str], Any],
    ) -> None:
        self.functions: dict[str, Handler] = {}
        self._downstream = downstream
        self._context = invoke_context
        self.invocations = 0

    def intercept(
        self, environ: dict, body: bytes, start_response: StartResponse, app: WsgiApp
    ) -> Iterable[bytes] | None:
        operation = environ.get("HTTP_X_AMZ_TARGET", "").removeprefix(_TARGET)
        if operation not in _SOURCES:
            return None
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return None
        if not isinstance(params, dict):
            return None
        pool, region, client_id = self._pool(operation, params)
        if pool is None:
            return None  # moto answers ResourceNotFoundException
        status, headers, answer = self._confirm(environ, body, app)
        function_arn = (pool.extended_config.get("LambdaConfig") or {}).get("PostConfirmation")
        if not status.startswith("200") or not function_arn:
            start_response(status, headers)
            return [answer]
        user = pool._get_user(str(params.get("Username", "")))
        try:
            self._invoke(function_arn, _event(_SOURCES[operation], region, pool, user, client_id))
        except AwsError as exc:
            return error_answer(start_response, exc)
        start_response(status, headers)
        return [answer]

    # ---- the parts -----------------------------------------------------------------------------------------
    def _pool(self, operation: str, params: dict) -> tuple[Any, str, str]:
        if operation == "AdminConfirmSignUp":
            from moto.cognitoidp.models import cognitoidp_backends

            pool_id = str(params.get("UserPoolId", ""))
            region = pool_id.split("_", 1)[0]
            for account_backends in cognitoidp_backends.values():
                backend = account_backends.get(region) if region in account_backends else None
                if backend is not None and pool_id in backend.user_pools:
                    return backend.user_pools[pool_id], region, "CLIENT_ID_NOT_APPLICABLE"
            return None, "", ""
        client_id = str(params.get("ClientId", ""))
        found = client_and_pool(client_id)
        if found is None:
            return None, "", ""
        return found[1], found[0], client_id

    def _confirm(self, environ: dict, body: bytes, app: WsgiApp) -> tuple[str, list, bytes]:
        """Let the rest of the chain (the mail stand-in checks the code) and moto confirm the user."""
        answered: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            answered["status"], answered["headers"] = status, list(headers)
            return lambda data: None

        out = self._downstream(environ, body, capture, app)
        if out is None:
            return call_app(app, environ, body)
        answer = b"".join(out)
        return answered.get("status", "500 Internal Server Error"), answered.get("headers", []), answer

    def _invoke(self, function_arn: str, event: dict) -> None:
        unqualified = ":".join(function_arn.split(":")[:7])  # drop an alias or version qualifier
        handler = self.functions.get(unqualified)
        if handler is None:
            raise AwsError(
                400,
                "UnexpectedLambdaException",
                f"PostConfirmation invocation failed: no function {function_arn}",
            )
        self.invocations += 1
        try:
            handler(event, self._context(unqualified))
        except Exception as exc:  # any failure of the function: Cognito reports it, the user stays confirmed
            log.warning("post-confirmation trigger failed: %s", exc)
            raise AwsError(
                400, "UserLambdaValidationException", f"PostConfirmation failed with error {exc}."
            ) from exc


def _event(source: str, region: str, pool: Any, user: Any, client_id: str) -> dict:
    """The post-confirmation event Cognito sends (version 1)."""
    attributes = {a["Name"]: a["Value"] for a in user.attributes}
    attributes["cognito:user_status"] = "CONFIRMED"
    return {
        "version": "1",
        "region": region,
        "userPoolId": pool.id,
        "userName": user.username,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
        "triggerSource": source,
        "request": {"userAttributes": attributes},
        "response": {},
    }
