"""Every foreseeable mistake with `ops analytics` is one line and exit 2 (ops/errors.py: the operator's
input), never "unexpected error ... a bug in ops": bad envs, malformed or reversed dates, sizes out of
range, text that is not a notebook, SQL that does not parse, an empty bucket. In-process through
`ops.cli.main`, what the `ops` script runs; the notebook report must refuse before a kernel starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from ops.analytics import report
from tests.cli_in_process import one_line
from tests.cli_in_process import ops as run

RANGE = ("--since", "2025-06-01", "--until", "2025-06-07")


def ops(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run(capsys, "analytics", *argv)


@pytest.fixture
def no_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a notebook kernel was started")

    monkeypatch.setattr(report, "execute", refuse)


@pytest.fixture
def no_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MBT_LOCAL_STATE_DIR", str(tmp_path / "no-stack"))
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("report", "--env", "nowhere"), "unknown env 'nowhere'"),
        (("chart", "retention", "--out", "x.png", "--env", "nowhere"), "unknown env 'nowhere'"),
        (("metrics", "--env", "nowhere", *RANGE), "unknown env 'nowhere'"),
        (("query", "--env", "nowhere", "SELECT 1"), "unknown env 'nowhere'"),
        (("metrics", "--since", "2026-13-01", "--until", "2026-12-01"), "--since must be a date"),
        (("report", "--since", "2026-13-01"), "--since must be a date"),
        (("chart", "retention", "--out", "x.png", "--until", "2026-02-30"), "--until must be a date"),
        (("metrics", "--since", "2025-06-07", "--until", "2025-06-01"), "is after --until"),
        (("report", "--since", "2025-06-07", "--until", "2025-06-01"), "is after --until"),
        (
            ("chart", "retention", "--out", "x.png", "--since", "2025-06-07", "--until", "2025-06-01"),
            "is after",
        ),
        (("chart", "retention", "--out", "x.jpg"), "must be a .png file"),
        (("chart", "nope", "--out", "x.png"), "no chart 'nope'"),
        (("report", "--only", "nope"), "no notebook nope"),
        (("generate", "--days", "0"), "--days"),
        (("generate", "--days", "-1"), "--days"),
        (("generate", "--users", "0"), "--users"),
        (("generate", "--days", "3660", "--users", "1000000"), "user-days"),
        (("generate", "--end", "2026-13-01"), "--end must be a date"),
        (("generate", "--env", "prod"), "local stack only"),
        (("query", "SELEC nonsense"), "a query starts with SELECT or WITH, not 'SELEC'"),
        (("query", "SELECT * FROM usage_events WHERE"), "does not parse as Athena SQL"),
        (("query", "DROP TABLE usage_events"), "only queries"),
        (("query", "--param", "day", "SELECT 1"), "--param takes name=value"),
        (
            ("query", "--param", "since=2025-06-01", "--param", "since=2025-07-01", "SELECT 1"),
            "--param since given twice",
        ),
        (("report",), "the local stack is not running"),
        (("metrics", *RANGE), "the local stack is not running"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_mistakes_are_one_line_and_exit_2(capsys, no_stack, no_kernel, argv, message) -> None:
    assert message in one_line(*ops(capsys, *argv)[::2])


@pytest.mark.parametrize(
    ("text", "kind"),
    [("not json\n", "NotJSONError"), ("{}", "ValidationError"), ("[1, 2]", ""), ('{"nbformat": 9}', "")],
)
def test_check_notebooks_names_a_file_that_is_not_a_notebook(capsys, tmp_path, text, kind) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text(text)
    line = one_line(*ops(capsys, "check-notebooks", str(path))[::2])
    assert f"{path}: not a Jupyter notebook" in line and kind in line


# ---- against an empty bucket (a new env before any event) ------------------------------------------
@pytest.fixture
def empty_bucket(local_stack_clean, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MBT_LOCAL_STATE_DIR", str(local_stack_clean.state_dir))
    monkeypatch.setenv("MBT_ANALYTICS_CACHE", str(tmp_path / "cache"))
    return local_stack_clean


def test_an_empty_bucket_is_said_in_one_line_and_answers_are_empty(
    capsys, empty_bucket, no_kernel, tmp_path
) -> None:
    bucket = empty_bucket.outputs.analytics.bucket
    for argv in (("chart", "retention", "--out", str(tmp_path / "r.png")), ("report",)):
        line = one_line(*ops(capsys, *argv)[::2])
        assert f"no usage events in s3://{bucket}/ yet" in line and "--since" in line
    line = one_line(*ops(capsys, "chart", "active-users", "--out", str(tmp_path / "a.png"), *RANGE)[::2])
    assert "no data for the active-users chart" in line and not (tmp_path / "a.png").exists()
    code, out, err = ops(capsys, "metrics", *RANGE, "--only", "dau_wau_mau", "--format", "json")
    assert code == 0 and '"dau_wau_mau": []' in out  # no events is an answer, not an error
    assert "no usage events in env 'local'" in err and "every metric is empty" in err
