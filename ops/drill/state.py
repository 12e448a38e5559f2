"""The drill's state file: what a run has changed and not yet put back.

Written before the first change and updated before each further one, so a drill that is killed at any
point leaves a record of everything it may have left changed. Removed only when everything is back.
The next `ops drill run` refuses while it exists; `ops drill recover` reads it, undoes each change (in
reverse order) and removes it.

Shape: {"env", "run_id", "pid", "started_at", "mode", "inject", "report_dir",
        "changes": [{"kind": "users"|"cut-primary"|"fault"|..., ...}], "note": str|null}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ops.errors import OpsError


class StateFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.is_file()

    def read(self) -> dict[str, Any]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OpsError(
                f"drill state file {self.path} is unreadable ({exc}); inspect it, then delete it"
            ) from exc
        if not isinstance(document, dict) or "changes" not in document:
            raise OpsError(
                f"drill state file {self.path} is not a drill state document; inspect it, then delete it"
            )
        return document

    def write(self, document: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        tmp.replace(self.path)  # atomic: a kill never leaves half a file

    def record(self, document: dict[str, Any], change: dict[str, Any]) -> None:
        """Add a change (before making it) and write the file."""
        document["changes"].append(change)
        self.write(document)

    def forget(self, document: dict[str, Any], kind: str) -> None:
        """A change was undone: drop it from the record."""
        document["changes"] = [c for c in document["changes"] if c.get("kind") != kind]
        self.write(document)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
