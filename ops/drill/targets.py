"""The RTO/RPO targets a drill is judged against: a cloud env's `dr` block in its tfvars, or the local stack's.

The tfvars are the one definition (the blueprint reads the same `dr.rto_minutes` / `dr.rpo_minutes` and
outputs them as `dr_targets`); reading the file keeps a dry run possible without credentials.
"""

from __future__ import annotations

import re
from pathlib import Path

from ops.drill.model import Targets
from ops.env.envs import ENVS_DIR
from ops.errors import OpsError

# The local stack has no tfvars. Its replicator applies a change within a second and its fronts switch
# at once, so these targets are tight: a local drill that misses them points at a real fault.
LOCAL = Targets(rto_seconds=30.0, rpo_seconds=5.0, source="local stack defaults (ops/drill/targets.py)")

_DR_BLOCK = re.compile(r"^dr\s*=\s*\{(?P<body>.*?)^\}", re.S | re.M)
_NUMBER = r"\s*=\s*(?P<value>[0-9]+(?:\.[0-9]+)?)"


def cloud(env: str, envs_dir: Path = ENVS_DIR) -> Targets:
    """`dr.rto_minutes` and `dr.rpo_minutes` of terraform/envs/<env>.tfvars, in seconds."""
    path = envs_dir / f"{env}.tfvars"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OpsError(f"cannot read the targets of env {env!r}: {path} ({exc.strerror})") from exc
    block = _DR_BLOCK.search(text)
    values = {}
    for name in ("rto_minutes", "rpo_minutes"):
        found = re.search(rf"^\s*{name}{_NUMBER}", block.group("body"), re.M) if block else None
        if not found:
            raise OpsError(f"{path.name} has no dr.{name}: the drill needs the env's RTO/RPO targets")
        values[name] = float(found.group("value")) * 60
    return Targets(values["rto_minutes"], values["rpo_minutes"], f"terraform/envs/{path.name} (dr block)")


def for_env(env: str, rto_override: float | None = None, rpo_override: float | None = None) -> Targets:
    base = LOCAL if env == "local" else cloud(env)
    if rto_override is None and rpo_override is None:
        return base
    return Targets(
        rto_override if rto_override is not None else base.rto_seconds,
        rpo_override if rpo_override is not None else base.rpo_seconds,
        f"{base.source}, overridden on the command line",
    )
