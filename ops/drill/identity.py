"""The drill's synthetic users: created by an operator call (no email is sent), signed in as the app does.

Sign-in is USER_SRP_AUTH (pycognito's implementation of Cognito's SRP), the flow the blueprint's app
client allows; the password never goes over the wire. Users are created in the primary pool and reach the
DR replica by replication, exactly like real users.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP


@dataclass
class DrillUser:
    role: str  # "consumer" or "provider"
    email: str
    password: str
    sub: str
    id_token: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}"}


def new_email(run_id: str, role: str) -> str:
    return f"drill-{role}-{run_id.lower()}-{uuid.uuid4().hex[:6]}@example.com"


def create_user(idp: Any, pool_id: str, email: str, group: str, role: str) -> DrillUser:
    """A confirmed user in `group` with a permanent password; nothing is emailed (MessageAction SUPPRESS)."""
    password = f"Drill-{secrets.token_urlsafe(12)}-7a"
    created = idp.admin_create_user(
        UserPoolId=pool_id,
        Username=email,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
    )["User"]
    idp.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=password, Permanent=True)
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=group)
    sub = next(a["Value"] for a in created.get("Attributes", []) if a["Name"] == "sub")
    return DrillUser(role, email, password, sub)


def sign_in(idp: Any, pool_id: str, client_id: str, email: str, password: str) -> str:
    """The ID token from USER_SRP_AUTH against the pool `idp` points at (its region); ClientError on refusal."""
    srp = AWSSRP(username=email, password=password, pool_id=pool_id, client_id=client_id, client=idp)
    return srp.authenticate_user()["AuthenticationResult"]["IdToken"]


def token_groups(id_token: str) -> list[str]:
    """The `cognito:groups` claim of an ID token, read without verifying it (for the drill's own report only:
    the API verifies every token it is sent). [] when the token has none or is not a JWT."""
    try:
        claims = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return []
    groups = claims.get("cognito:groups") or []
    return [str(g) for g in groups] if isinstance(groups, list) else [str(groups)]


def delete_user(idp: Any, pool_id: str, email: str) -> bool:
    """Remove the user; False when it was already gone."""
    try:
        idp.admin_delete_user(UserPoolId=pool_id, Username=email)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "UserNotFoundException":
            return False
        raise
    return True


def error_code(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', '?')}: {error.get('Message', '')}".strip()
    return f"{type(exc).__name__}: {exc}"
