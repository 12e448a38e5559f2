"""Small pure pieces: group claim parsing, cursors, key safety, settings from the environment."""

from __future__ import annotations

import pytest

from backend_core import keys
from backend_core.settings import FunctionSettings
from mobile_api import cursors
from mobile_api.errors import ApiError
from mobile_api.identity import caller_of, parse_groups


@pytest.mark.parametrize(
    ("raw", "groups"),
    [
        ("[consumers]", ("consumers",)),
        ("[consumers providers]", ("consumers", "providers")),
        ("providers", ("providers",)),
        ('["consumers","providers"]', ("consumers", "providers")),
        (["providers"], ("providers",)),
        ("", ()),
        (None, ()),
    ],
)
def test_group_claim_renderings(raw, groups):
    assert parse_groups(raw) == groups


def test_caller_needs_a_sub():
    assert caller_of({"requestContext": {"authorizer": {"jwt": {"claims": {"email": "a@b"}}}}}) is None
    assert caller_of({}) is None
    caller = caller_of(
        {
            "requestContext": {
                "authorizer": {"jwt": {"claims": {"sub": "u1", "cognito:groups": "[providers]"}}}
            }
        }
    )
    assert caller is not None and caller.role == "provider" and caller.is_provider and not caller.is_consumer


def test_sync_cursor_round_trip_and_rejects_garbage():
    assert cursors.sync_seq(cursors.sync_cursor(42)) == 42
    assert cursors.sync_seq(None) == 0
    for bad in (
        "",
        "%%%",
        "bnVsbA",
        "eyJzIjoiMSJ9",
        "eyJzIjp0cnVlfQ",
    ):  # "", junk, null, {"s":"1"}, {"s":true}
        with pytest.raises(ApiError) as err:
            cursors.sync_seq(bad)
        assert err.value.status == 400


def test_inbox_cursor_cannot_point_outside_the_inbox():
    assert cursors.inbox_sk(cursors.inbox_cursor("NOTIF#2026#abc")) == "NOTIF#2026#abc"
    with pytest.raises(ApiError):
        cursors.inbox_sk(cursors.encode({"k": "PROFILE"}))


@pytest.mark.parametrize("bad", ["a#b", "", "x" * 129, "a/b", "ü"])
def test_key_parts_cannot_smuggle_separators(bad):
    with pytest.raises(keys.InvalidKeyPart):
        keys.sync_item("user", bad, "id")


def test_sequence_keys_sort_like_numbers():
    assert sorted([keys.seq_key(n) for n in (10, 9, 100)]) == [keys.seq_key(n) for n in (9, 10, 100)]


def test_settings_from_environment():
    settings = FunctionSettings.from_env(
        {
            "AWS_REGION": "us-west-2",
            "TABLE_NAME": "t",
            "PLATFORM_APP_ARN_FCM": "arn:fcm",
            "CDN_DOMAIN": "",
        }
    )
    assert settings.region == "us-west-2" and settings.endpoint_url is None and settings.cdn_domain is None
    assert settings.platform_app_arns.fcm == "arn:fcm" and settings.platform_app_arns.apns is None
