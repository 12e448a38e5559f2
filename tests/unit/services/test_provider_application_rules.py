"""A provider application whose blocking item is erased between the put and the read back answers 410 for a
deleted account and 503 otherwise, never a 500 (schemathesis met it: its DELETE /me let the eraser run)."""

import pytest

from mobile_api.services import account as account_rules
from mobile_api.services import provider_application as rules
from mobile_api.services.errors import AccountDeleted, Unavailable


@pytest.mark.parametrize("deleted", [True, False])
def test_an_application_erased_meanwhile_is_gone_or_busy(deps, clock, make_caller, monkeypatch, deleted):
    caller = make_caller()
    rules.apply(deps.provider_applications, caller, "Ada's plumbing", None, clock, deps.erasures)
    if deleted:
        account_rules.delete_account(deps.erasures, caller, None, clock)
    # The pending application makes the next put collide; it is erased before the store reads it back.
    monkeypatch.setattr(deps.provider_applications, "get", lambda *args, **kwargs: None)
    expected = AccountDeleted if deleted else Unavailable
    with pytest.raises(expected):
        rules.apply(deps.provider_applications, caller, "Ada's plumbing", None, clock, deps.erasures)
