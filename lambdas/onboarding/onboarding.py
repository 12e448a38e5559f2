"""The rule: who joins which group when Cognito confirms a user.

Source of the trigger sources: the Cognito developer guide, "Post confirmation Lambda trigger" and "Lambda
triggers for federated users": `PostConfirmation_ConfirmSignUp` fires when a user confirms a sign-up (also
on an admin confirmation and on a federated user's first sign-in); `PostConfirmation_ConfirmForgotPassword`
fires after a password reset, which is no sign-up.
"""

from __future__ import annotations

from typing import Any

from backend_core.identity import CONSUMERS

SIGN_UP_SOURCE = "PostConfirmation_ConfirmSignUp"


class NotAPostConfirmationEvent(ValueError):
    """The event is not a Cognito post-confirmation event (no userPoolId/userName/triggerSource)."""


def group_for(event: dict[str, Any]) -> str | None:
    """The group a confirmed user joins: `consumers` for a confirmed sign-up, None for anything else.
    Becoming a provider is never decided here: it takes an operator's approval (`ops users approve`)."""
    source = event.get("triggerSource")
    if not isinstance(source, str) or not source.startswith("PostConfirmation_"):
        raise NotAPostConfirmationEvent(f"not a post-confirmation event: triggerSource={source!r}")
    return CONSUMERS if source == SIGN_UP_SOURCE else None


def onboard(cognito: Any, event: dict[str, Any]) -> str | None:
    """Add the event's user to their group (AdminAddUserToGroup is idempotent, so a retried trigger is safe).

    `cognito` is a cognito-idp client of the pool's region. Returns the group joined, or None. Raises
    NotAPostConfirmationEvent for another event; a Cognito error propagates: the app's confirmation
    answers UserLambdaValidationException, but Cognito keeps the user confirmed and never runs the trigger
    again, so the user has no group (403 on the consumers' routes) until an operator runs
    `ops users onboard <sub>` (the alarm on this function's errors says when)."""
    group = group_for(event)
    pool, user = event.get("userPoolId"), event.get("userName")
    if not pool or not user:
        raise NotAPostConfirmationEvent("a post-confirmation event names userPoolId and userName")
    if group is not None:
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName=group)
    return group
