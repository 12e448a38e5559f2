"""`make test` runs the suite in two workers a test file at a time (tests/parallel_units.py): each file's
tests in one worker, and tests/api whole."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from tests.parallel_units import work_unit

REPO = Path(__file__).resolve().parents[3]
# Two files that write nothing outside their tmp_path: the nested run goes on beside the suite.
FILES = ("tests/unit/repo/test_doc_links.py", "tests/unit/repo/test_app_developer_errors.py")


def test_a_file_is_a_unit_and_tests_api_is_one():
    assert work_unit("tests/local/test_ttl.py::test_x[a::b]") == "tests/local/test_ttl.py"
    assert work_unit("tests/api/test_bad_input.py::test_x") == "tests/api"
    assert work_unit("tests/api/nested/test_y.py::test_z") == "tests/api"
    assert work_unit("tests/apix/test_y.py::test_z") == "tests/apix/test_y.py"


def test_two_workers_run_each_files_tests_in_one_worker():
    """Through xdist itself: its own `--dist loadgroup` groups fell apart into single tests on pytest 9.2."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--no-loadscope-reorder", "-v", "-p", "no:cacheprovider", *FILES],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]
    workers: dict[str, set[str]] = defaultdict(set)
    for worker, nodeid in re.findall(r"^\[(gw\d+)\] \[\s*\d+%\] PASSED (\S+)", run.stdout, re.M):
        workers[nodeid.split("::")[0]].add(worker)
    assert set(workers) == set(FILES), run.stdout[-2000:]
    assert all(len(used) == 1 for used in workers.values()), dict(workers)
    assert set().union(*workers.values()) == {"gw0", "gw1"}  # both workers were used
