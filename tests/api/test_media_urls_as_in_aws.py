"""What POST /media/uploads and GET /media/{id} hand out when the API runs in AWS (no CDN, no endpoint URL).

S3 refuses Signature Version 2 for buckets created after June 2020 and for SSE-KMS objects, and the media
buckets are both, so every URL must be SigV4 for the bucket's own region on its regional host. Presigning
is local arithmetic, so the S3 client is built exactly as in AWS (endpoint_url None, the fixture's fake
credentials) while the table stays on the emulator.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from backend_core import aws
from mobile_api.app import build_app
from mobile_api.deps import Deps
from tests.api.conftest import Api

CREDENTIAL = re.compile(r"^(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)/s3/aws4_request$")
SIGV2_NAMES = {"awsaccesskeyid", "signature", "expires"}


@pytest.fixture(params=["us-east-1", "us-west-2", "eu-central-1"])
def api_in_aws(request, stack, monkeypatch):
    """The API of one region as deployed: its own region and bucket, S3 URLs with no endpoint override."""
    region = request.param
    # A Lambda role's credentials are temporary (a session token), and the process-wide boto3 session keeps
    # the credentials it first found: start a fresh one so a session made earlier in the run without a
    # token is not the one used here.
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setattr(aws, "_session", None)
    bucket = f"mbt-dev-media-{region}-123456789012"
    settings = stack.settings.model_copy(update={"media_bucket": bucket})
    deps = Deps.from_settings(settings)  # table, queues: the emulator
    deps.s3 = aws.client("s3", settings.model_copy(update={"region": region, "endpoint_url": None}))
    app = build_app(settings, deps)
    return Api(lambda event, context: app.resolve(event, context)), region, bucket, settings


def assert_credential(value: str, region: str) -> None:
    match = CREDENTIAL.match(value)
    assert match, value
    assert match["region"] == region, f"credential scoped to {match['region']}, bucket is in {region}"
    assert match["date"] == datetime.now(UTC).strftime("%Y%m%d")


def test_upload_is_a_sigv4_post_to_the_buckets_regional_host(api_in_aws, make_user):
    api, region, bucket, settings = api_in_aws
    user = make_user()
    grant = api("POST", "/media/uploads", user, {"content_type": "image/png", "size": 1024})
    assert grant.status == 201, grant.body
    upload = grant.body["upload"]
    assert upload["url"] == f"https://{bucket}.s3.{region}.amazonaws.com/"

    fields = upload["fields"]
    assert not SIGV2_NAMES & {name.lower() for name in fields}, f"SigV2 fields: {sorted(fields)}"
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert_credential(fields["x-amz-credential"], region)
    assert re.fullmatch(r"\d{8}T\d{6}Z", fields["x-amz-date"])
    assert re.fullmatch(r"[0-9a-f]{64}", fields["x-amz-signature"])
    assert fields["x-amz-security-token"] == "testing"  # a Lambda role's credentials are temporary
    assert fields["key"] == f"users/{user.sub}/media/{grant.body['id']}"

    # SigV4 signs the policy, and the policy itself must name the algorithm, credential and date.
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    for name in ("x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-security-token", "key"):
        assert {name: fields[name]} in conditions, name
    assert {"bucket": bucket} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, 1024] in conditions
    expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    lifetime = (expires - datetime.now(UTC)).total_seconds()
    assert settings.upload_url_seconds - 60 < lifetime <= settings.upload_url_seconds


def test_download_is_a_sigv4_url_on_the_buckets_regional_host(api_in_aws, make_user):
    api, region, bucket, settings = api_in_aws
    user = make_user()
    grant = api("POST", "/media/uploads", user, {"content_type": "image/jpeg", "size": 10})
    link = api("GET", f"/media/{grant.body['id']}", user)
    assert link.status == 200, link.body

    url = urlsplit(link.body["url"])
    assert (url.scheme, url.netloc) == ("https", f"{bucket}.s3.{region}.amazonaws.com")
    assert url.path == f"/users/{user.sub}/media/{grant.body['id']}"
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert not SIGV2_NAMES & {name.lower() for name in query}, f"SigV2 parameters: {sorted(query)}"
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert_credential(query["X-Amz-Credential"], region)
    assert query["X-Amz-Expires"] == str(settings.download_url_seconds)
    assert query["X-Amz-SignedHeaders"] == "host"
    assert query["X-Amz-Security-Token"] == "testing"
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"])
