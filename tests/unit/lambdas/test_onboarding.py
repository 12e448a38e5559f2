"""The onboarding rule (lambdas/onboarding): which trigger sources put a user in which group, against moto's
Cognito (AdminAddUserToGroup really runs)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from onboarding.app import create_handler
from onboarding.onboarding import NotAPostConfirmationEvent, group_for
from onboarding.settings import Settings


@pytest.fixture
def pool():
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        pool_id = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
        for group in ("consumers", "providers"):
            idp.create_group(UserPoolId=pool_id, GroupName=group)
        idp.admin_create_user(UserPoolId=pool_id, Username="u1")
        yield idp, pool_id


def _event(pool_id: str, source: str = "PostConfirmation_ConfirmSignUp") -> dict:
    return {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": "u1",
        "callerContext": {"awsSdkVersion": "x", "clientId": "c"},
        "triggerSource": source,
        "request": {"userAttributes": {"sub": "s", "email": "u1@example.com"}},
        "response": {},
    }


def _groups(idp, pool_id: str) -> list[str]:
    return [
        g["GroupName"] for g in idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="u1")["Groups"]
    ]


def test_a_confirmed_sign_up_joins_consumers_and_the_event_is_answered_unchanged(pool) -> None:
    idp, pool_id = pool
    handler = create_handler(Settings(region="us-east-1", table_name="t"))
    event = _event(pool_id)
    assert handler(event, None) == event
    assert _groups(idp, pool_id) == ["consumers"]
    handler(_event(pool_id), None)  # Cognito may retry a trigger: the same single group
    assert _groups(idp, pool_id) == ["consumers"]


def test_a_password_reset_changes_no_group(pool) -> None:
    idp, pool_id = pool
    create_handler(Settings(region="us-east-1", table_name="t"))(
        _event(pool_id, "PostConfirmation_ConfirmForgotPassword"), None
    )
    assert _groups(idp, pool_id) == []


@pytest.mark.parametrize("source", ["PreSignUp_SignUp", None, "TokenGeneration_HostedAuth"])
def test_another_event_is_refused(source) -> None:
    with pytest.raises(NotAPostConfirmationEvent):
        group_for({"triggerSource": source})


def test_never_makes_a_provider() -> None:
    assert group_for({"triggerSource": "PostConfirmation_ConfirmSignUp"}) == "consumers"
