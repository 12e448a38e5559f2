"""pytest plugin: the local stack for tests. Loaded suite-wide by `-p ops.local.testing` (pyproject).

Fixtures
--------
`local_stack` (session scope) -> LocalStackHandle
    Starts the same background stack process as `make up` (moto + both regions provisioned + API
    fronts + replicator + event sources), on free loopback ports in a temporary state dir, once
    per session; stops it at the end. Set MBT_LOCAL_STACK_REUSE=1 to use the stack `make up`
    already started instead (nothing is stopped then).
`local_stack_clean` (function scope) -> LocalStackHandle
    The same stack after `reset()`: tables, buckets and queues emptied in both regions (resources
    and Cognito users kept), replication resumed with no lag, both regions up; the knobs are put back
    after the test too.

LocalStackHandle
    .outputs            StackOutputs (ops.stack_outputs), exactly what `ops stack outputs` prints
    .state              the full state document (per-region resources under ["regions"])
    .state_dir          its state dir (set MBT_LOCAL_STATE_DIR to it to drive `ops local ...`)
    .endpoint_url       the moto endpoint
    .urls               {"primary": URL, "dr": URL, "public": URL}: the API fronts (public = failover)
    .region(label)      "primary"/"dr" -> region name
    .client(service, region="primary")   boto3 client against the emulator ("primary", "dr" or a name)
    .request(method, path, region="primary", user=None, token=None, **requests_kwargs) -> Response
    .create_user(group="consumers"|"providers"|None, email=None, password=None) -> LocalUser
        (.email, .password, .sub, .groups, .id_token, .access_token, .auth_header)
    .pause_replication() / .resume_replication() / .set_replication_lag(seconds)
    .region_down(label) / .region_up(label)      drill knob: that front answers 503
    .ttl_sweep()        run the TTL stand-in now (it also runs every 5 s): deletes items past `expires_at`
    .firehose_flush()   deliver buffered usage events now (Firehose stand-in): Parquet under day=YYYY-MM-DD/
    .archive(inactive_days, dry_run=False)   the archive clock (ops/local/stand_ins/archive_tiers.py): what it did
    .complete_restores()                     finish the restores that are due now
    .inventory()        write the media buckets' S3 Inventory reports now; one dict per report
    .reset()            what local_stack_clean does
    .status()           the control endpoint's status document
    .wait_for(check, timeout=30, what="...")     poll `check()` until truthy (eventual consistency)

API Gateway detail the fronts reproduce: claims reach the handler as strings, arrays rendered
"[a b]" (so `cognito:groups` is "[consumers]").
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests

from backend_core.identity import CONSUMERS
from ops.local import background_stack, control
from ops.local.aws import client
from ops.local.config import Ports, StackConfig
from ops.local.users import LocalUser, create_user
from ops.stack_outputs import StackOutputs

T = TypeVar("T")


class LocalStackHandle:
    def __init__(self, state: dict, state_dir: Path) -> None:
        self.state = state
        self.state_dir = state_dir  # MBT_LOCAL_STATE_DIR for `ops local ...` against this stack
        self.outputs = StackOutputs.model_validate(state["outputs"])
        self.endpoint_url: str = self.outputs.endpoint_url or ""
        self.urls: dict[str, str] = dict(self.outputs.api.model_dump())
        self.control_url: str = state["control_url"]

    def region(self, label: str) -> str:
        return {"primary": self.outputs.primary_region, "dr": self.outputs.dr_region}.get(label, label)

    def client(self, service: str, region: str = "primary") -> Any:
        return client(service, self.region(region), self.endpoint_url)

    def request(
        self,
        method: str,
        path: str,
        region: str = "primary",
        user: LocalUser | None = None,
        token: str | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        token = token or (user.id_token if user else None)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        kwargs.setdefault("timeout", 30)
        return requests.request(method, f"{self.urls[region]}{path}", headers=headers, **kwargs)  # noqa: S113 (set above)

    def create_user(
        self, group: str | None = CONSUMERS, email: str | None = None, password: str | None = None
    ) -> LocalUser:
        return create_user(self.outputs, group, email, password)

    def _control(self, method: str, path: str, body: dict | None = None) -> dict:
        return control.call(self.control_url, method, path, body)

    def pause_replication(self) -> dict:
        return self._control("POST", "/replication/pause")

    def resume_replication(self) -> dict:
        return self._control("POST", "/replication/resume")

    def set_replication_lag(self, seconds: float) -> dict:
        return self._control("POST", "/replication/lag", {"seconds": seconds})

    def hold_replication(self, prefix: str) -> dict:
        """Keep S3 replication's copies of new objects under `prefix` in flight until `release_replication()`."""
        return self._control("POST", "/replication/hold", {"prefix": prefix})

    def release_replication(self) -> int:
        """Land every held copy now; how many landed."""
        return self._control("POST", "/replication/release")["landed"]

    def region_down(self, label: str) -> dict:
        return self._control("POST", f"/regions/{label}/down")

    def region_up(self, label: str) -> dict:
        return self._control("POST", f"/regions/{label}/up")

    def ttl_sweep(self) -> int:
        """Run the TTL stand-in now; how many expired items it deleted."""
        return self._control("POST", "/ttl/sweep")["expired"]

    def firehose_flush(self) -> list[dict]:
        """Deliver buffered usage events now; one dict per delivery (stream, records, failed, keys)."""
        return self._control("POST", "/firehose/flush")["deliveries"]

    def archive(self, inactive_days: int, dry_run: bool = False) -> dict:
        """Run the archive clock: what it did per bucket (`made_inactive`, `buckets`)."""
        return self._control("POST", "/archive", {"inactive_days": inactive_days, "dry_run": dry_run})

    def complete_restores(self) -> dict:
        return self._control("POST", "/archive/complete")

    def inventory(self) -> list[dict]:
        return self._control("POST", "/inventory")["reports"]

    def set_limits(
        self, rate_limit: float, burst_limit: int, reserved_concurrency: int | None = None
    ) -> dict:
        """The API's stage throttle and reserved concurrency in both regions, until reset or `env_limits()`."""
        body = {
            "rate_limit": rate_limit,
            "burst_limit": burst_limit,
            "reserved_concurrency": reserved_concurrency,
        }
        return self._control("POST", "/limits", body)

    def env_limits(self) -> dict:
        """Back to the env's API limits (a fresh bucket)."""
        return self._control("POST", "/limits", {"env_default": True})

    def limits(self) -> dict:
        return self._control("GET", "/limits")

    def reset(self) -> None:
        self._control("POST", "/reset")

    def status(self) -> dict:
        return self._control("GET", "/status")

    @staticmethod
    def wait_for(
        check: Callable[[], T], timeout: float = 30.0, what: str = "condition", interval: float = 0.1
    ) -> T:
        """Poll until `check()` is truthy and return it; fail the test saying what never happened."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                pytest.fail(f"{what} did not happen within {timeout:.0f} s", pytrace=False)
            time.sleep(interval)


def free_ports_config(state_dir: Path) -> StackConfig:
    """A config on kernel-chosen free ports (0), so tests never collide with `make up`."""
    return StackConfig(
        state_dir=state_dir,
        ports=Ports(moto=0, primary=0, dr=0, public=0, control=0, live_primary=0, live_dr=0),
    )


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStackHandle]:
    if os.environ.get("MBT_LOCAL_STACK_REUSE") == "1":
        if "PYTEST_XDIST_WORKER" in os.environ:  # each worker's resets would empty the other's tables
            pytest.fail(
                "MBT_LOCAL_STACK_REUSE=1 shares one stack: run pytest in one process (no -n)", pytrace=False
            )
        yield LocalStackHandle(background_stack.state(StackConfig()), StackConfig().state_dir)
        return
    config = free_ports_config(tmp_path_factory.mktemp("local-stack"))
    state, _ = background_stack.start(config)
    try:
        yield LocalStackHandle(state, config.state_dir)
    finally:
        background_stack.stop(config)


@pytest.fixture
def local_stack_clean(local_stack: LocalStackHandle) -> Iterator[LocalStackHandle]:
    local_stack.reset()
    yield local_stack
    # Knobs back to normal for the tests that share the stack without resetting it.
    local_stack.region_up("primary")
    local_stack.region_up("dr")
    local_stack.resume_replication()
    local_stack.set_replication_lag(0)
