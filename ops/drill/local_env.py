"""The drill against the local stack: the cut and the faults are the stack's own knobs.

`region down primary` makes the primary dark as an outage would (its front answers 503, and every AWS call
to that region fails at the emulator's gateway); the faults are `replication pause`, `region down dr` and
the user-pool replica stand-in's remove knob. The state file lives in the stack's state dir, so it goes
with the stack it describes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from drill.report import Check
from ops.drill import targets
from ops.drill.envs import LOCAL_STATE_FILE, DrIdentity, DrillEnv
from ops.errors import OpsError
from ops.local import background_stack, control
from ops.local.aws import client
from ops.local.config import StackConfig
from ops.paths import local_state_dir
from ops.stack_outputs import StackOutputs

# fault -> (control call that injects it, control call that undoes it)
_FAULT_KNOBS = {
    "replication-pause": ("/replication/pause", "/replication/resume"),
    "dr-api-down": ("/regions/dr/down", "/regions/dr/up"),
    "user-pool-replica-missing": ("/identity/replica/remove", "/identity/replica/restore"),
}


class LocalEnv(DrillEnv):
    def __init__(self, state: dict[str, Any], state_dir: Path) -> None:
        self.name = "local"
        self.state = state
        self.outputs = StackOutputs.model_validate(state["outputs"])
        self.targets = targets.LOCAL
        self.state_path = state_dir / LOCAL_STATE_FILE
        self.control_url: str = state["control_url"]

    @classmethod
    def from_running_stack(cls) -> LocalEnv:
        state_dir = local_state_dir()
        state = background_stack.state(StackConfig(state_dir=state_dir))  # one line when it is not running
        return cls(state, state_dir)

    def _control(self, method: str, path: str) -> dict[str, Any]:
        try:
            return control.call(self.control_url, method, path, timeout=30)
        except control.ControlError as exc:
            raise OpsError(f"local stack: {exc}") from exc

    def client(self, service: str, side: str = "primary") -> Any:
        return client(service, self.region(side), self.outputs.endpoint_url or "")

    def describe_cut(self) -> str:
        return "`ops local region down primary`: the primary front answers 503 and its AWS calls fail"

    def refusal(self) -> str | None:
        status = self._control("GET", "/status")
        down = [label for label, state in status["regions"].items() if state != "up"]
        if down:
            return f"the local stack is already failed over: region {', '.join(down)} is down (`ops local region up ...`)"
        replicator = status["components"].get("replicator", {})
        if replicator.get("paused"):
            return "replication is paused on the local stack (`ops local replication resume` first)"
        replica = status["components"].get("user_pool_replica", {})
        if replica and replica.get("status") != "ACTIVE":
            return "the user pool replica stand-in is removed (a drill fault left behind?)"
        alarming = [
            name for side in ("primary", "dr") for name in _alarms_in_alarm(self.client("cloudwatch", side))
        ]
        if alarming:
            return f"alarms in ALARM: {', '.join(sorted(alarming))}"
        return None

    def dr_identity(self) -> DrIdentity:
        replica = self.state.get("user_pool_replica")
        if replica:
            return DrIdentity(replica["region"], replica["user_pool_id"], replica["client_id"], "replica")
        auth = self.outputs.auth
        return DrIdentity(self.outputs.primary_region, auth.user_pool_id, auth.client_id, "fallback")

    def identity_preflight(self) -> Check:
        replica = self._control("GET", "/status")["components"].get("user_pool_replica")
        if not replica:
            return Check("user_pool_replica", False, "the local stack has no user pool replica stand-in")
        ok = replica["status"] == "ACTIVE" and replica.get("healthy", False)
        detail = (
            f"stand-in replica {replica['user_pool_id']} in {replica['region']} is {replica['status']} "
            f"({replica['users']} users, last sync {replica['seconds_since_sync']} s ago)"
        )
        return Check("user_pool_replica", ok, detail)

    def dr_services_preflight(self) -> list[Check]:
        status = self._control("GET", "/status")
        dr = self.state["regions"]["dr"]
        sns = self.client("sns", "dr")
        missing = []
        for platform, arn in dr["platform_app_arns"].items():
            try:
                sns.get_platform_application_attributes(PlatformApplicationArn=arn)
            except Exception as exc:  # any failure means the platform cannot push from DR
                missing.append(f"{platform} ({type(exc).__name__})")
        platforms = Check(
            "dr_push_platforms",
            not missing,
            f"missing in {self.outputs.dr_region}: {', '.join(missing)}"
            if missing
            else f"{', '.join(sorted(dr['platform_app_arns']))} platform applications in {self.outputs.dr_region}",
        )
        sources = status["components"].get("event_sources", {})
        dr_mappings = {k: v for k, v in sources.get("mappings", {}).items() if k.endswith("-dr")}
        front = status["components"].get("front.dr", {})
        healthy = bool(front.get("healthy")) and bool(sources.get("healthy")) and bool(dr_mappings)
        functions = Check(
            "dr_functions",
            healthy,
            f"DR front {'healthy' if front.get('healthy') else 'NOT healthy'}; event-source mappings "
            f"{', '.join(sorted(dr_mappings)) or 'none'} {'running' if sources.get('healthy') else 'NOT running'}",
        )
        return [platforms, functions]

    def push_reached_dr(self, user_id: str, token: str, marker: str) -> tuple[bool | None, str]:
        """What the emulated SNS published to the token's endpoints, per region (the stack's inspect route)."""
        try:
            endpoints = control.call(
                self.control_url, "POST", "/inspect/pushes", {"token": token}, timeout=10
            )
        except control.ControlError as exc:
            raise OpsError(f"local stack: {exc}") from exc
        seen = [(e["region"], sum(marker in str(m) for m in e["messages"])) for e in endpoints["endpoints"]]
        dr_hits = sum(n for region, n in seen if region == self.outputs.dr_region)
        elsewhere = sum(n for region, n in seen if region != self.outputs.dr_region)
        where = (
            ", ".join(f"{n} via an endpoint in {region}" for region, n in seen) or "no endpoint for the token"
        )
        verdict = True if dr_hits else (False if elsewhere else None)  # elsewhere: waiting cannot help
        return verdict, f"pushes with the drill's marker: {where}"

    def plan_cut(self) -> dict[str, Any]:
        return {"kind": "cut-primary", "how": "local region knob"}

    def apply_cut(self, change: dict[str, Any]) -> None:
        self._control("POST", "/regions/primary/down")

    def restore_primary(self, change: dict[str, Any]) -> None:
        self._control("POST", "/regions/primary/up")

    def primary_down_detected(self) -> bool:
        return not self._primary_healthy()

    def primary_up_detected(self) -> bool:
        return self._primary_healthy()

    def _primary_healthy(self) -> bool:
        # What the Route 53 health check probes: the primary's GET /health.
        try:
            return requests.get(f"{self.outputs.api.primary}/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def plan_fault(self, fault: str) -> dict[str, Any]:
        return {"kind": "fault", "fault": fault, "how": _FAULT_KNOBS[fault][0]}

    def apply_fault(self, change: dict[str, Any]) -> None:
        self._control("POST", _FAULT_KNOBS[change["fault"]][0])

    def undo_fault(self, change: dict[str, Any]) -> None:
        self._control("POST", _FAULT_KNOBS[change["fault"]][1])


def _alarms_in_alarm(cloudwatch: Any) -> list[str]:
    names: list[str] = []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(StateValue="ALARM"):
        names += [a["AlarmName"] for a in page.get("MetricAlarms", []) + page.get("CompositeAlarms", [])]
    return names
