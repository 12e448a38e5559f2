"""Demo users for the local stack: one consumer and one provider, with printed credentials.

Running it again gives the same users a fresh password (no password is stored anywhere).
"""

from __future__ import annotations

from backend_core.identity import CONSUMERS, PROVIDERS
from ops.local.aws import client
from ops.local.users import LocalUser, create_user, new_password, sign_in
from ops.stack_outputs import StackOutputs

DEMO_USERS = {
    "consumer": ("consumer@example.com", CONSUMERS),
    "provider": ("provider@example.com", PROVIDERS),
}


def seed_users(state: dict) -> dict[str, LocalUser]:
    """role -> the signed-in demo user."""
    outputs = StackOutputs.model_validate(state["outputs"])
    idp = client("cognito-idp", outputs.primary_region, outputs.endpoint_url or "")
    users: dict[str, LocalUser] = {}
    for role, (email, group) in DEMO_USERS.items():
        password = new_password()
        try:
            idp.admin_get_user(UserPoolId=outputs.auth.user_pool_id, Username=email)
        except idp.exceptions.UserNotFoundException:
            users[role] = create_user(outputs, group, email, password)
            continue
        idp.admin_set_user_password(
            UserPoolId=outputs.auth.user_pool_id, Username=email, Password=password, Permanent=True
        )
        id_token, access_token = sign_in(outputs, email, password)
        attributes = idp.admin_get_user(UserPoolId=outputs.auth.user_pool_id, Username=email)[
            "UserAttributes"
        ]
        sub = next(a["Value"] for a in attributes if a["Name"] == "sub")
        users[role] = LocalUser(email, password, sub, (group,), id_token, access_token)
    return users
