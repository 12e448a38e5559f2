"""Where things are: the repository root and the local stack's state directory, defined once.

Every part of `ops` that needs a path inside the checkout starts from `REPO_ROOT`; every command that finds
the local stack reads its state directory from `local_state_dir()` (`MBT_LOCAL_STATE_DIR`, else
`.local-stack/` in the checkout), so `ops local`, `ops drill --env local`, `ops demo` and the analytics
target cannot look in different places.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
LOCAL_STATE_DIR_ENV = "MBT_LOCAL_STATE_DIR"
DEFAULT_LOCAL_STATE_DIR = REPO_ROOT / ".local-stack"


def local_state_dir(override: str | Path | None = None) -> Path:
    """The local stack's state directory, absolute: `override`, else $MBT_LOCAL_STATE_DIR, else the default."""
    return Path(override or os.environ.get(LOCAL_STATE_DIR_ENV) or DEFAULT_LOCAL_STATE_DIR).resolve()
