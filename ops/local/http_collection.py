"""Runs the request collection in docs/requests/*.http against an API, as VS Code's REST Client or
JetBrains' HTTP Client would, so the suite proves every documented request works.

Format (the subset both clients share): requests separated by `###` lines; `# @name NAME` names a
request whose JSON answer later requests read as `{{NAME.response.body.$.field.sub}}`; `{{variable}}`
comes from the caller (or from `@variable = value` lines, which both clients read as file variables:
`ops local seed` prints them); `# expect STATUS` is what the suite checks (the clients ignore it, a comment).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from ops.paths import REPO_ROOT

COLLECTION_DIR = REPO_ROOT / "docs" / "requests"
_VARIABLE = re.compile(r"\{\{\s*([\w.$]+)\s*\}\}")
_FILE_VARIABLE = re.compile(r"^@(\w+)\s*=\s*(\S.*?)\s*$", re.M)
_REQUEST_LINE = re.compile(r"^(GET|POST|PUT|DELETE|PATCH|OPTIONS|HEAD) (\S+)(?: HTTP/1\.1)?$")


@dataclass
class HttpRequest:
    file: str
    title: str
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    name: str | None = None
    expect: str | None = None


@dataclass
class Outcome:
    request: HttpRequest
    status: int
    expected: int
    body: Any

    @property
    def ok(self) -> bool:
        return self.status == self.expected


def parse(path: Path) -> list[HttpRequest]:
    """The requests of one .http file, in order; ValueError on a block without a request line."""
    parsed = []
    for block in re.split(r"^###", path.read_text(), flags=re.M)[1:]:
        lines = block.splitlines()
        title, rest = lines[0].strip(), lines[1:]
        name = expect = None
        while rest and (rest[0].startswith("#") or not rest[0].strip()):
            comment = rest.pop(0)
            if found := re.match(r"#\s*@name\s+(\w+)", comment):
                name = found[1]
            elif found := re.match(r"#\s*expect\s+(\S+)", comment):
                expect = found[1]
            elif comment.startswith("###") or (comment.startswith("#") and "###" in comment):
                continue
        if not rest or not (request_line := _REQUEST_LINE.match(rest[0].strip())):
            raise ValueError(f"{path.name}: request {title!r} has no request line")
        headers, index = {}, 1
        while index < len(rest) and rest[index].strip():
            key, _, value = rest[index].partition(":")
            headers[key.strip()] = value.strip()
            index += 1
        body = "\n".join(rest[index:]).strip()
        parsed.append(
            HttpRequest(path.name, title, request_line[1], request_line[2], headers, body, name, expect)
        )
    return parsed


def file_variables(text: str) -> dict[str, str]:
    """The `@name = value` lines of a text (a .http file's head, or what `ops local seed` prints)."""
    return {match[1]: match[2] for match in _FILE_VARIABLE.finditer(text)}


def collection(directory: Path = COLLECTION_DIR) -> list[HttpRequest]:
    return [request for path in sorted(directory.glob("*.http")) for request in parse(path)]


def run(requests_: list[HttpRequest], variables: dict[str, str], timeout: float = 30) -> list[Outcome]:
    """Send each request in order with its variables filled in; the named answers feed later requests."""
    answers: dict[str, Any] = {}

    def fill(text: str) -> str:
        def value(match: re.Match[str]) -> str:
            reference = match[1]
            if reference in variables:
                return str(variables[reference])
            if ".response.body.$." in reference:
                name, path = reference.split(".response.body.$.", 1)
                found: Any = answers[name]
                for part in path.split("."):
                    found = found[part]
                return found if isinstance(found, str) else json.dumps(found)
            raise KeyError(f"no value for {{{{{reference}}}}}")

        return _VARIABLE.sub(value, text)

    outcomes = []
    for request in requests_:
        reply = requests.request(
            request.method,
            fill(request.url),
            headers={k: fill(v) for k, v in request.headers.items()},
            data=fill(request.body).encode() if request.body else None,
            timeout=timeout,
        )
        try:
            body: Any = reply.json()
        except ValueError:
            body = reply.text
        if request.name:
            answers[request.name] = body
        outcomes.append(Outcome(request, reply.status_code, int(fill(request.expect or "200")), body))
    return outcomes
