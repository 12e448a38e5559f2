"""The media rules without HTTP: uploads bounded by type and size, downloads of own objects only, a use
recorded per region, and a CDN that cannot sign refuses rather than hand out an unsigned URL."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from backend_core.archival import media_object_key
from mobile_api.clock import iso
from mobile_api.models import MEDIA_LIMITS
from mobile_api.services import media as rules
from mobile_api.services.errors import NotFound, TooLarge, Unavailable


def test_an_upload_is_recorded_under_the_callers_prefix(deps, clock):
    user = uuid.uuid4().hex
    grant = rules.create_upload(deps.media_access, user, "image/png", 1024, clock, new_id=lambda: "m1")
    assert grant.media.object_key == media_object_key(user, "m1") == grant.fields["key"]
    assert grant.expires_in == deps.settings.upload_url_seconds
    assert deps.media.get(user, "m1") == grant.media
    assert grant.media.created_at == iso(clock())


def test_an_upload_over_the_types_cap_is_too_large(deps, clock):
    with pytest.raises(TooLarge):
        rules.create_upload(deps.media_access, "u", "image/png", MEDIA_LIMITS["image/png"] + 1, clock)


def test_a_download_is_of_own_objects_and_is_recorded_as_a_use(deps, clock):
    owner = uuid.uuid4().hex
    grant = rules.create_upload(deps.media_access, owner, "image/jpeg", 10, clock)
    with pytest.raises(NotFound):
        rules.download(deps.media_access, uuid.uuid4().hex, grant.media.media_id, clock)
    clock.advance(30)
    link = rules.download(deps.media_access, owner, grant.media.media_id, clock)
    assert isinstance(link, rules.DownloadLink) and link.media == grant.media
    assert grant.media.object_key in link.url
    use = deps.media.record_use(owner, grant.media.media_id, deps.settings.region, iso(clock()))
    assert use.last_used_at == iso(clock()) and use.restore_requested_at is None


def test_with_a_cdn_but_no_signer_downloads_are_unavailable(deps, clock):
    owner = uuid.uuid4().hex
    grant = rules.create_upload(deps.media_access, owner, "image/png", 10, clock)
    settings = deps.settings.model_copy(update={"cdn_domain": "d111.cloudfront.net"})
    access = rules.MediaAccess(deps.media, deps.s3, None, settings)
    with pytest.raises(Unavailable, match="not configured"):
        rules.download(access, owner, grant.media.media_id, clock)


@pytest.mark.parametrize(
    ("started_seconds_ago", "left"),
    [(None, 600), (100, 500), (599.5, 1), (600, 600), (-5, 600)],  # unknown, running, nearly, over, future
)
def test_a_restores_time_left(clock, started_seconds_ago, left):
    started = None
    if started_seconds_ago is not None:
        started = iso(clock() - timedelta(seconds=started_seconds_ago))
    assert rules.remaining_seconds(started, 600, clock()) == left
