"""The stand-in for the Cognito user pool replica in the DR region: users kept in step (same sub, same
password), its tokens accepted by the fronts, its removal (the drill's fault) answered as AWS answers a
region without a replica, and the calls a secondary refuses."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from ops.local.stand_ins.user_pool_replica import REFUSED_IN_SECONDARY, UserPoolReplica, gateway_rule

pytestmark = pytest.mark.integration


@pytest.fixture
def stack(local_stack_clean, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    return local_stack_clean


def replica_sign_in(stack, user) -> str:
    replica = stack.state["user_pool_replica"]
    srp = AWSSRP(
        username=user.email,
        password=user.password,
        pool_id=replica["user_pool_id"],
        client_id=replica["client_id"],
        client=stack.client("cognito-idp", "dr"),
    )
    return srp.authenticate_user()["AuthenticationResult"]["IdToken"]


def test_an_existing_user_signs_in_in_dr_and_every_front_accepts_the_token(stack):
    user = stack.create_user("consumers")
    token = stack.wait_for(lambda: _try(lambda: replica_sign_in(stack, user)), what="the user in the replica")
    for front in ("dr", "public", "primary"):
        response = stack.request("GET", "/me", front, token=token)
        assert (
            response.status_code == 200 and response.json()["user_id"] == user.sub
        )  # one directory, one sub


def test_removed_replica_answers_like_a_region_without_one_and_comes_back(stack):
    user = stack.create_user("consumers")
    stack.wait_for(lambda: _try(lambda: replica_sign_in(stack, user)), what="the user in the replica")
    stack._control("POST", "/identity/replica/remove")
    try:
        with pytest.raises(ClientError) as refused:
            replica_sign_in(stack, user)
        assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"
        assert stack.status()["components"]["user_pool_replica"]["status"] == "missing"
    finally:
        stack._control("POST", "/identity/replica/restore")
    assert replica_sign_in(stack, user)


def test_a_secondary_refuses_what_aws_refuses_there():
    replica = UserPoolReplica("http://127.0.0.1:1", "us-east-1", "us-west-2", "us-east-1_a", "c")
    replica.user_pool_id, replica.client_id, replica.active = "us-west-2_b", "dr-client", True

    class Refused(Exception):
        def __init__(self, status, code, message):
            super().__init__(message)
            self.code = code

    rule = gateway_rule(replica, Refused)
    environ = {"HTTP_X_AMZ_TARGET": "AWSCognitoIdentityProviderService.SignUp"}
    with pytest.raises(Refused) as refused:
        rule(environ, b'{"ClientId": "dr-client", "Username": "x"}')
    assert refused.value.code == "OperationNotEnabledException"
    rule(
        {"HTTP_X_AMZ_TARGET": "AWSCognitoIdentityProviderService.InitiateAuth"}, b'{"ClientId": "dr-client"}'
    )
    rule(environ, b'{"ClientId": "the-primary-client"}')  # the primary pool is not the replica
    assert {"SignUp", "ForgotPassword", "AdminCreateUser"} <= REFUSED_IN_SECONDARY
    replica.active = False
    with pytest.raises(Refused) as missing:
        rule(
            {"HTTP_X_AMZ_TARGET": "AWSCognitoIdentityProviderService.InitiateAuth"},
            b'{"ClientId": "dr-client"}',
        )
    assert missing.value.code == "ResourceNotFoundException"


def _try(call):
    try:
        return call()
    except ClientError:
        return None
