"""Every S3 client the functions build (backend_core.aws) signs SigV4 for its own region.

The API presigns uploads and downloads, the TTL archiver writes and the drill reads through such clients;
S3 refuses SigV2 for the media buckets, so the signing is fixed in the one place clients are built.
Presigning needs no network: these run with fake credentials and no endpoint, as in AWS.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from backend_core import aws
from backend_core.settings import FunctionSettings

FAKE = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    for name, value in FAKE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setattr(
        aws, "_session", None
    )  # the shared session caches credentials: use the fake ones here


def presigned_get(settings: FunctionSettings, bucket: str = "mbt-dev-media") -> tuple:
    url = aws.client("s3", settings).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "users/u/media/m"}, ExpiresIn=60
    )
    parts = urlsplit(url)
    return parts, {k: v[0] for k, v in parse_qs(parts.query).items()}


@pytest.mark.parametrize("region", ["us-east-1", "us-west-2", "ap-southeast-2"])
def test_in_aws_urls_are_sigv4_virtual_hosted_on_the_regional_endpoint(region):
    parts, query = presigned_get(FunctionSettings(region=region, table_name="t"))
    assert parts.netloc == f"mbt-dev-media.s3.{region}.amazonaws.com"  # never the global s3.amazonaws.com
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Credential"].split("/")[2:] == [region, "s3", "aws4_request"]
    assert "AWSAccessKeyId" not in query and "Signature" not in query


def test_against_the_emulator_the_endpoint_url_stays_and_requests_are_path_style():
    settings = FunctionSettings(region="us-west-2", table_name="t", endpoint_url="http://127.0.0.1:4566")
    parts, query = presigned_get(settings)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "http",
        "127.0.0.1:4566",
        "/mbt-dev-media/users/u/media/m",
    )
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Credential"].split("/")[2] == "us-west-2"


def test_other_services_keep_their_own_signing():
    settings = FunctionSettings(region="us-west-2", table_name="t")
    assert aws.client("dynamodb", settings).meta.config.signature_version in (None, "v4")
