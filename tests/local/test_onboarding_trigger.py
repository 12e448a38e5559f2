"""Onboarding through the emulated pool: a user who signs up as the app does (SignUp, the mailed code,
ConfirmSignUp) is put in `consumers` by the post-confirmation trigger, the same lambdas/onboarding function the
blueprint wires (ops/local/stand_ins/cognito_triggers.py invokes it), and can use consumer routes at once.
A provider's route stays closed to them: becoming a provider takes an operator's approval."""

from __future__ import annotations

import uuid

import jwt
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from ops.local import control
from ops.local.testing import LocalStackHandle
from ops.local.users import new_password

pytestmark = pytest.mark.integration


def _sign_up_and_confirm(stack: LocalStackHandle) -> tuple[str, str]:
    email, password = f"new-{uuid.uuid4().hex[:10]}@example.com", new_password()
    idp, client_id = stack.client("cognito-idp"), stack.outputs.auth.client_id
    idp.sign_up(
        ClientId=client_id,
        Username=email,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    code = control.call(stack.control_url, "POST", "/inspect/mail", {"to": email})["messages"][0]["code"]
    idp.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode=code)
    return email, password


def _id_token(stack: LocalStackHandle, email: str, password: str) -> str:
    srp = AWSSRP(
        username=email,
        password=password,
        pool_id=stack.outputs.auth.user_pool_id,
        client_id=stack.outputs.auth.client_id,
        client=stack.client("cognito-idp"),
    )
    return srp.authenticate_user()["AuthenticationResult"]["IdToken"]


def test_a_new_user_joins_consumers_on_confirmation(local_stack: LocalStackHandle) -> None:
    email, password = _sign_up_and_confirm(local_stack)
    groups = local_stack.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=local_stack.outputs.auth.user_pool_id, Username=email
    )["Groups"]
    assert [g["GroupName"] for g in groups] == ["consumers"]

    token = _id_token(local_stack, email, password)
    assert jwt.decode(token, options={"verify_signature": False})["cognito:groups"] == ["consumers"]
    provider = local_stack.create_user(group="providers")
    assert local_stack.request("GET", "/me", user=provider).status_code == 200  # the provider's profile
    subscribed = local_stack.request("POST", f"/providers/{provider.sub}/subscribe", token=token)
    assert subscribed.status_code in (200, 201), subscribed.text
    notify = local_stack.request(
        "POST", "/notifications", token=token, json={"to": None, "title": "t", "body": "b"}
    )
    assert notify.status_code == 403 and notify.json()["error"] == "forbidden"


def test_an_unconfirmed_user_is_in_no_group(local_stack: LocalStackHandle) -> None:
    email = f"pending-{uuid.uuid4().hex[:10]}@example.com"
    local_stack.client("cognito-idp").sign_up(
        ClientId=local_stack.outputs.auth.client_id,
        Username=email,
        Password=new_password(),
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    groups = local_stack.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=local_stack.outputs.auth.user_pool_id, Username=email
    )["Groups"]
    assert groups == []


def test_a_wrong_code_runs_no_trigger(local_stack: LocalStackHandle) -> None:
    email = f"wrong-{uuid.uuid4().hex[:10]}@example.com"
    idp, client_id = local_stack.client("cognito-idp"), local_stack.outputs.auth.client_id
    idp.sign_up(
        ClientId=client_id,
        Username=email,
        Password=new_password(),
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    with pytest.raises(ClientError) as refused:
        idp.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode="000000x")
    assert refused.value.response["Error"]["Code"] == "CodeMismatchException"
    groups = idp.admin_list_groups_for_user(UserPoolId=local_stack.outputs.auth.user_pool_id, Username=email)
    assert groups["Groups"] == []


def test_an_admin_confirmation_onboards_too(local_stack: LocalStackHandle) -> None:
    email = f"admin-{uuid.uuid4().hex[:10]}@example.com"
    idp, pool = local_stack.client("cognito-idp"), local_stack.outputs.auth.user_pool_id
    idp.sign_up(
        ClientId=local_stack.outputs.auth.client_id,
        Username=email,
        Password=new_password(),
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    idp.admin_confirm_sign_up(UserPoolId=pool, Username=email)
    groups = idp.admin_list_groups_for_user(UserPoolId=pool, Username=email)["Groups"]
    assert [g["GroupName"] for g in groups] == ["consumers"]
