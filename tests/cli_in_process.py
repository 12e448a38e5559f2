"""`ops` run in-process through `ops.cli.main`, what the `ops` script runs: for tests of what a command
prints and how it exits, without a subprocess's start-up (tests/unit/ops/test_cli_mistakes.py runs the
script itself)."""

from __future__ import annotations

import pytest

from ops import cli


def ops(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `ops *argv`."""
    try:
        cli.main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(code: int, err: str) -> str:
    """The one `error: ...` line of an operator's mistake: exit 2, no traceback, not taken for a bug."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (code, err)
    assert "Traceback" not in err and "bug in ops" not in err and "unexpected error" not in err, err
    return lines[0]
