"""The API benchmark's usage-event measurement, small (benchmarks/api_bench.py; full size: `make bench`): the
"on" handler really writes one line per request and the "off" one none, and no line reaches stdout (the
report) while the bench runs; the logger is as it was afterwards. No timing is asserted."""

from __future__ import annotations

import logging

from backend_core.usage_events import USAGE_LOGGER
from benchmarks.api_bench import quiet_usage_lines, usage_event_cost
from mobile_api.app import create_handler


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_usage_event_cost_runs_bounded_and_keeps_the_lines_out_of_stdout(stack, capfd):
    logger = logging.getLogger(USAGE_LOGGER)
    before = list(logger.handlers)
    seen = Lines()
    with quiet_usage_lines():
        on = create_handler(stack.settings)
        off = create_handler(stack.settings.model_copy(update={"usage_stream_name": ""}))
        logger.addHandler(seen)
        try:
            out = usage_event_cost(on, off, 3, seconds=60)
        finally:
            logger.removeHandler(seen)
    assert capfd.readouterr().out == ""
    assert logger.handlers == before
    assert set(out) == {"GET /health", "PUT /sync/{collection}/{id}"}
    assert all(route["pairs"] == 3 and route["ratio_p50"] > 0 for route in out.values())
    assert out["PUT /sync/{collection}/{id}"]["statuses"] == {200: 6}  # one create, then updates, on and off
    low, high = out["GET /health"]["ratio_p50_ci95"]
    assert low <= high
    routes = sorted(line.split('"route":"')[1].split('"')[0] for line in seen.lines)
    assert routes == ["GET /health"] * 3 + ["PUT /sync/{collection}/{id}"] * 3  # "on" only, one per request
