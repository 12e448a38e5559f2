"""The suite's parallel run: `make test` runs pytest in two worker processes, a test file at a time
(tests/parallel_units.py says what stays together, and why)."""

from __future__ import annotations

import pytest

from tests.parallel_units import FileScheduling


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: without xdist (-p no:xdist) it is never called
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> FileScheduling:
    return FileScheduling(config, log)
