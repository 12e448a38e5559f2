"""The load test, small and bounded (a few seconds per phase): signed-in users through the primary front get
no 5xx at the env's limits, and 429s but still no 5xx when the stage throttle is below the offered load; every
4xx is one the API gives this mix for a reason (EXPECTED_REFUSALS).
Full size and the plot: `make bench` (benchmarks/load_test.py)."""

from __future__ import annotations

import pytest

from benchmarks.load_test import run_phases

pytestmark = pytest.mark.integration


def test_below_the_throttle_no_5xx_above_it_429s_and_still_no_5xx(local_stack):
    report = run_phases(local_stack, users=4, seconds=6, max_requests=300, accounts=2)
    below, above = report["below_throttle"], report["above_throttle"]
    assert below["requests"] > 0 and above["requests"] > 0
    assert below["server_errors"] == 0, below["statuses"]
    assert below["throttled"] == 0, below["statuses"]  # the env's throttle admits this load
    assert above["throttled"] > 0, above["statuses"]
    assert above["server_errors"] == 0, above["statuses"]
    # Every 4xx is one a correct API gives this mix (the throttle's 429, a version conflict between two devices
    # of one account: 4 users share 2 accounts here); anything else is listed with its body.
    assert below["unexplained_refusals"] == 0, below["refusals"]
    assert above["unexplained_refusals"] == 0, above["refusals"]
    assert all(route["p99_ms"] >= route["p50_ms"] > 0 for route in below["routes"].values())
