"""Small pure pieces: group claim parsing, cursors, key safety, settings from the environment."""

from __future__ import annotations

import pytest

from backend_core import item_keys
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
    regions = ("us-east-1", "us-west-2")
    positions = {"us-east-1": 42, "us-west-2": 7}
    assert cursors.sync_positions(cursors.sync_cursor(positions), regions) == positions
    assert cursors.sync_positions(None, regions) == {}
    assert cursors.sync_cursor({"us-east-1": 0}) is None  # nothing served yet
    # A region this deployment does not have is dropped (nothing of it can be served).
    assert cursors.sync_positions(cursors.encode({"p": {"eu-west-1": 3, "us-west-2": 1}}), regions) == {
        "us-west-2": 1
    }
    for bad in (
        "",
        "%%%",
        "bnVsbA",  # null
        cursors.encode({"s": 1}),  # the single-counter cursor of before: positions per region now
        cursors.encode({"p": {"us-east-1": "1"}}),
        cursors.encode({"p": {"us-east-1": True}}),
        cursors.encode({"p": {"us-east-1": -1}}),
        cursors.encode({"p": {"us-east-1": 10**20}}),  # wider than the key
        cursors.encode({"p": [1]}),
    ):
        with pytest.raises(ApiError) as err:
            cursors.sync_positions(bad, regions)
        assert err.value.status == 400


def test_inbox_cursor_cannot_point_outside_the_inbox():
    position = "2026-11-30T10:00:00.000001Z#abc"
    assert cursors.inbox_position(cursors.inbox_cursor(position)) == position
    for bad in ("PROFILE", "2026-11-30T10:00:00Z#a#b", "x#abc", 7):
        with pytest.raises(ApiError):
            cursors.inbox_position(cursors.encode({"k": bad}))


@pytest.mark.parametrize("bad", ["a#b", "", "x" * 129, "a/b", "ü"])
def test_key_parts_cannot_smuggle_separators(bad):
    with pytest.raises(item_keys.InvalidKeyPart):
        item_keys.sync_copy("user", bad, "id", "us-east-1")


def test_sequence_keys_sort_like_numbers():
    assert sorted([item_keys.seq_key(n) for n in (10, 9, 100)]) == [
        item_keys.seq_key(n) for n in (9, 10, 100)
    ]


def test_settings_from_environment():
    settings = FunctionSettings.from_env(
        {
            "AWS_REGION": "us-west-2",
            "TABLE_NAME": "t",
            "PLATFORM_APP_ARNS_FCM": "arn:fcm",
            "CDN_DOMAIN": "",
        }
    )
    assert settings.region == "us-west-2" and settings.endpoint_url is None and settings.cdn_domain is None
    assert settings.platform_app_arns.fcm == "arn:fcm" and settings.platform_app_arns.apns is None
