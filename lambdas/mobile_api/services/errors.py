"""Why a rule refuses a request, as types; `mobile_api.errors.STATUS_OF` maps each to its HTTP status."""

from __future__ import annotations

from backend_core.sync_store import SyncItem


class Refused(Exception):
    """A request the rules refuse. `code` overrides the status's default error code."""

    code: str | None = None

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(Refused):
    """Nothing of the caller's by that id (another user's id looks exactly like a missing one)."""


class Forbidden(Refused):
    """The caller's role may not do this."""


class Conflict(Refused):
    """The request collides with one in progress."""


class StaleVersion(Conflict):
    """A sync write based on a version that is no longer the server's; `current` is the server's item."""

    code = "version_conflict"

    def __init__(self, current: SyncItem | None) -> None:
        super().__init__("stale version: merge with `current` and retry with its version")
        self.current = current


class TooLarge(Refused):
    """More than the table, the queue or a push can hold."""


class Invalid(Refused):
    """Well-formed, but not something this deployment can do (e.g. an unconfigured push platform)."""


class AccountDeleted(Refused):
    """The caller deleted their account (`DELETE /me`); their token is still valid until it expires."""

    code = "account_deleted"


class Unavailable(Refused):
    """A dependency is not there right now (or not configured); the client may retry."""
