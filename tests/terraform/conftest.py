"""Fixtures over the offline plan JSON that `make validate` writes to reports/plans/<env>.json."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

import pytest

from tests.prerequisites import missing

REPO = Path(__file__).resolve().parents[2]
# PLAN_REPORTS points the tests at plans written elsewhere (`ops tf validate --reports DIR` writes DIR/plans).
PLANS = Path(os.environ.get("PLAN_REPORTS") or REPO / "reports" / "plans")
ENVS = sorted(p.stem for p in (REPO / "terraform" / "envs").glob("*.tfvars"))


def load_plan(env: str) -> dict:
    path = PLANS / f"{env}.json"
    if not path.is_file():
        shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        missing(f"no offline plan at {shown}: run `make validate` to produce it")
    return json.loads(path.read_text())


@pytest.fixture(params=ENVS)
def plan(request: pytest.FixtureRequest) -> dict:
    document = load_plan(request.param)
    document["_env"] = request.param
    return document


def changes(plan: dict, resource_type: str) -> list[dict]:
    """Planned `after` values of every managed resource of one type."""
    return [
        c["change"]["after"]
        for c in plan["resource_changes"]
        if c["mode"] == "managed" and c["type"] == resource_type
    ]


def is_live_channel(address: str) -> bool:
    """A resource of the live channel's WebSocket API (terraform/modules/live), not of the HTTP API."""
    return re.search(r"(^|\.)module\.live_(primary|dr)(\[\d+\])?\.", address) is not None


def http_api_changes(plan: dict, resource_type: str) -> list[dict]:
    """`changes` of one type, without the live channel's (its routes and stage are a WebSocket API's)."""
    return [
        c["change"]["after"]
        for c in plan["resource_changes"]
        if c["mode"] == "managed" and c["type"] == resource_type and not is_live_channel(c["address"])
    ]


def addresses(plan: dict, resource_type: str) -> list[str]:
    return [
        c["address"]
        for c in plan["resource_changes"]
        if c["mode"] == "managed" and c["type"] == resource_type
    ]


def variable(plan: dict, name: str):
    return plan["variables"][name]["value"]


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
