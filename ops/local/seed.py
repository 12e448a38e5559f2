"""Demo users for the local stack: one consumer and one provider, with printed credentials and ID tokens.

Running it again gives the same users a fresh password (no password is stored anywhere).
"""

from __future__ import annotations

from backend_core.identity import CONSUMERS, PROVIDERS
from ops.errors import OpsError
from ops.local.aws import client
from ops.local.users import LocalUser, create_user, new_password, sign_in
from ops.stack_outputs import StackOutputs

DEMO_USERS = {
    "consumer": ("consumer@example.com", CONSUMERS),
    "provider": ("provider@example.com", PROVIDERS),
}


def seed_users(state: dict) -> dict[str, LocalUser]:
    """role -> the signed-in demo user."""
    return {role: seed_user(state, role) for role in DEMO_USERS}


def seed_user(state: dict, role: str) -> LocalUser:
    """The demo user of `role` ("consumer" or "provider"), created if missing, with a fresh password and
    signed in with SRP. Raises OpsError for any other role."""
    if role not in DEMO_USERS:
        raise OpsError(f"--user must be one of {', '.join(DEMO_USERS)} (the demo users), not {role!r}")
    email, group = DEMO_USERS[role]
    outputs = StackOutputs.model_validate(state["outputs"])
    idp = client("cognito-idp", outputs.primary_region, outputs.endpoint_url or "")
    password = new_password()
    try:
        idp.admin_get_user(UserPoolId=outputs.auth.user_pool_id, Username=email)
    except idp.exceptions.UserNotFoundException:
        return create_user(outputs, group, email, password)
    idp.admin_set_user_password(
        UserPoolId=outputs.auth.user_pool_id, Username=email, Password=password, Permanent=True
    )
    id_token, access_token = sign_in(outputs, email, password)
    attributes = idp.admin_get_user(UserPoolId=outputs.auth.user_pool_id, Username=email)["UserAttributes"]
    sub = next(a["Value"] for a in attributes if a["Name"] == "sub")
    return LocalUser(email, password, sub, (group,), id_token, access_token)


def collection_variables(state: dict, users: dict[str, LocalUser]) -> dict[str, str]:
    """The variables of the request collection (docs/requests/*.http) for the seeded users: the primary
    region's API, each demo user's ID token, and the provider's sub."""
    outputs = StackOutputs.model_validate(state["outputs"])
    return {
        "base": outputs.api.primary,
        "consumer_token": users["consumer"].id_token,
        "provider_token": users["provider"].id_token,
        "provider_sub": users["provider"].sub,
    }
