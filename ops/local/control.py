"""The client of the running stack's control endpoint (`ops/local/control_server.py` lists its routes).

Imports nothing of the stack, moto or the stand-ins: `ops local`, the drill, the demo and the tests call the
stack through here from processes that never run it.
"""

from __future__ import annotations

import requests


class ControlError(Exception):
    """The control endpoint refused or could not be reached; one line for the operator."""


def call(control_url: str, method: str, path: str, body: dict | None = None, timeout: float = 60) -> dict:
    """Call the running stack's control endpoint: the answer's JSON document.

    Raises ControlError with the endpoint's `message` (HTTP 4xx/5xx), or saying it did not answer.
    """
    try:
        response = requests.request(method, f"{control_url}{path}", json=body, timeout=timeout)
    except requests.RequestException as exc:
        raise ControlError(
            f"the local stack does not answer at {control_url} ({type(exc).__name__})"
        ) from exc
    try:
        document = response.json()
    except ValueError as exc:
        raise ControlError(
            f"unexpected answer from the control endpoint (HTTP {response.status_code})"
        ) from exc
    if response.status_code >= 400:
        raise ControlError(document.get("message", f"HTTP {response.status_code}"))
    return document
