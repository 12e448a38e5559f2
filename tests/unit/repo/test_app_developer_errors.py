"""Every error code the API (or the local front before it) can answer is listed in the Errors section of
docs/app-developers.md, with the status it comes with: an app developer branches on them.

The codes are read from the code itself: the status table (mobile_api.errors.CODES), every string literal
passed as the code of an `ApiError` or `error_response`, each refusal type of the rules
(mobile_api.services.errors) with its status (mobile_api.errors.STATUS_OF) and any literal code a rule
passes to one, and every literal `"error": "..."` the local API front answers on its own.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from mobile_api.errors import CODES, STATUS_OF
from mobile_api.services import errors as refusals

REPO = Path(__file__).resolve().parents[3]
GUIDE = REPO / "docs" / "app-developers.md"
API_SOURCES = sorted((REPO / "lambdas" / "mobile_api").rglob("*.py"))
FRONT = REPO / "ops" / "local" / "api_front.py"
RAISERS = {"ApiError", "error_response"}


def codes_raised_in(path: Path) -> set[tuple[int, str]]:
    """(status, code) of each `ApiError(status, message, "code")` / `error_response(...)` with literals."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in RAISERS):
            continue
        code = (
            node.args[2]
            if len(node.args) > 2
            else next((k.value for k in node.keywords if k.arg == "code"), None)
        )
        status = node.args[0] if node.args else None
        if isinstance(code, ast.Constant) and isinstance(status, ast.Constant):
            found.add((status.value, code.value))
    return found


def refusal_status(name: str) -> int | None:
    """The HTTP status of the refusal type called `name` (its nearest mapped class), None if not one."""
    cls = getattr(refusals, name, None)
    if not (isinstance(cls, type) and issubclass(cls, refusals.Refused)):
        return None
    return next(STATUS_OF[c] for c in cls.__mro__ if c in STATUS_OF)


def codes_refused_in(path: Path) -> set[tuple[int, str]]:
    """(status, code) of each `Refusal("message", "code")` or `Refusal("message", code="code")` a rule raises
    with a literal code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        status = refusal_status(node.func.id)
        keyword = next((k.value for k in node.keywords if k.arg == "code"), None)
        code = node.args[1] if len(node.args) > 1 else keyword
        if status is not None and isinstance(code, ast.Constant):
            found.add((status, code.value))
    return found


def codes_in_the_code() -> set[tuple[int, str]]:
    codes = {(status, code) for status, code in CODES.items()}
    for cls in vars(refusals).values():
        if isinstance(cls, type) and issubclass(cls, refusals.Refused) and cls.code is not None:
            codes.add((refusal_status(cls.__name__), cls.code))
    for path in API_SOURCES:
        codes |= codes_raised_in(path) | codes_refused_in(path)
    front = FRONT.read_text()
    for match in re.finditer(r'_send\(\s*(\d{3}),\s*\{"error": "([a-z_]+)"', front):
        codes.add((int(match[1]), match[2]))
    return codes


def errors_section() -> str:
    text = GUIDE.read_text()
    start = text.index("\n## Errors")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def documented_codes() -> set[tuple[int, str]]:
    """Table rows `| 401 | `code` |` and prose `503 `code`` / `411 `code``."""
    section = errors_section()
    rows = {(int(m[1]), m[2]) for m in re.finditer(r"^\|\s*(\d{3})\s*\|\s*`([a-z_]+)`", section, re.M)}
    prose = {(int(m[1]), m[2]) for m in re.finditer(r"\b(\d{3}) `([a-z_]+)`", section)}
    return rows | prose


def test_the_scan_finds_the_codes_beyond_the_status_table():
    found = codes_in_the_code()
    assert {(401, "id_token_required"), (409, "version_conflict"), (400, "bad_cursor")} <= found
    assert (503, "region_unavailable") in found
    assert {(422, "platform_unavailable"), (422, "idempotency_mismatch")} <= found  # the rules' own codes
    assert (409, "already_provider") in found  # a rule's code given by keyword


def test_every_error_code_is_in_the_guide():
    missing = sorted(codes_in_the_code() - documented_codes())
    assert missing == [], f"error codes the API answers but {GUIDE.name}'s Errors section omits: {missing}"


def test_the_guide_lists_no_code_the_api_never_answers():
    stale = sorted(documented_codes() - codes_in_the_code())
    assert stale == [], f"{GUIDE.name} lists codes nothing answers: {stale}"
