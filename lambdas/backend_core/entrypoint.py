"""The `lambda_handler` every function exposes: built on first invoke, wrapped in tracing and metrics.

Building on first invoke (not at import) keeps the settings error of a misconfigured function in its log
with the event that hit it, and loads X-Ray only in Lambda, never in tests that import the module.
"""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools import Metrics, Tracer

Handler = Callable[[dict, object], dict]


def lazy_lambda_handler(
    service: str, build: Callable[[], Handler], metrics: Metrics | None = None
) -> Handler:
    """A Lambda entry point that calls `build()` once, on the first invoke, and wraps what it returns in
    `Tracer(service).capture_lambda_handler` and, when given, `metrics.log_metrics` (flushing EMF after
    each invoke). Exceptions of `build` (a settings error, say) propagate to Lambda on every invoke."""
    built: list[Handler] = []

    def lambda_handler(event: dict, context: object) -> dict:
        if not built:
            handler = build()
            if metrics is not None:
                handler = metrics.log_metrics(handler)
            built.append(Tracer(service=service).capture_lambda_handler(handler))
        return built[0](event, context)

    return lambda_handler
