"""Provider applications as operators handle them: list, approve (the user joins `providers`), reject.

The request is recorded by the API (`POST /me/provider-application`, backend_core/provider_application_store.py);
the role itself is the Cognito group, so approval is an AdminAddUserToGroup on the user pool followed by the
decision on the application. The group change reaches the user's next token: the app refreshes its session
(or the user signs in again) and then calls provider routes.

Both steps are idempotent, so an approval interrupted between them is finished by running it again: the group
add succeeds again, and the application, still pending, is then marked approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError

from backend_core.identity import CONSUMERS, PROVIDERS
from backend_core.item_keys import InvalidKeyPart
from backend_core.provider_application_store import (
    STATUSES,
    NotPending,
    ProviderApplication,
    ProviderApplicationStore,
    Status,
)
from ops.errors import OpsError
from ops.stack_outputs import StackOutputs


@dataclass(frozen=True)
class Decision:
    application: ProviderApplication
    dry_run: bool
    steps: tuple[str, ...]  # what was (or, in a dry run, would be) done, one line each


class Applications:
    """The applications of one env, through its stack outputs (primary region: the user pool's home)."""

    def __init__(self, outputs: StackOutputs, dynamodb: Any, cognito: Any) -> None:
        self.outputs = outputs
        self.store = ProviderApplicationStore(dynamodb, outputs.table.name)
        self.cognito = cognito

    def list(self, status: str) -> list[ProviderApplication]:
        if status not in STATUSES:
            raise OpsError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        return _aws(lambda: list(self.store.by_status(status)), "list the applications")  # type: ignore[arg-type]

    def approve(self, user_id: str, by: str, dry_run: bool) -> Decision:
        application = self._pending(user_id)
        pool = self.outputs.auth.user_pool_id
        steps = (
            f"add {user_id} to the {PROVIDERS} group of user pool {pool}",
            f"mark the application of {user_id} approved (by {by})",
        )
        if dry_run:
            return Decision(application, True, steps)
        _aws(
            lambda: self.cognito.admin_add_user_to_group(
                UserPoolId=pool, Username=user_id, GroupName=PROVIDERS
            ),
            f"add {user_id} to {PROVIDERS}",
        )
        return Decision(self._decide(user_id, "approved", by, None), False, steps)

    def onboard(self, user_id: str, dry_run: bool) -> tuple[str, ...]:
        """Add a confirmed user to `consumers`: the onboarding trigger's step, for a user it failed for (Cognito
        keeps such a user confirmed and never runs the trigger again, so they would have no group). Idempotent.
        Returns what was (or would be) done; OpsError when the user is not in the pool."""
        pool = self.outputs.auth.user_pool_id
        user = _aws(
            lambda: self.cognito.admin_get_user(UserPoolId=pool, Username=user_id), f"find user {user_id}"
        )
        steps = (f"add {user['Username']} to the {CONSUMERS} group of user pool {pool}",)
        if not dry_run:
            _aws(
                lambda: self.cognito.admin_add_user_to_group(
                    UserPoolId=pool, Username=user_id, GroupName=CONSUMERS
                ),
                f"add {user_id} to {CONSUMERS}",
            )
        return steps

    def reject(self, user_id: str, by: str, reason: str, dry_run: bool) -> Decision:
        if not reason.strip():
            raise OpsError("a rejection needs --reason (recorded with the decision; tell the applicant)")
        if len(reason) > 1000:
            raise OpsError("--reason is at most 1000 characters")
        application = self._pending(user_id)
        steps = (f"mark the application of {user_id} rejected (by {by}): {reason}",)
        if dry_run:
            return Decision(application, True, steps)
        return Decision(self._decide(user_id, "rejected", by, reason), False, steps)

    # ---- helpers -----------------------------------------------------------------------------------------
    def _pending(self, user_id: str) -> ProviderApplication:
        try:
            found = _aws(lambda: self.store.get(user_id), "read the application")
        except InvalidKeyPart:
            raise OpsError(
                f"{user_id!r} is not a user id (the user's sub, as list-applications shows)"
            ) from None
        if found is None:
            raise OpsError(f"no provider application from {user_id}")
        if found.status != "pending":
            raise OpsError(f"the application of {user_id} is already {found.status} ({found.decided_at})")
        return found

    def _decide(self, user_id: str, status: Status, by: str, reason: str | None) -> ProviderApplication:
        now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        try:
            return _aws(lambda: self.store.decide(user_id, status, now, by, reason), "record the decision")
        except NotPending as exc:
            state = "gone" if exc.current is None else exc.current.status
            raise OpsError(f"the application of {user_id} is no longer pending ({state})") from None


def _aws(call: Any, what: str) -> Any:
    """Run an AWS call; its failure as one line (OpsError) naming what could not be done."""
    try:
        return call()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise OpsError(f"cannot {what}: {error.get('Code')}: {error.get('Message')}") from None
    except EndpointConnectionError as exc:
        raise OpsError(f"cannot {what}: {exc}") from None
