"""The app developer guide's JavaScript is the code the client suite runs.

Each ```js block of docs/app-developers.md follows a marker `<!-- snippet: tests/clients/FILE#NAME -->` and
must equal the region `// #region guide:NAME` ... `// #endregion guide:NAME` of that file, line for line;
every such region appears in the guide, and no ```js block goes unchecked.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "app-developers.md"
CLIENTS = REPO / "tests" / "clients"
MARKED_BLOCK = re.compile(r"<!-- snippet: (tests/clients/[\w.-]+)#([\w-]+) -->\n```js\n(.*?)```\n", re.S)
REGION = re.compile(r"^// #region guide:([\w-]+)\n(.*?)^// #endregion guide:\1\n", re.S | re.M)


def regions() -> dict[tuple[str, str], str]:
    found = {}
    for source in sorted(CLIENTS.glob("*.mjs")):
        for name, body in REGION.findall(source.read_text()):
            found[(f"tests/clients/{source.name}", name)] = body
    return found


def test_every_js_block_of_the_guide_is_a_region_of_the_suite() -> None:
    guide = GUIDE.read_text()
    blocks = MARKED_BLOCK.findall(guide)
    assert guide.count("```js\n") == len(blocks), "a ```js block of the guide has no snippet marker"
    known = regions()
    for path, name, body in blocks:
        assert (path, name) in known, f"the guide shows {path}#{name}, which has no `// #region guide:{name}`"
        assert body == known[(path, name)], f"the guide's {path}#{name} differs from the suite's code"


def test_every_region_of_the_suite_is_in_the_guide() -> None:
    shown = {(path, name) for path, name, _ in MARKED_BLOCK.findall(GUIDE.read_text())}
    assert regions(), "tests/clients/*.mjs has no `// #region guide:` regions"
    assert set(regions()) <= shown, f"not in the guide: {sorted(set(regions()) - shown)}"


def test_the_markers_are_found_where_they_should_be() -> None:
    """The patterns above bite: a changed line is seen (guards the drift test against matching nothing)."""
    (path, name), body = next(iter(regions().items()))
    document = f"<!-- snippet: {path}#{name} -->\n```js\n{body}```\n"
    assert MARKED_BLOCK.findall(document) == [(path, name, body)]
    assert MARKED_BLOCK.findall(document.replace(body, body + "// edited\n"))[0][2] != body
