"""Every relative link in the repository's Markdown resolves to a file or folder inside the repository.

A clone from GitHub has nothing beside it: a link to ../shared/ (or anywhere outside the tree) is broken
there, and so is a link to a file that was renamed or never committed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#)", re.I)  # http:, https:, mailto:, in-page anchors


def markdown_files() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "*.md"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    return [REPO / name for name in names if name and (REPO / name).is_file()]


def relative_links(path: Path) -> list[tuple[int, str]]:
    text = re.sub(r"```.*?```", lambda m: "\n" * m[0].count("\n"), path.read_text(), flags=re.S)
    return [
        (text.count("\n", 0, match.start()) + 1, match[1])
        for match in LINK.finditer(text)
        if not EXTERNAL.match(match[1])
    ]


def broken_links(files: list[Path] | None = None, root: Path = REPO) -> list[str]:
    """`path:line: target (why)` for each broken link of `files` (default: the repository's Markdown)."""
    broken = []
    for path in markdown_files() if files is None else files:
        for line, target in relative_links(path):
            resolved = (path.parent / target.split("#", 1)[0]).resolve()
            where = f"{path.relative_to(root)}:{line}: {target}"
            if not resolved.is_relative_to(root):
                broken.append(f"{where} (outside the repository)")
            elif not resolved.exists():
                broken.append(f"{where} (no such file)")
    return broken


def test_markdown_files_are_found():
    names = {p.relative_to(REPO).as_posix() for p in markdown_files()}
    assert {"README.md", "docs/architecture.md", "terraform/README.md"} <= names


def test_every_relative_link_resolves_inside_the_repository():
    assert broken_links() == []


def test_the_checker_catches_a_link_outside_and_a_missing_file(tmp_path):
    # A tree of its own: a probe written into the repository would be seen by tests running beside this one.
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "architecture.md").write_text("# Architecture\n")
    page = tmp_path / "docs" / "zz-link-check-probe.md"
    page.write_text(
        "[out](../../shared/ARCHITECTURE.md) [gone](no-such-file.md) [ok](architecture.md#layout)\n"
    )
    found = broken_links([page], root=tmp_path)
    assert "docs/zz-link-check-probe.md:1: ../../shared/ARCHITECTURE.md (outside the repository)" in found
    assert "docs/zz-link-check-probe.md:1: no-such-file.md (no such file)" in found
    assert not any("architecture.md#layout" in entry for entry in found)


def test_the_design_document_lives_in_the_repository():
    design = (REPO / "docs" / "architecture.md").read_text()
    assert design.startswith("# Architecture")
    assert "../shared/ARCHITECTURE.md" not in (REPO / "README.md").read_text()
