"""Becoming a provider is an explicit step, never the client's choice: a consumer asks
(`POST /me/provider-application`), an operator decides (`ops users approve|reject`), and approval adds the
user to the `providers` group, which reaches the user's next token (a refresh or a new sign-in)."""

from __future__ import annotations

from backend_core.erasure_store import ErasureStore
from backend_core.identity import CONSUMERS
from backend_core.provider_application_store import (
    ApplicationVanished,
    ProviderApplication,
    ProviderApplicationStore,
)
from mobile_api.clock import Clock, iso
from mobile_api.identity import Caller
from mobile_api.services.errors import Conflict
from mobile_api.services.notifications import require_group
from mobile_api.services.sync import busy_or_deleted


def apply(
    store: ProviderApplicationStore,
    caller: Caller,
    business_name: str,
    about: str | None,
    clock: Clock,
    erasures: ErasureStore | None = None,
) -> tuple[ProviderApplication, bool]:
    """Record the caller's application: (the application, created?). A pending one is answered as it is
    (idempotent); a rejected one is replaced by the new request. Raises Forbidden (not a consumer) and
    Conflict (already a provider, by the token or by an approved application whose group change has not
    reached this token yet: refresh it), AccountDeleted (the caller deleted the account meanwhile: the eraser
    removes what lands) and Unavailable (a concurrent writer: retry)."""
    require_group(caller, CONSUMERS)
    if caller.is_provider:
        raise Conflict("already a provider", code="already_provider")
    try:
        application, created = store.request(caller.user_id, caller.email, business_name, about, iso(clock()))
    except ApplicationVanished:
        raise busy_or_deleted(erasures, caller.user_id) from None
    if application.status == "approved":
        raise Conflict(
            "already approved: refresh the session to get the providers group", code="already_provider"
        )
    return application, created
