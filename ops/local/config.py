"""Where the local stack listens, what it calls its resources, and where it keeps its state."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ops.paths import DEFAULT_LOCAL_STATE_DIR, REPO_ROOT
from ops.resource_names import ResourceNames

# The archive clock's reach (`ops local archive --inactive-days`, POST /archive): a century is further back
# than any object's last use and stays within datetime's range. Here, not in archive_tiers.py, so that the
# CLI reads it without importing boto3 (whose session fails on a missing AWS_PROFILE before any command runs).
MAX_INACTIVE_DAYS = 36_500

DEFAULT_STATE_DIR = (
    DEFAULT_LOCAL_STATE_DIR  # ops.paths: one definition, with the MBT_LOCAL_STATE_DIR override
)
HOST = "127.0.0.1"  # loopback only: the local stack never listens on other interfaces
ACCOUNT_ID = "123456789012"  # moto's default account
PROJECT = "mbt"  # the blueprint's default `project` (terraform/blueprint/variables.tf)
# moto accepts any credentials; fixed fake ones guarantee real ones are never sent anywhere.
FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


class Ports(BaseModel):
    """TCP ports on 127.0.0.1. 0 means "any free port" (the fixtures use that)."""

    model_config = ConfigDict(frozen=True)
    moto: int = Field(4566, ge=0, le=65535)
    primary: int = Field(8080, ge=0, le=65535, description="API front of the primary region")
    dr: int = Field(8081, ge=0, le=65535, description="API front of the DR region")
    public: int = Field(8082, ge=0, le=65535, description="failover front (stands in for the Route 53 name)")
    control: int = Field(4599, ge=0, le=65535, description="control endpoint for knobs and status")
    live_primary: int = Field(
        8083, ge=0, le=65535, description="live channel (WebSocket) of the primary region"
    )
    live_dr: int = Field(8084, ge=0, le=65535, description="live channel (WebSocket) of the DR region")

    def labelled(self) -> dict[str, int]:
        return {
            "moto": self.moto,
            "primary API front": self.primary,
            "DR API front": self.dr,
            "public (failover) front": self.public,
            "control": self.control,
            "primary live front": self.live_primary,
            "DR live front": self.live_dr,
        }


RESTORE_SECONDS_ENV = "MBT_LOCAL_RESTORE_SECONDS"


class StackConfig(BaseModel):
    model_config = ConfigDict(frozen=True)
    env: str = "local"
    primary_region: str = "us-east-1"
    dr_region: str = "us-west-2"
    ports: Ports = Ports()
    state_dir: Path = DEFAULT_STATE_DIR
    # Web clients' origins the local fronts allow (CORS): the local env's `cors_allowed_origins`.
    cors_allowed_origins: tuple[str, ...] = ("http://localhost:3000", "http://127.0.0.1:3000")
    limits_env: str = Field(
        "dev",
        pattern=r"^[a-z][a-z0-9-]*$",
        description="The env whose API limits the fronts apply (terraform/envs/<env>.tfvars: api.rate_limit, "
        "burst_limit, functions.mobile_api.reserved_concurrency): the one the local stack stands in for.",
    )
    functions_dir: Path = Field(
        REPO_ROOT / "lambdas",
        description="Where the function packages (mobile_api, notify_worker, ...) and backend_core are imported "
        "from: the checkout's lambdas/ (another directory of the same layout, e.g. a build's).",
    )
    restore_seconds: float = Field(
        default_factory=lambda: float(os.environ.get(RESTORE_SECONDS_ENV) or 2.0),
        ge=0.1,
        le=3600,
        description="How long a restore from an archive tier takes in the archive stand-in (hours in AWS); "
        f"set with {RESTORE_SECONDS_ENV}.",
    )

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "stack.pid"

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.json"

    @property
    def log_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "stack.log"

    def region(self, which: str) -> str:
        """'primary' / 'dr' (or a region name) -> region name."""
        return {"primary": self.primary_region, "dr": self.dr_region}.get(which, which)


class Names(ResourceNames):
    """Resource names of one local environment: the blueprint's scheme (ops/resource_names.py), in moto's
    account, plus what only the local stack has."""

    project: str = PROJECT
    account_id: str = ACCOUNT_ID

    @property
    def replication_queue(self) -> str:
        return f"{self.prefix}-replication-media"

    @property
    def zone(self) -> str:
        return f"{self.env}.mbt.internal"
