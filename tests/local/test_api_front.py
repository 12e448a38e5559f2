"""The API fronts over HTTP: the JWT authorizer, /health, claims reaching the handler, region knobs."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import jwt
import moto.cognitoidp
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

pytestmark = pytest.mark.integration

MOTO_PRIVATE_KEY = json.loads(
    gzip.decompress(
        (Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz").read_bytes()
    )
)


def _sign_with_emulator_key(claims: dict) -> str:
    """A token signed with the emulated pool's own key, to reach the claim checks past the signature."""
    key = jwt.PyJWK(MOTO_PRIVATE_KEY).key
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": MOTO_PRIVATE_KEY["kid"]})


def _claims(stack, **overrides) -> dict:
    now = int(time.time())
    claims = {
        "iss": stack.outputs.auth.issuer,
        "sub": "00000000-0000-0000-0000-000000000001",
        "aud": stack.outputs.auth.client_id,
        "token_use": "id",
        "iat": now,
        "exp": now + 600,
        "email": "forged@example.com",
    }
    claims.update(overrides)
    return claims


@pytest.mark.parametrize("region", ["primary", "dr", "public"])
def test_unauthenticated_call_gets_401_from_the_front(local_stack, region):
    response = local_stack.request("GET", "/me", region=region)
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "unauthorized"
    assert "missing Authorization" in body["message"]


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda stack: "not-a-jwt", "malformed"),
        (lambda stack: _sign_with_emulator_key(_claims(stack, exp=int(time.time()) - 60)), "expired"),
        (
            lambda stack: _sign_with_emulator_key(_claims(stack, iss="https://evil.example.com/pool")),
            "issuer",
        ),
        (lambda stack: _sign_with_emulator_key(_claims(stack, aud="some-other-client")), "app client"),
        (lambda stack: _sign_with_emulator_key(_claims(stack, token_use="refresh")), "token_use"),
    ],
    ids=["garbage", "expired", "wrong-issuer", "wrong-client", "wrong-token-use"],
)
def test_bad_tokens_are_refused_with_a_reason(local_stack, make_token, reason):
    response = local_stack.request("GET", "/me", token=make_token(local_stack))
    assert response.status_code == 401
    assert reason in response.json()["message"]


def test_token_signed_by_another_key_is_refused(local_stack):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(
        _claims(local_stack), other_key, algorithm="RS256", headers={"kid": MOTO_PRIVATE_KEY["kid"]}
    )
    response = local_stack.request("GET", "/me", token=token)
    assert response.status_code == 401
    assert "Signature verification failed" in response.json()["message"]


@pytest.mark.parametrize("region", ["primary", "dr"])
def test_health_needs_no_token_and_names_its_region(local_stack, region):
    response = local_stack.request("GET", "/health", region=region)
    assert response.status_code == 200
    assert response.json()["region"] == local_stack.region(region)


@pytest.mark.parametrize("region", ["primary", "dr"])
def test_authenticated_health_on_both_fronts(local_stack, region):
    user = local_stack.create_user("consumers")
    response = local_stack.request("GET", "/health", region=region, user=user)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_signed_in_user_reaches_the_handler_with_its_identity(local_stack):
    user = local_stack.create_user("providers")
    response = local_stack.request("GET", "/me", token=user.id_token)
    assert response.status_code == 200, response.text
    assert user.sub in response.text and response.json()["email"] == user.email


def test_an_access_token_passes_the_authorizer_and_the_api_asks_for_the_id_token(local_stack):
    """API Gateway's JWT authorizer accepts both token kinds of the pool (`client_id` for an access token); the
    API reads ID-token claims, so it answers 401 saying which token to send."""
    user = local_stack.create_user("providers")
    response = local_stack.request("GET", "/me", token=user.access_token)
    assert response.status_code == 401
    assert response.json()["error"] == "id_token_required"


def _signed_like_the_pool(local_stack, **claims) -> str:
    """A token signed with the emulated pool's own key (moto's published test key), as Cognito signs."""
    import gzip
    import json
    import time
    from importlib import resources

    import jwt as pyjwt

    private = json.loads(
        gzip.decompress(
            resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()
        )
    )
    key = pyjwt.PyJWK.from_dict(private).key
    now = int(time.time())
    base = {"iss": local_stack.outputs.auth.issuer, "token_use": "id", "iat": now, "exp": now + 600}
    return pyjwt.encode({**base, **claims}, key, algorithm="RS256", headers={"kid": private["kid"]})


def test_an_audience_array_that_holds_the_client_is_accepted_and_odd_tokens_are_401(local_stack):
    """API Gateway accepts an `aud` array containing the app client id (the front dropped the connection on
    one: a TypeError); no token, however odd, is anything but a 401."""
    user = local_stack.create_user("consumers")
    client_id = local_stack.outputs.auth.client_id
    ok = _signed_like_the_pool(local_stack, sub=user.sub, email=user.email, aud=["another-client", client_id])
    reply = local_stack.request("GET", "/me", token=ok)
    assert reply.status_code == 200, reply.text
    refused = _signed_like_the_pool(local_stack, sub=user.sub, aud=["another-client"])
    odd = _signed_like_the_pool(local_stack, sub=user.sub, aud=[{"x": 1}, 7], token_use=["id"])
    for token in (refused, odd, "a.b.c", "x" * 5000):
        reply = local_stack.request("GET", "/me", token=token)
        assert reply.status_code == 401 and reply.json()["error"] == "unauthorized", reply.text


def test_region_down_answers_503_and_public_name_fails_over(local_stack_clean):
    stack = local_stack_clean
    assert stack.request("GET", "/health", region="public").json()["region"] == stack.region("primary")
    stack.region_down("primary")
    try:
        down = stack.request("GET", "/health", region="primary")
        assert down.status_code == 503
        assert down.json()["error"] == "region_unavailable"
        assert stack.status()["regions"] == {"primary": "down", "dr": "up"}
        assert stack.request("GET", "/health", region="dr").status_code == 200
        failed_over = stack.request("GET", "/health", region="public")
        assert failed_over.status_code == 200
        assert failed_over.json()["region"] == stack.region("dr")
    finally:
        stack.region_up("primary")
    assert stack.request("GET", "/health", region="primary").status_code == 200
    assert stack.status()["regions"] == {"primary": "up", "dr": "up"}
