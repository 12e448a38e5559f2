"""One rule for missing prerequisites (a plan, checkov, the provider schema, registry access).

On a developer's machine a test whose prerequisite is missing is skipped with the reason printed. In CI
(`CI` set, as .ci/run and GitHub Actions do) it fails instead: CI must never skip the offline Terraform
and policy checks.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (in CI a missing prerequisite is a failure, never a skip)", pytrace=False)
    pytest.skip(reason)
