"""Account deletion (`DELETE /me`): app stores require it of any app where users create accounts.

The request writes the account's tombstone and answers at once; the account eraser (lambdas/account_eraser)
erases everything the user owns in each region (backend_core/account_erasure.py, `ERASE_STEPS`) and the
Cognito user. Asking again is answered with the same request: deletion is idempotent.
"""

from __future__ import annotations

from datetime import datetime

from backend_core.erasure_store import ERASURE_TOMBSTONE_DAYS, Erasure, ErasureStore
from mobile_api.clock import Clock, iso
from mobile_api.identity import Caller

DAY_SECONDS = 86_400


def pool_of_issuer(issuer: object) -> str | None:
    """The user pool id of a Cognito issuer URL (https://cognito-idp.<region>.amazonaws.com/<pool id>)."""
    if not isinstance(issuer, str) or "/" not in issuer:
        return None
    pool = issuer.rstrip("/").rsplit("/", 1)[-1]
    return pool if "_" in pool else None


def delete_account(store: ErasureStore, caller: Caller, issuer: object, clock: Clock) -> tuple[Erasure, bool]:
    """Record the deletion of the caller's account: (the erasure, newly requested?)."""
    now: datetime = clock()
    expires_at = int(now.timestamp()) + ERASURE_TOMBSTONE_DAYS * DAY_SECONDS
    return store.request(caller.user_id, pool_of_issuer(issuer), iso(now), expires_at)
