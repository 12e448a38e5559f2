"""Becoming a provider, end to end on the local stack: a new user (a consumer by the onboarding trigger) applies
through the API, an operator lists and approves with `ops users`, and the next token (a refresh) carries
`providers`, which opens the provider routes. Rejection, dry runs and mistakes answer as operators expect."""

from __future__ import annotations

import uuid

import jwt
import pytest
from pycognito.aws_srp import AWSSRP

from backend_core import item_keys
from backend_core.ddb import to_ddb
from ops.local import control
from ops.local.testing import LocalStackHandle
from ops.local.users import new_password
from tests.cli_in_process import one_line, ops

pytestmark = pytest.mark.integration


def _new_user(stack: LocalStackHandle) -> dict:
    """Signs up and confirms as the app does; the first sign-in's tokens and the sub."""
    email, password = f"applicant-{uuid.uuid4().hex[:10]}@example.com", new_password()
    idp, auth = stack.client("cognito-idp"), stack.outputs.auth
    sub = idp.sign_up(
        ClientId=auth.client_id,
        Username=email,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": email}],
    )["UserSub"]
    code = control.call(stack.control_url, "POST", "/inspect/mail", {"to": email})["messages"][0]["code"]
    idp.confirm_sign_up(ClientId=auth.client_id, Username=email, ConfirmationCode=code)
    srp = AWSSRP(
        username=email, password=password, pool_id=auth.user_pool_id, client_id=auth.client_id, client=idp
    )
    return {"sub": sub, **srp.authenticate_user()["AuthenticationResult"]}


def _groups(token: str) -> list[str]:
    return jwt.decode(token, options={"verify_signature": False}).get("cognito:groups", [])


@pytest.fixture
def operator(local_stack: LocalStackHandle, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv("MBT_LOCAL_STATE_DIR", str(local_stack.state_dir))
    return lambda *argv: ops(capsys, "users", *argv, "--env", "local")


def test_approval_reaches_the_next_token(local_stack: LocalStackHandle, operator) -> None:
    user = _new_user(local_stack)
    assert _groups(user["IdToken"]) == ["consumers"]
    assert local_stack.request("GET", "/me", token=user["IdToken"]).status_code == 200
    notify = {"to": None, "title": "t", "body": "b"}
    assert (
        local_stack.request("POST", "/notifications", token=user["IdToken"], json=notify).status_code == 403
    )

    applied = local_stack.request(
        "POST", "/me/provider-application", token=user["IdToken"], json={"business_name": "Acme Repairs"}
    )
    assert applied.status_code == 202 and applied.json()["status"] == "pending"

    code, out, err = operator("list-applications", "--json")
    assert code == 0, err
    assert user["sub"] in out and "Acme Repairs" in out

    code, out, _ = operator("approve", user["sub"], "--dry-run")
    assert code == 0 and "dry run: nothing changed" in out and "would add" in out
    assert _groups(user["IdToken"]) == ["consumers"]
    groups = local_stack.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=local_stack.outputs.auth.user_pool_id, Username=user["sub"]
    )["Groups"]
    assert [g["GroupName"] for g in groups] == ["consumers"], "a dry run changes nothing"

    code, out, err = operator("approve", user["sub"], "--by", "ops-oncall")
    assert code == 0, err
    assert "approved" in out

    # The old token still says consumer; the refreshed one is a provider's.
    assert (
        local_stack.request("POST", "/notifications", token=user["IdToken"], json=notify).status_code == 403
    )
    refreshed = local_stack.client("cognito-idp").get_tokens_from_refresh_token(
        ClientId=local_stack.outputs.auth.client_id, RefreshToken=user["RefreshToken"]
    )["AuthenticationResult"]["IdToken"]
    assert sorted(_groups(refreshed)) == ["consumers", "providers"]
    sent = local_stack.request("POST", "/notifications", token=refreshed, json=notify)
    assert sent.status_code == 202, sent.text
    assert local_stack.request("GET", "/me", token=refreshed).json()["role"] == "provider"

    code, _, err = operator("approve", user["sub"])
    assert "already approved" in one_line(code, err)


def test_rejection_needs_a_reason_and_the_applicant_may_reapply(
    local_stack: LocalStackHandle, operator
) -> None:
    user = _new_user(local_stack)
    body = {"business_name": "Maybe Ltd"}
    assert (
        local_stack.request("POST", "/me/provider-application", token=user["IdToken"], json=body).status_code
        == 202
    )
    code, _, err = operator("reject", user["sub"], "--reason", " ")
    assert "needs --reason" in one_line(code, err)
    code, out, err = operator("reject", user["sub"], "--reason", "we need a trade licence")
    assert code == 0 and "rejected" in out, err
    code, out, _ = operator("list-applications", "--status", "rejected", "--json")
    assert user["sub"] in out and "trade licence" in out
    again = local_stack.request("POST", "/me/provider-application", token=user["IdToken"], json=body)
    assert again.status_code == 202 and again.json()["status"] == "pending"


def test_operator_mistakes_are_one_line(local_stack: LocalStackHandle, operator) -> None:
    code, _, err = operator("approve", "no-such-user")
    assert "no provider application from no-such-user" in one_line(code, err)
    code, _, err = operator("approve", "bad#id")
    assert "is not a user id" in one_line(code, err)
    code, _, err = operator("list-applications", "--status", "maybe")
    assert "status must be one of" in one_line(code, err)


def test_applications_made_in_both_regions_during_a_pause_leave_one(
    local_stack: LocalStackHandle, operator
) -> None:
    """The request is a conditional put; during a replication pause each region accepts it (neither sees the
    other's), and after replication one item remains, still pending, which the operator approves once."""
    user = _new_user(local_stack)
    body = {"business_name": "Twice Ltd"}
    local_stack.pause_replication()
    try:
        for region in ("primary", "dr"):
            reply = local_stack.request(
                "POST", "/me/provider-application", region=region, token=user["IdToken"], json=body
            )
            assert reply.status_code == 202, (region, reply.text)
    finally:
        local_stack.resume_replication()
    table = local_stack.outputs.table.name
    key = to_ddb(item_keys.provider_application(user["sub"]))

    def converged() -> bool:
        items = [
            local_stack.client("dynamodb", r).get_item(TableName=table, Key=key).get("Item")
            for r in ("primary", "dr")
        ]
        return all(items) and items[0] == items[1]

    local_stack.wait_for(converged, what="the application replicated both ways")
    code, out, err = operator("list-applications", "--json")
    assert code == 0 and out.count(user["sub"]) == 1, err
    code, _, err = operator("approve", user["sub"])
    assert code == 0, err


def test_a_user_the_trigger_failed_for_is_onboarded_by_the_operator(
    local_stack: LocalStackHandle, operator
) -> None:
    user = local_stack.create_user(group=None)  # confirmed, in no group: what a failed trigger leaves
    code, out, _ = operator("onboard", user.sub, "--dry-run")
    assert code == 0 and "would add" in out and "nothing changed" in out
    groups = local_stack.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=local_stack.outputs.auth.user_pool_id, Username=user.sub
    )["Groups"]
    assert groups == []
    code, out, _ = operator("onboard", user.sub)
    assert code == 0 and "onboarded" in out
    code, out, _ = operator("onboard", user.sub)  # idempotent
    assert code == 0
    groups = local_stack.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=local_stack.outputs.auth.user_pool_id, Username=user.sub
    )["Groups"]
    assert [g["GroupName"] for g in groups] == ["consumers"]
    code, _, err = operator("onboard", "no-such-user")
    assert "cannot find user no-such-user" in one_line(code, err)
