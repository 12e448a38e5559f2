"""Fixtures for the API's rules, called as plain functions (no HTTP event, no resolver) against the moto-backed
table, buckets, queue and platform applications of the API suite's `stack` fixture (tests/api/conftest.py)."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from mobile_api.deps import Deps
from mobile_api.identity import Caller
from tests.api.conftest import moto_url, stack  # noqa: F401  (the fixtures this directory builds on)

START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


class FixedClock:
    """A clock that answers `now` until moved: the rules' timestamps become predictable."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def deps(stack) -> Deps:  # noqa: F811
    return Deps.from_settings(stack.settings)


_iat = itertools.count(int(time.time()))


@pytest.fixture
def make_caller() -> Callable[..., Caller]:
    """A signed-in caller with an ID token; each new token has a later `iat` than the last."""

    def make(*groups: str, user_id: str | None = None, issued_at: int | None = None) -> Caller:
        return Caller(
            user_id=user_id or str(uuid.uuid4()),
            email="someone@example.test",
            name=None,
            groups=groups or ("consumers",),
            token_use="id",
            issued_at=issued_at if issued_at is not None else next(_iat),
        )

    return make
