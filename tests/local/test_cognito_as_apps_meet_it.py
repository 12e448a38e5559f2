"""The local Cognito as an app meets it (ops/local/stand_ins/cognito_srp.py, cognito_mail.py, cognito_tokens.py):
sign-up codes by e-mail, SRP that checks the password, Cognito's claims in both tokens, refresh with
GetTokensFromRefreshToken, sign-out's RevokeToken, and the token-age knob. Each refusal is the one Cognito
answers (code and message), never kinder."""

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


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _code(stack: LocalStackHandle, email: str) -> str:
    messages = control.call(stack.control_url, "POST", "/inspect/mail", {"to": email})["messages"]
    return messages[0]["code"]


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def _sign_in(stack: LocalStackHandle, email: str, password: str) -> dict:
    srp = AWSSRP(
        username=email,
        password=password,
        pool_id=stack.outputs.auth.user_pool_id,
        client_id=stack.outputs.auth.client_id,
        client=stack.client("cognito-idp"),
    )
    return srp.authenticate_user()["AuthenticationResult"]


@pytest.fixture
def signed_up(local_stack: LocalStackHandle) -> tuple[str, str, str]:
    """(email, password, sub) of a user who signed up as the app does, not yet confirmed."""
    email, password = f"app-{uuid.uuid4().hex[:10]}@example.com", new_password()
    answer = local_stack.client("cognito-idp").sign_up(
        ClientId=local_stack.outputs.auth.client_id,
        Username=email,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    assert answer["UserConfirmed"] is False
    # Cognito describes where the code went: the pool auto-verifies email, so an e-mail, masked.
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    return email, password, answer["UserSub"]


def test_sign_up_code_is_mailed_and_checked(local_stack: LocalStackHandle, signed_up) -> None:
    email, password, _ = signed_up
    idp, client_id = local_stack.client("cognito-idp"), local_stack.outputs.auth.client_id
    first = _code(local_stack, email)
    assert first.isdigit() and len(first) == 6
    mail = control.call(local_stack.control_url, "POST", "/inspect/mail", {"to": email.upper()})["messages"]
    assert mail[0]["to"] == email and first in mail[0]["body"]

    with pytest.raises(ClientError) as wrong:
        idp.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode="12345x")
    assert _error(wrong) == ("CodeMismatchException", "Invalid verification code provided, please try again.")

    idp.resend_confirmation_code(ClientId=client_id, Username=email)
    second = _code(local_stack, email)
    if second != first:  # one chance in a million that the new code is the old one
        with pytest.raises(ClientError) as old:
            idp.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode=first)
        assert _error(old)[0] == "CodeMismatchException", "a resent code replaces the old one"
    idp.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode=second)

    with pytest.raises(ClientError) as again:
        idp.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode=second)
    assert _error(again) == (
        "NotAuthorizedException",
        "User cannot be confirmed. Current status is CONFIRMED",
    )
    user = idp.admin_get_user(UserPoolId=local_stack.outputs.auth.user_pool_id, Username=email)
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    assert _sign_in(local_stack, email, password)["IdToken"]


def test_srp_refuses_a_wrong_password(local_stack: LocalStackHandle) -> None:
    user = local_stack.create_user("consumers")
    with pytest.raises(ClientError) as wrong:
        _sign_in(local_stack, user.email, user.password + "x")
    assert _error(wrong) == ("NotAuthorizedException", "Incorrect username or password.")
    assert _sign_in(local_stack, user.email, user.password)["AccessToken"]
    # No account at that address: the same answer, so sign-in tells nobody who has an account.
    with pytest.raises(ClientError) as unknown:
        _sign_in(local_stack, f"nobody-{uuid.uuid4().hex[:8]}@example.com", user.password)
    assert _error(unknown) == ("NotAuthorizedException", "Incorrect username or password.")


def test_tokens_carry_cognitos_claims_and_refresh_keeps_the_sign_in(
    local_stack: LocalStackHandle, signed_up
) -> None:
    email, password, sub = signed_up
    idp, auth = local_stack.client("cognito-idp"), local_stack.outputs.auth
    idp.confirm_sign_up(ClientId=auth.client_id, Username=email, ConfirmationCode=_code(local_stack, email))
    idp.admin_add_user_to_group(UserPoolId=auth.user_pool_id, Username=email, GroupName="consumers")
    result = _sign_in(local_stack, email, password)
    id_claims, access = _claims(result["IdToken"]), _claims(result["AccessToken"])

    assert id_claims["email"] == email  # moto alone puts the sub here
    assert id_claims["email_verified"] is True
    assert id_claims["token_use"] == "id" and access["token_use"] == "access"
    assert id_claims["aud"] == auth.client_id and "client_id" not in id_claims
    assert access["client_id"] == auth.client_id and "aud" not in access
    assert id_claims["iss"] == access["iss"] == auth.issuer
    assert id_claims["sub"] == access["sub"] == sub
    assert id_claims["cognito:username"] == access["username"] == sub  # email-as-username pool: the sub
    assert id_claims["cognito:groups"] == access["cognito:groups"] == ["consumers"]
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert "email" not in access
    assert id_claims["event_id"] == access["event_id"]
    assert id_claims["auth_time"] == access["auth_time"] <= id_claims["iat"] < id_claims["exp"]

    refreshed = idp.get_tokens_from_refresh_token(
        ClientId=auth.client_id, RefreshToken=result["RefreshToken"]
    )
    again = _claims(refreshed["AuthenticationResult"]["IdToken"])
    assert again["jti"] != id_claims["jti"]
    assert (again["auth_time"], again["event_id"], again["origin_jti"]) == (
        id_claims["auth_time"],
        id_claims["event_id"],
        id_claims["origin_jti"],
    ), "a refresh is the same sign-in"
    assert (
        local_stack.request("GET", "/me", token=refreshed["AuthenticationResult"]["IdToken"]).json()["email"]
        == email
    )


def test_revoked_refresh_token_no_longer_refreshes(local_stack: LocalStackHandle) -> None:
    user = local_stack.create_user("consumers")
    idp, client_id = local_stack.client("cognito-idp"), local_stack.outputs.auth.client_id
    refresh = _sign_in(local_stack, user.email, user.password)["RefreshToken"]
    assert idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=refresh)["AuthenticationResult"]
    idp.revoke_token(Token=refresh, ClientId=client_id)
    with pytest.raises(ClientError) as revoked:
        idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=refresh)
    assert _error(revoked)[0] == "NotAuthorizedException"
    with pytest.raises(ClientError) as old_flow:
        idp.initiate_auth(
            ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh}
        )
    assert _error(old_flow)[0] == "NotAuthorizedException"


def test_refresh_needs_the_client_to_allow_it(local_stack: LocalStackHandle) -> None:
    idp, pool_id = local_stack.client("cognito-idp"), local_stack.outputs.auth.user_pool_id
    srp_only = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"srp-only-{uuid.uuid4().hex[:6]}",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"],
    )["UserPoolClient"]["ClientId"]
    try:
        with pytest.raises(ClientError) as refused:
            idp.get_tokens_from_refresh_token(ClientId=srp_only, RefreshToken="any")
        assert _error(refused) == (
            "InvalidParameterException",
            "REFRESH_TOKEN_AUTH flow not enabled for this client",
        )
    finally:
        idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=srp_only)


def test_token_age_knob_issues_expired_tokens(local_stack_clean: LocalStackHandle) -> None:
    stack = local_stack_clean
    user = stack.create_user("consumers")
    knob = stack.control_url
    assert control.call(knob, "POST", "/identity/token-age", {"seconds": 3700}) == {"token_age_seconds": 3700}
    try:
        aged = _sign_in(stack, user.email, user.password)["IdToken"]
    finally:
        control.call(knob, "POST", "/identity/token-age", {"seconds": 0})
    claims = _claims(aged)
    assert claims["exp"] < claims["iat"] + 3700
    answer = stack.request("GET", "/me", token=aged)
    assert (answer.status_code, answer.json()) == (401, {"error": "unauthorized", "message": "token expired"})
    fresh = _sign_in(stack, user.email, user.password)["IdToken"]
    assert stack.request("GET", "/me", token=fresh).status_code == 200
    with pytest.raises(control.ControlError, match="token age must be"):
        control.call(knob, "POST", "/identity/token-age", {"seconds": -1})
