"""With a CDN, GET /media/{id} answers a CloudFront signed URL (canned policy, RSA-SHA1) or 503: never unsigned.

Each test makes a throwaway RSA key, stores its private PEM in the emulator's Secrets Manager exactly as the
operator does in AWS, and checks the signature with the public half the way CloudFront does.
"""

from __future__ import annotations

import base64
import json
import socket
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
import rsa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa as rsa_keys

from backend_core.settings import ENV_VARS, FunctionSettings
from mobile_api.app import create_handler
from mobile_api.cdn_signing import CdnUrlSigner, SigningUnavailable, load_private_key
from tests.api.conftest import Api

DOMAIN = "media.example.test"
KEY_PAIR_ID = "K2TESTPUBLICKEY"


class KeyPair:
    def __init__(self) -> None:
        key = rsa_keys.generate_private_key(public_exponent=65537, key_size=2048)
        self.pkcs8 = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        self.pkcs1 = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode()
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )  # the PEM the operator hands Terraform (aws_cloudfront_public_key)
        self.public = rsa.PublicKey.load_pkcs1_openssl_pem(public_pem)


@pytest.fixture(scope="module")
def keys() -> KeyPair:
    return KeyPair()


def put_secret(stack, value: str) -> str:
    return stack.client("secretsmanager").create_secret(
        Name=f"cdn-signing-{uuid.uuid4().hex[:8]}", SecretString=value
    )["ARN"]


def signed_api(stack, secret_arn: str | None, key_pair_id: str | None = KEY_PAIR_ID) -> Api:
    settings = stack.settings.model_copy(
        update={
            "cdn_domain": DOMAIN,
            "cdn_key_pair_id": key_pair_id,
            "cdn_signing_key_secret_arn": secret_arn,
        }
    )
    return Api(create_handler(settings))


def upload(api: Api, user) -> str:
    grant = api("POST", "/media/uploads", user, {"content_type": "image/jpeg", "size": 2048})
    assert grant.status == 201, grant.body
    return grant.body["id"]


def cloudfront_b64decode(text: str) -> bytes:
    """CloudFront's URL-safe base64: '-' for '+', '_' for '=', '~' for '/'."""
    return base64.b64decode(text.replace("-", "+").replace("_", "=").replace("~", "/"))


def canned_policy(resource: str, expires: int) -> bytes:
    """The canned policy CloudFront rebuilds from the URL and Expires, byte for byte."""
    statement = {"Resource": resource, "Condition": {"DateLessThan": {"AWS:EpochTime": expires}}}
    return json.dumps({"Statement": [statement]}, separators=(",", ":")).encode()


@pytest.mark.parametrize("key_format", ["pkcs8", "pkcs1"])
def test_download_url_is_signed_by_the_key_cloudfront_trusts(stack, make_user, keys, key_format):
    """Both PEM flavours `openssl genrsa` writes (PKCS#8 since OpenSSL 3, PKCS#1 with -traditional) sign."""
    api = signed_api(stack, put_secret(stack, getattr(keys, key_format)))
    user = make_user()
    media_id = upload(api, user)
    before = int(time.time())
    link = api("GET", f"/media/{media_id}", user)
    after = int(time.time())
    assert link.status == 200, link.body
    assert link.body["expires_in"] == stack.settings.download_url_seconds

    url = urlsplit(link.body["url"])
    assert (url.scheme, url.netloc) == ("https", DOMAIN)
    assert url.path == f"/users/{user.sub}/media/{media_id}"
    query = dict(parse_qsl(url.query))
    assert sorted(query) == ["Expires", "Key-Pair-Id", "Signature"]
    assert query["Key-Pair-Id"] == KEY_PAIR_ID
    expires = int(query["Expires"])
    lifetime = stack.settings.download_url_seconds
    assert before + lifetime <= expires <= after + lifetime

    resource = f"https://{DOMAIN}{url.path}"
    signature = cloudfront_b64decode(query["Signature"])
    assert rsa.verify(canned_policy(resource, expires), signature, keys.public) == "SHA-1"
    # The signature binds the object and the expiry: another key or a later expiry does not verify.
    with pytest.raises(rsa.VerificationError):
        rsa.verify(canned_policy(f"https://{DOMAIN}/users/other/media/x", expires), signature, keys.public)
    with pytest.raises(rsa.VerificationError):
        rsa.verify(canned_policy(resource, expires + 1), signature, keys.public)


def test_another_users_media_is_still_not_found(stack, make_user, keys):
    api = signed_api(stack, put_secret(stack, keys.pkcs8))
    owner, intruder = make_user(), make_user()
    media_id = upload(api, owner)
    denied = api("GET", f"/media/{media_id}", intruder)
    assert denied.status == 404 and denied.body["error"] == "not_found"
    assert "url" not in denied.body


@pytest.mark.parametrize(
    "key_pair_id, secret",
    [(None, "valid"), (KEY_PAIR_ID, None), (None, None)],
    ids=["no key pair id", "no secret", "neither"],
)
def test_cdn_without_signing_config_fails_closed(stack, make_user, keys, caplog, key_pair_id, secret):
    arn = put_secret(stack, keys.pkcs8) if secret else None
    api = signed_api(stack, arn, key_pair_id)
    user = make_user()
    media_id = upload(api, user)  # uploads never need the signing key
    reply = api("GET", f"/media/{media_id}", user)
    assert reply.status == 503
    assert reply.body == {"error": "unavailable", "message": "downloads are not configured"}
    assert "downloads unavailable" in caplog.text  # the deployment error is logged


@pytest.mark.parametrize(
    "secret",
    ["missing", "not a key", "corrupt key", "encrypted"],
)
def test_unusable_signing_key_answers_503_and_never_logs_the_secret(stack, make_user, keys, caplog, secret):
    if secret == "missing":
        arn = f"arn:aws:secretsmanager:{stack.settings.region}:123456789012:secret:no-such-key-AbCdEf"
        value = ""
    else:
        value = {
            "not a key": keys.pkcs8.replace("PRIVATE KEY", "CERTIFICATE"),
            "corrupt key": "-----BEGIN RSA PRIVATE KEY-----\n" + keys.pkcs1.splitlines()[5] + "\n-----END RSA PRIVATE KEY-----\n",
            "encrypted": "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + keys.pkcs8.splitlines()[3] + "\n-----END ENCRYPTED PRIVATE KEY-----\n",
        }[secret]  # fmt: skip
        arn = put_secret(stack, value)
    api = signed_api(stack, arn)
    user = make_user()
    media_id = upload(api, user)
    reply = api("GET", f"/media/{media_id}", user)
    assert reply.status == 503
    assert reply.body == {"error": "unavailable", "message": "downloads are not configured"}
    logged = caplog.text
    assert "downloads unavailable" in logged
    for line in value.splitlines()[1:-1]:  # no key material in any log line
        assert line not in logged


def test_private_key_is_fetched_once_per_container(stack, make_user, keys):
    """Later downloads sign with the cached key even after the secret is gone (one fetch per container)."""
    arn = put_secret(stack, keys.pkcs8)
    api = signed_api(stack, arn)
    user = make_user()
    media_id = upload(api, user)
    assert api("GET", f"/media/{media_id}", user).status == 200
    stack.client("secretsmanager").delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    again = api("GET", f"/media/{media_id}", user)
    assert again.status == 200
    query = dict(parse_qsl(urlsplit(again.body["url"]).query))
    resource = again.body["url"].split("?")[0]
    policy = canned_policy(resource, int(query["Expires"]))
    assert rsa.verify(policy, cloudfront_b64decode(query["Signature"]), keys.public) == "SHA-1"
    # A new container (new handler) must fetch again, and now fails closed.
    assert signed_api(stack, arn)("GET", f"/media/{media_id}", user).status == 503


def test_unreachable_secrets_manager_is_transient():
    """A network failure says "temporarily unavailable" (retry later), not a deployment error."""
    import boto3
    from botocore.config import Config

    with socket.socket() as sock:  # a loopback port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]

    def client():
        return boto3.client(
            "secretsmanager",
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{free_port}",
            config=Config(connect_timeout=1, retries={"max_attempts": 1}),
        )

    signer = CdnUrlSigner(DOMAIN, KEY_PAIR_ID, "arn:aws:secretsmanager:us-east-1:1:secret:x", client)
    with pytest.raises(SigningUnavailable) as caught:
        signer.url("users/u/media/m", datetime.now(UTC))
    assert caught.value.transient and "unreachable" in caught.value.reason


def test_load_private_key_reads_both_pem_flavours(keys):
    assert load_private_key(keys.pkcs8) == load_private_key(keys.pkcs1.encode())
    assert load_private_key(keys.pkcs1).n == keys.public.n


def test_signing_settings_come_from_the_environment():
    assert {"CDN_KEY_PAIR_ID", "CDN_SIGNING_KEY_SECRET_ARN"} <= set(ENV_VARS)
    arn = "arn:aws:secretsmanager:us-west-2:123456789012:secret:mbt-dev-cdn-signing-key-AbCdEf"
    settings = FunctionSettings.from_env(
        {
            "TABLE_NAME": "t",
            "CDN_DOMAIN": DOMAIN,
            "CDN_KEY_PAIR_ID": KEY_PAIR_ID,
            "CDN_SIGNING_KEY_SECRET_ARN": arn,
        }
    )
    assert (settings.cdn_key_pair_id, settings.cdn_signing_key_secret_arn) == (KEY_PAIR_ID, arn)
    empty = FunctionSettings.from_env(
        {"TABLE_NAME": "t", "CDN_KEY_PAIR_ID": "", "CDN_SIGNING_KEY_SECRET_ARN": ""}
    )
    assert empty.cdn_key_pair_id is None and empty.cdn_signing_key_secret_arn is None
