"""CORS for web clients comes from env data: each env's HTTP APIs (both regions) allow exactly the
origins of its tfvars' api.cors_allowed_origins."""

from __future__ import annotations

import re
from pathlib import Path

from tests.terraform.conftest import is_live_channel

ENVS_DIR = Path(__file__).resolve().parents[2] / "terraform" / "envs"


def tfvars_origins(env: str) -> set[str]:
    found = re.search(
        r"^\s*cors_allowed_origins\s*=\s*\[([^\]]*)\]", (ENVS_DIR / f"{env}.tfvars").read_text(), re.M
    )
    return set(re.findall(r'"([^"]+)"', found[1])) if found else set()


def test_http_apis_allow_the_env_origins(plan: dict) -> None:
    apis = [
        c
        for c in plan["resource_changes"]
        if c["type"] == "aws_apigatewayv2_api"
        and c["mode"] == "managed"
        and not is_live_channel(c["address"])
    ]  # the live channel's WebSocket APIs have no CORS (browsers do not preflight a WebSocket)
    assert len(apis) == 2, [c["address"] for c in apis]  # primary and DR
    expected = tfvars_origins(plan["_env"])
    assert expected, f"{plan['_env']}: no cors_allowed_origins in its tfvars"
    for api in apis:
        [config] = api["change"]["after"]["cors_configuration"]
        assert set(config["allow_origins"]) == expected, api["address"]
        assert "*" not in config["allow_origins"]
