"""The drill reads a token's groups for its own report (a token without the route's group fails setup)."""

import jwt

from ops.drill.identity import token_groups


def test_groups_are_read_from_the_claim():
    token = jwt.encode({"sub": "u1", "cognito:groups": ["providers"]}, "k" * 32, algorithm="HS256")
    assert token_groups(token) == ["providers"]


def test_a_token_without_groups_or_not_a_jwt_has_none():
    assert token_groups(jwt.encode({"sub": "u1"}, "k" * 32, algorithm="HS256")) == []
    assert token_groups("not-a-jwt") == []
