"""Request bodies are strict JSON (RFC 8259) that DynamoDB, SQS and every client can hold, checked before
anything parses them for the routes.

Limits, each with its source:
- depth: at most 32 nested objects/arrays (DynamoDB's limit for nested attributes, "Nested attribute depth",
  docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html); deeper input is a 422, never a
  RecursionError.
- numbers: finite, at most 38 significant digits, magnitude 1E-130 to 9.9...9E+125 or 0 (DynamoDB's Number
  type, same page); `NaN`, `Infinity` and numbers that overflow a double (`1e400`) are not JSON (RFC 8259 s.6)
  and are refused, so no response can ever contain them.
- strings: valid Unicode; a lone UTF-16 surrogate (`"\\ud800"`) is refused (RFC 8259 s.8.2: such a string is
  not interoperable, and strict decoders such as Swift's JSONDecoder reject it).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_DEPTH = 32
MAX_NUMBER_DIGITS = 38
MIN_EXPONENT, MAX_EXPONENT = -130, 125


class StrictJsonError(ValueError):
    """The body is not acceptable JSON; `status` is 400 (not JSON at all) or 422 (JSON we cannot hold)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def nesting_depth(text: str) -> int:
    """The deepest nesting of objects/arrays in a JSON text, counted without recursion (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _number(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - json only hands over valid number literals
        raise StrictJsonError(400, f"invalid number {text[:40]}") from exc
    if value.is_zero():
        return value
    # Significant digits without trailing zeros (normalize() would round to the context's 28 digits first).
    digits = len("".join(map(str, value.as_tuple().digits)).rstrip("0"))
    if digits > MAX_NUMBER_DIGITS:
        raise StrictJsonError(422, f"number {text[:40]} has more than {MAX_NUMBER_DIGITS} significant digits")
    if not MIN_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        raise StrictJsonError(422, f"number {text[:40]} is out of range (1E-130 to 9.9E+125)")
    return value


def _parse_int(text: str) -> int:
    _number(text)
    return int(text)


def _parse_float(text: str) -> float:
    _number(text)
    value = float(text)
    if not math.isfinite(value):  # pragma: no cover - caught by the exponent range above
        raise StrictJsonError(422, f"number {text[:40]} is out of range")
    return value


def _refuse_constant(name: str) -> Any:
    raise StrictJsonError(422, f"{name} is not a JSON number (RFC 8259): send a finite number or null")


def _check_strings(value: Any) -> None:
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            _check_text(current)
        elif isinstance(current, dict):
            for key, item in current.items():
                _check_text(key)
                stack.append(item)
        elif isinstance(current, list):
            stack.extend(current)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise StrictJsonError(422, "strings must be valid Unicode: a lone UTF-16 surrogate is not") from exc


def parse(text: str) -> Any:
    """The parsed body; StrictJsonError (400 or 422, with the reason) when it is not acceptable."""
    if nesting_depth(text) > MAX_DEPTH:
        raise StrictJsonError(422, f"JSON nested deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_refuse_constant
        )
    except StrictJsonError:
        raise
    except (ValueError, RecursionError) as exc:
        raise StrictJsonError(400, "request body is not valid JSON") from exc
    _check_strings(value)
    return value


def dumps(value: Any) -> str:
    """Serialise a response: never NaN/Infinity (ValueError instead of an invalid document)."""
    return json.dumps(value, allow_nan=False, ensure_ascii=False)
