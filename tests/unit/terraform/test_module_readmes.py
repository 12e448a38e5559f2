"""Each Terraform module's README lists exactly its inputs (variables.tf) and outputs (outputs.tf): the tables
under `## Inputs` and `## Outputs`, one row per name in the first column (`name`). A variable added without a
row, or a row left for a removed output, fails here naming the module and the entry."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

MODULES = Path(__file__).resolve().parents[3] / "terraform" / "modules"
DECLARATION = {
    "Inputs": re.compile(r'^variable\s+"([^"]+)"', re.M),
    "Outputs": re.compile(r'^output\s+"([^"]+)"', re.M),
}
ROW_NAME = re.compile(r"^\|\s*`([^`]+)`\s*\|")


def declared(module: Path, section: str) -> set[str]:
    """Names declared by the module's .tf files (variables or outputs, wherever they are written)."""
    return {name for tf in module.glob("*.tf") for name in DECLARATION[section].findall(tf.read_text())}


def documented(readme: str, section: str) -> set[str] | None:
    """First-column names of the table under `## <section>`; None when the README has no such section."""
    match = re.search(rf"^## {section}\s*$(?P<body>.*?)(?=^## |\Z)", readme, re.M | re.S)
    if match is None:
        return None
    return {row[1] for line in match["body"].splitlines() if (row := ROW_NAME.match(line.strip()))}


def readme_drift(module: Path) -> list[str]:
    """One line per disagreement between the module's README tables and its declarations; empty when in step."""
    readme_path = module / "README.md"
    if not readme_path.is_file():
        return [f"{module.name}: no README.md"]
    readme = readme_path.read_text()
    problems = []
    for section in ("Inputs", "Outputs"):
        names = declared(module, section)
        rows = documented(readme, section)
        if rows is None:
            if names:
                problems.append(f"{module.name}: README has no '## {section}' table for {sorted(names)}")
            continue
        problems += [f"{module.name}: {section} table lacks `{n}`" for n in sorted(names - rows)]
        problems += [
            f"{module.name}: {section} table lists `{n}`, which the module does not declare"
            for n in sorted(rows - names)
        ]
    return problems


@pytest.mark.parametrize("module", sorted(p.name for p in MODULES.iterdir() if p.is_dir()))
def test_readme_tables_match_the_module(module: str) -> None:
    assert readme_drift(MODULES / module) == []


def test_a_missing_and_an_extra_row_are_named(tmp_path: Path) -> None:
    module = tmp_path / "table"
    shutil.copytree(MODULES / "table", module)
    (module / "variables.tf").write_text(
        (module / "variables.tf").read_text() + '\nvariable "added_by_hand" {\n  type = string\n}\n'
    )
    outputs = (module / "outputs.tf").read_text()
    first_output = DECLARATION["Outputs"].search(outputs)[1]
    (module / "outputs.tf").write_text(
        re.sub(rf'output\s+"{first_output}"', 'output "renamed_by_hand"', outputs, count=1)
    )
    assert readme_drift(module) == [
        "table: Inputs table lacks `added_by_hand`",
        "table: Outputs table lacks `renamed_by_hand`",
        f"table: Outputs table lists `{first_output}`, which the module does not declare",
    ]
