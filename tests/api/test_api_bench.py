"""The API benchmark's usage-event measurement, small (benchmarks/api_bench.py; full size: `make bench`): the
"on" handler really writes one line per request and the "off" one none, and no line reaches stdout (the
report) while the bench runs; the line writer is as it was afterwards. No timing is asserted."""

from __future__ import annotations

from benchmarks.api_bench import quiet_usage_lines, usage_event_cost
from mobile_api.app import create_handler
from mobile_api.usage import line_writer, set_line_writer


def test_usage_event_cost_runs_bounded_and_keeps_the_lines_out_of_stdout(stack, capfd):
    before = line_writer()
    seen: list[str] = []
    with quiet_usage_lines():
        on = create_handler(stack.settings)
        off = create_handler(stack.settings.model_copy(update={"usage_stream_name": ""}))
        quiet = line_writer()
        assert quiet is not before

        def both(line: str) -> None:  # what the bench writes, seen here too
            seen.append(line)
            quiet(line)

        set_line_writer(both)
        try:
            out = usage_event_cost(on, off, 3, seconds=60)
        finally:
            set_line_writer(quiet)
    assert capfd.readouterr().out == ""
    assert line_writer() is before
    assert set(out) == {"GET /health", "PUT /sync/{collection}/{id}"}
    assert all(route["pairs"] == 3 and route["ratio_p50"] > 0 for route in out.values())
    assert out["PUT /sync/{collection}/{id}"]["statuses"] == {200: 6}  # one create, then updates, on and off
    low, high = out["GET /health"]["ratio_p50_ci95"]
    assert low <= high
    routes = sorted(line.split('"route":"')[1].split('"')[0] for line in seen)
    assert routes == ["GET /health"] * 3 + ["PUT /sync/{collection}/{id}"] * 3  # "on" only, one per request
