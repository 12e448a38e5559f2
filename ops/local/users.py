"""Sign up, confirm and sign in users on the emulated Cognito pool (fixtures, seed, demo)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from backend_core.identity import CONSUMERS, IDENTITY
from ops.errors import OpsError
from ops.local.aws import client
from ops.stack_outputs import StackOutputs

GROUPS = tuple(IDENTITY.groups)


@dataclass(frozen=True)
class LocalUser:
    email: str
    password: str
    sub: str
    groups: tuple[str, ...]
    id_token: str
    access_token: str

    @property
    def auth_header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}"}


def new_password() -> str:
    """Meets the pool's policy (12+ chars, upper, lower, digit)."""
    return f"Local-{secrets.token_urlsafe(9)}-9a"


def sign_up(outputs: StackOutputs, email: str, password: str, group: str | None) -> str:
    """Sign up (as the app does), confirm (stands in for the emailed code), add to `group`; the sub."""
    if group is not None and group not in GROUPS:
        raise OpsError(f"group must be one of {', '.join(GROUPS)}, not {group!r}")
    idp = client("cognito-idp", outputs.primary_region, outputs.endpoint_url or "")
    try:
        sub = idp.sign_up(
            ClientId=outputs.auth.client_id,
            Username=email,
            Password=password,
            UserAttributes=[{"Name": "email", "Value": email}],
        )["UserSub"]
    except ClientError as exc:
        raise OpsError(f"cannot sign up {email}: {exc.response['Error']['Message']}") from exc
    # Confirming runs the pool's post-confirmation trigger (lambdas/onboarding): the user joins `consumers`,
    # as every real new user does. A test user gets exactly the group asked for (none, or `providers` alone).
    idp.admin_confirm_sign_up(UserPoolId=outputs.auth.user_pool_id, Username=email)
    if group != CONSUMERS:
        idp.admin_remove_user_from_group(
            UserPoolId=outputs.auth.user_pool_id, Username=email, GroupName=CONSUMERS
        )
    if group and group != CONSUMERS:
        idp.admin_add_user_to_group(UserPoolId=outputs.auth.user_pool_id, Username=email, GroupName=group)
    return sub


def sign_in(outputs: StackOutputs, email: str, password: str) -> tuple[str, str]:
    """(id token, access token) from USER_SRP_AUTH, the flow the app client allows and the app uses
    (the password itself never goes over the wire)."""
    idp = client("cognito-idp", outputs.primary_region, outputs.endpoint_url or "")
    srp = AWSSRP(
        username=email,
        password=password,
        pool_id=outputs.auth.user_pool_id,
        client_id=outputs.auth.client_id,
        client=idp,
    )
    try:
        result = srp.authenticate_user()["AuthenticationResult"]
    except ClientError as exc:
        raise OpsError(f"cannot sign in {email}: {exc.response['Error']['Message']}") from exc
    return result["IdToken"], result["AccessToken"]


def create_user(
    outputs: StackOutputs,
    group: str | None = CONSUMERS,
    email: str | None = None,
    password: str | None = None,
) -> LocalUser:
    email = email or f"user-{uuid.uuid4().hex[:12]}@example.com"
    password = password or new_password()
    sub = sign_up(outputs, email, password, group)
    id_token, access_token = sign_in(outputs, email, password)
    return LocalUser(email, password, sub, (group,) if group else (), id_token, access_token)
