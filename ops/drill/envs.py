"""Where a drill runs: the local stack or a cloud env. Both expose the same operations to the runner.

A `DrillEnv` knows how to cut the primary region off and restore it, how to tell that the cut was
detected, how to inject and undo each fault, where the DR user pool is, and what only it can check
(the replica, DR push platforms, DR functions and mappings, whether a push reached a DR endpoint).
Every change method returns the record the state file keeps, so `ops drill recover` can undo it later.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drill.report import Check
from drill.settings import Settings as LambdaDrillSettings
from ops.drill import data
from ops.drill.model import Targets
from ops.paths import REPO_ROOT, local_state_dir
from ops.stack_outputs import StackOutputs


@dataclass(frozen=True)
class DrIdentity:
    """Where a user signs in when the primary region is gone."""

    region: str
    user_pool_id: str
    client_id: str
    kind: str  # "replica" (MRR or its local stand-in) or "fallback" (the primary's pool)


class DrillEnv(ABC):
    name: str
    outputs: StackOutputs
    targets: Targets
    state_path: Path

    # ---- what the drill reads ------------------------------------------------------------------
    @abstractmethod
    def client(self, service: str, side: str = "primary") -> Any:
        """A boto3 client for `side` ("primary" or "dr")."""

    def region(self, side: str) -> str:
        return self.outputs.primary_region if side == "primary" else self.outputs.dr_region

    def present_sync_items(
        self, side: str, user_id: str, collection: str, item_ids: Iterable[str]
    ) -> set[str]:
        """Which of `item_ids` the user sees live in `side`'s table (see `data.present_sync_items`)."""
        regions = (self.outputs.primary_region, self.outputs.dr_region)
        return data.present_sync_items(
            self.client("dynamodb", side),
            self.outputs.table.name,
            self.region(side),
            regions,
            user_id,
            collection,
            item_ids,
        )

    def lambda_settings(self, **changes: Any) -> LambdaDrillSettings:
        """The scheduled drill's settings for this env: its preflight and canaries are reused as they are."""
        out = self.outputs
        return LambdaDrillSettings(
            region=out.primary_region,
            endpoint_url=out.endpoint_url,
            env_name=out.env,
            table_name=out.table.name,
            media_bucket=out.media.bucket.primary,
            dr_region=out.dr_region,
            dr_media_bucket=out.media.bucket.dr,
            dr_api_url=out.api.dr,
            alerts_topic_arn=out.alerts_topic_arn,
            poll_interval_seconds=0.1,
            **changes,
        )

    @abstractmethod
    def describe_cut(self) -> str:
        """One line: how this env's primary region is cut off."""

    @abstractmethod
    def refusal(self) -> str | None:
        """Why a drill must not start now (already failed over, alarms firing), or None."""

    @abstractmethod
    def dr_identity(self) -> DrIdentity: ...

    @abstractmethod
    def identity_preflight(self) -> Check:
        """`user_pool_replica`: the DR replica is ACTIVE, or the fallback is named."""

    @abstractmethod
    def dr_services_preflight(self) -> list[Check]:
        """DR push platforms, DR functions and event-source mappings."""

    @abstractmethod
    def push_reached_dr(self, user_id: str, token: str, marker: str) -> tuple[bool | None, str]:
        """Whether a push carrying `marker` was published to `token` through an endpoint in the DR region:
        True, False (it went elsewhere: waiting longer cannot help), or None (nothing yet)."""

    # ---- what the drill changes (each returns the record the state file keeps) -----------------
    @abstractmethod
    def plan_cut(self) -> dict[str, Any]:
        """The state-file record of the cut (written before `apply_cut`)."""

    @abstractmethod
    def apply_cut(self, change: dict[str, Any]) -> None: ...

    @abstractmethod
    def restore_primary(self, change: dict[str, Any]) -> None: ...

    @abstractmethod
    def primary_down_detected(self) -> bool:
        """The health signal the failover routing follows says the primary is unhealthy."""

    @abstractmethod
    def primary_up_detected(self) -> bool: ...

    @abstractmethod
    def plan_fault(self, fault: str) -> dict[str, Any]:
        """The state-file record of a fault (written before `apply_fault`)."""

    @abstractmethod
    def apply_fault(self, change: dict[str, Any]) -> None: ...

    @abstractmethod
    def undo_fault(self, change: dict[str, Any]) -> None: ...

    def undo(self, change: dict[str, Any]) -> None:
        """Undo one recorded change (used by the runner's failback and by `ops drill recover`)."""
        kind = change.get("kind")
        if kind == "cut-primary":
            self.restore_primary(change)
        elif kind == "fault":
            self.undo_fault(change)


STATE_DIR_ENV = "MBT_DRILL_STATE_DIR"
LOCAL_STATE_FILE = "drill-state.json"


def state_path(env: str) -> Path:
    """Where a drill of `env` keeps its state file: with the local stack it drilled (its state dir), or for
    a cloud env under .cache/drill/ (MBT_DRILL_STATE_DIR moves it, e.g. to a CI cache)."""
    if env == "local":
        return local_state_dir() / LOCAL_STATE_FILE
    root = Path(os.environ.get(STATE_DIR_ENV) or REPO_ROOT / ".cache" / "drill")
    return root.resolve() / f"{env}.json"


def load(env: str) -> DrillEnv:
    """The drill env for `env`: the running local stack, or a cloud env read through Terraform's outputs."""
    if env == "local":
        from ops.drill.local_env import LocalEnv

        return LocalEnv.from_running_stack()
    from ops.drill.aws_env import AwsEnv

    return AwsEnv.from_terraform(env)
