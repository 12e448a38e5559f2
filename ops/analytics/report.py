"""Run the notebooks of notebooks/ (papermill) and render them as HTML; check that committed notebooks
carry no outputs.

    execute(notebook, out_dir, env, since, until) -> executed .ipynb   (parameters injected by papermill)
    render_html(executed) -> .html beside it (code hidden: the report is for readers, not authors)
    results(executed) -> {name: rows}   what the notebook published with Context.publish
    unstripped(paths) -> ["notebooks/x.ipynb: cell 3 has outputs", ...]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ops.analytics.notebook import RESULTS_KEY
from ops.errors import OpsError
from ops.paths import REPO_ROOT

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
REPORT_DIR = REPO_ROOT / "reports" / "analytics"
KERNEL = "python3"  # the project's .venv (ipykernel is in requirements/dev.in)


def notebooks(only: list[str] | None = None) -> list[Path]:
    found = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    if only:
        wanted = [n.removesuffix(".ipynb") for n in only]
        unknown = sorted(set(wanted) - {p.stem for p in found})
        if unknown:
            raise OpsError(f"no notebook {', '.join(unknown)} (known: {', '.join(p.stem for p in found)})")
        found = [p for p in found if p.stem in wanted]
    return found


def execute(
    notebook: Path,
    out_dir: Path,
    env: str,
    since: str | None = None,
    until: str | None = None,
    timeout: int = 600,
) -> Path:
    """Execute a copy of the notebook with the parameters; OpsError naming the failing cell's error."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / notebook.name
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters={"env": env, "since": since, "until": until},
            kernel_name=KERNEL,
            cwd=str(REPO_ROOT),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
        )
    except PapermillExecutionError as exc:
        raise OpsError(f"{notebook.name}: cell {exc.exec_count} failed: {exc.ename}: {exc.evalue}") from None
    return output


def render_html(executed: Path) -> Path:
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    html = executed.with_suffix(".html")
    html.write_text(body)
    return html


def results(executed: Path) -> dict[str, Any]:
    """Everything the notebook published (Context.publish / publish_value), by name."""
    import nbformat

    found: dict[str, Any] = {}
    for cell in nbformat.read(executed, as_version=4).cells:
        for output in cell.get("outputs", []):
            found.update(output.get("metadata", {}).get(RESULTS_KEY, {}))
    return found


def unstripped(paths: list[Path]) -> list[str]:
    """Notebooks committed with outputs, execution counts or widget state (they must be stripped);
    OpsError when a file is not a notebook at all."""
    problems = []
    for path in paths:
        shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        book = _read(path, shown)
        for index, cell in enumerate(book.cells):
            if cell.cell_type != "code":
                continue
            if cell.get("outputs"):
                problems.append(f"{shown}: cell {index} has outputs")
            if cell.get("execution_count") is not None:
                problems.append(f"{shown}: cell {index} has an execution count")
            if "execution" in cell.get("metadata", {}):
                problems.append(f"{shown}: cell {index} has execution timings")
        if "widgets" in book.metadata or "papermill" in book.metadata:
            problems.append(f"{shown}: notebook metadata has run state (widgets/papermill)")
    return problems


def _read(path: Path, shown: Path) -> Any:
    """The notebook; OpsError (one line, exit 2) when the file is not a Jupyter notebook."""
    import nbformat
    from nbformat import ValidationError

    try:
        return nbformat.read(path, as_version=4)
    except (ValueError, ValidationError, KeyError, AttributeError, TypeError) as exc:
        # nbformat raises NotJSONError (a ValueError) for text, ValidationError or a KeyError/TypeError for
        # JSON that is not a notebook, depending on which conversion step meets it first.
        reason = " ".join(str(exc).split())[:160]
        raise OpsError(f"{shown}: not a Jupyter notebook ({type(exc).__name__}: {reason})") from None
