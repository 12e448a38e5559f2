"""The caller's own profile: created on first use from the token's claims, kept in step with newer tokens.

Role and groups are Cognito's (the token's); the profile keeps a copy (role, email), refreshed by every newer
token the user presents on any route, for the routes that ask about another user's role.
"""

from __future__ import annotations

from backend_core.profile_store import Profile, ProfileChanges, ProfileNotFound, ProfileStore
from mobile_api.clock import Clock, now_iso
from mobile_api.identity import Caller
from mobile_api.services.errors import NotFound

CLAIMS_SYNCED_MAX = 10_000  # (user, token) pairs remembered per container: one profile write per token


class ClaimsSynced:
    """The (user, token iat) pairs whose claims the profile already has, oldest forgotten first."""

    def __init__(self, limit: int = CLAIMS_SYNCED_MAX) -> None:
        self.limit = limit
        self._seen: dict[tuple[str, int], None] = {}  # insertion-ordered: the oldest first

    def __contains__(self, pair: tuple[str, int]) -> bool:
        return pair in self._seen

    def add(self, pair: tuple[str, int]) -> None:
        self._seen[pair] = None
        while len(self._seen) > self.limit:
            self._seen.pop(next(iter(self._seen)))

    def forget(self, pair: tuple[str, int]) -> None:
        self._seen.pop(pair, None)


def apply_token_claims(profiles: ProfileStore, synced: ClaimsSynced, caller: Caller, clock: Clock) -> None:
    """Keep the profile's copy of the token's claims (role, email) current: once per token per container.
    A token older than the last one applied changes nothing (`ProfileStore.apply_claims`)."""
    pair = (caller.user_id, caller.issued_at)
    if pair in synced:
        return
    profiles.apply_claims(
        caller.user_id, caller.role, caller.email, caller.name, caller.issued_at, now_iso(clock)
    )
    synced.add(pair)


def own_profile(profiles: ProfileStore, synced: ClaimsSynced, caller: Caller, clock: Clock) -> Profile:
    """The caller's profile (strongly consistent), created again from the token if it was removed since this
    container applied the token."""
    profile = profiles.get(caller.user_id, consistent=True)
    if profile is None:
        synced.forget((caller.user_id, caller.issued_at))
        apply_token_claims(profiles, synced, caller, clock)
        profile = profiles.get(caller.user_id, consistent=True)
    if profile is None:  # a newer token was applied and the profile removed again meanwhile
        raise NotFound("no profile: sign in again")
    return profile


def update_own_profile(
    profiles: ProfileStore, synced: ClaimsSynced, caller: Caller, changes: ProfileChanges, clock: Clock
) -> Profile:
    """Apply the caller's changes to their profile (created first if needed); the profile as it is now.
    One conditional UpdateItem when the profile exists (almost always: the token's claims created it); when
    it was removed since this container applied the token, the claims create it again, then the update."""
    try:
        return profiles.update(caller.user_id, changes, now_iso(clock))
    except ProfileNotFound:
        pass
    synced.forget((caller.user_id, caller.issued_at))
    apply_token_claims(profiles, synced, caller, clock)
    try:
        return profiles.update(caller.user_id, changes, now_iso(clock))
    except ProfileNotFound:  # a newer token was applied and the profile removed again meanwhile
        raise NotFound("no profile: sign in again") from None
