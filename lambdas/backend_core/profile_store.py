"""Profiles: one item per user (`item_keys.profile`), created on first sight from the token's claims.

Cognito owns the role (its groups) and the email; the profile keeps a copy, applied only from a token newer
than the last one applied (`claims_iat`), so a stale token replayed later, or served by the other region,
cannot undo a promotion or a demotion (backend_core/README.md, "Two regions take writes").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import TableAccess, conditional_failed, from_ddb, serialize, to_ddb, values

Role = Literal["consumer", "provider"]


class ProfileNotFound(LookupError):
    """The user has no profile (never signed in here, or it was removed)."""


@dataclass(frozen=True)
class Profile:
    """A user's profile: what the user set, and the copy of what Cognito owns (role, email)."""

    user_id: str
    role: Role  # the copy of the newest token's groups (Cognito is the source of truth)
    email: str | None
    display_name: str | None
    locale: str | None
    created_at: str  # ISO-8601 UTC, fixed width
    updated_at: str
    claims_iat: int  # the `iat` (epoch seconds) of the token whose claims were applied last

    @property
    def is_provider(self) -> bool:
        return self.role == "provider"


@dataclass(frozen=True)
class ProfileChanges:
    """What the user may change; None leaves a field as it is."""

    display_name: str | None = None
    locale: str | None = None

    def as_attributes(self) -> dict[str, str]:
        return {name: value for name, value in vars(self).items() if value is not None}


def profile_from_item(item: dict[str, Any]) -> Profile:
    return Profile(
        user_id=str(item.get("user_id") or item_keys.user_id_of(item["PK"])),
        role="provider" if item.get("role") == "provider" else "consumer",
        email=item.get("email"),
        display_name=item.get("display_name"),
        locale=item.get("locale"),
        created_at=str(item["created_at"]),
        updated_at=str(item["updated_at"]),
        claims_iat=int(item.get("claims_iat", 0)),
    )


class ProfileStore(TableAccess):
    def apply_claims(
        self, user_id: str, role: Role, email: str | None, name: str | None, issued_at: int, now: str
    ) -> None:
        """Create the profile on first sight, and keep its copy of what Cognito owns (role, email) as the
        newest token the user presented says; an older token (`issued_at` not above the last applied)
        changes nothing. `name` only seeds `display_name`, which the user owns afterwards."""
        sets = [
            "user_id = :user",
            "#role = :role",
            "claims_iat = :iat",
            "created_at = if_not_exists(created_at, :now)",
            "updated_at = if_not_exists(updated_at, :now)",
        ]
        named: dict[str, Any] = {"user": user_id, "role": role, "iat": issued_at, "now": now}
        if email:
            sets.append("email = :email")
            named["email"] = email
        if name:
            sets.append("display_name = if_not_exists(display_name, :name)")
            named["name"] = name
        try:
            self.db.update_item(
                TableName=self.table,
                Key=to_ddb(item_keys.profile(user_id)),
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression="attribute_not_exists(claims_iat) OR claims_iat < :iat",
                ExpressionAttributeNames={"#role": "role"},
                ExpressionAttributeValues=values(**named),
            )
        except ClientError as exc:
            if not conditional_failed(exc):  # a newer token was already applied: nothing to do
                raise

    def get(self, user_id: str, consistent: bool = False) -> Profile | None:
        """The profile, or None when the user has none."""
        item = self._get_item(item_keys.profile(user_id), consistent=consistent)
        return profile_from_item(item) if item else None

    def update(self, user_id: str, changes: ProfileChanges, now: str) -> Profile:
        """Apply `changes` to an existing profile (one conditional UpdateItem); the profile as it is now.
        Raises ProfileNotFound when there is none."""
        attributes: dict[str, Any] = {**changes.as_attributes(), "updated_at": now}
        names = {f"#f{i}": k for i, k in enumerate(attributes)}
        sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(attributes)))
        new_values = {f":v{i}": serialize(v) for i, v in enumerate(attributes.values())}
        try:
            out = self.db.update_item(
                TableName=self.table,
                Key=to_ddb(item_keys.profile(user_id)),
                UpdateExpression=f"SET {sets}",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=new_values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if conditional_failed(exc):
                raise ProfileNotFound(user_id) from None
            raise
        return profile_from_item(from_ddb(out["Attributes"]))
