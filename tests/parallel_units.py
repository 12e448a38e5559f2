"""How the suite shares two worker processes (the hook is in tests/conftest.py): `make test` runs pytest with `-n 2 --no-loadscope-reorder`
(pytest-xdist), so the 2-core CI machine runs the suite on both cores (a serial run keeps ~1.1 busy).

A unit of work is a test file: its tests run in one worker, in file order, as in a serial run, so a module's
fixtures and order hold. Workers take the units in collection order (the many small unit-test files last,
which keeps both workers busy to the end). Each worker that runs a test needing the local stack starts its
own (free ports, its own state dir).

One unit is bigger: tests/api, whole. Its in-process moto server keeps the API tests' tables for the session,
and `mock_aws` (the unit tests' in-process moto) resets every in-process moto backend when it starts: an API
test file run after a `mock_aws` test in the same worker would find its tables gone. As one unit, nothing
runs between the API tests, as in a serial run.

The units come from our own scheduler (xdist's `pytest_xdist_make_scheduler` hook) rather than
`--dist loadgroup`: xdist 3.8 marks a group by rewriting `item._nodeid`, which pytest 9.2 no longer reads
(a node's id is `item._id`), so its groups fall apart into single tests.

Without `-n` (one file, one directory) nothing here applies: the tests run in one process as before.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

WHOLE_DIRECTORIES = ("tests/api/",)


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: `tests/api` for every test under tests/api, else its file
    (`tests/local/test_ttl.py::test_x` -> `tests/local/test_ttl.py`)."""
    path = nodeid.split("::", 1)[0]
    for directory in WHOLE_DIRECTORIES:
        if path.startswith(directory):
            return directory.rstrip("/")
    return path


class FileScheduling(LoadScopeScheduling):
    """xdist's scope scheduling with `work_unit` as the scope."""

    def _split_scope(self, nodeid: str) -> str:
        return work_unit(nodeid)
