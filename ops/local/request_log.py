"""One log line per request the local API fronts answer, as API Gateway's access log has them:

    request primary GET /sync/{collection}/{id} 200 12.3ms 4b1c...   (front, method, route, status, latency, request id)

The route is the API's route template (from the committed lambdas/mobile_api/openapi.json), so lines
group by route as CloudWatch's `routeKey` does; a path no route matches is logged as it came.
`ops local logs [--follow]` shows the stack's log with these lines.
"""

from __future__ import annotations

import json
import logging
import re
from functools import cache

from ops.paths import REPO_ROOT

log = logging.getLogger("ops.local.requests")
OPENAPI = REPO_ROOT / "lambdas" / "mobile_api" / "openapi.json"


@cache
def _routes() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    try:
        paths = json.loads(OPENAPI.read_text())["paths"]
    except (OSError, ValueError, KeyError):
        return ()
    return tuple(
        (method.upper(), re.compile("^" + re.sub(r"\{[^/}]+\}", "[^/]+", template) + "$"), template)
        for template, operations in paths.items()
        for method in operations
    )


def route_of(method: str, path: str) -> str:
    for route_method, pattern, template in _routes():
        if route_method == method and pattern.match(path):
            return template
    return path


def log_request(front: str, method: str, path: str, status: int, seconds: float, request_id: str) -> None:
    log.info(
        "request %s %s %s %d %.1fms %s",
        front,
        method,
        route_of(method, path),
        status,
        seconds * 1000,
        request_id,
    )
