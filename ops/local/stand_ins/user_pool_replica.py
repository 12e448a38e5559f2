"""Stand-in for Cognito multi-Region replication (MRR): the user pool's SECONDARY replica in the DR region.

moto has no replica API, so the stack builds one: a user pool in the DR region with the primary's settings,
an app client with the primary's flows, the same groups, and the primary's users kept in step every
`interval` seconds (username, sub, password, status, attributes, groups). Its tokens carry the DR pool's
issuer; the API fronts accept them as well as the primary's (AWS: tokens of either region verify against
the pool's multi-Region issuer).

Where it fails like AWS:
- Users are read from the primary region through the emulator's API (`ListUsers`, signed for the primary
  region), so while the primary is dark the replica gets no changes and keeps what it had, as MRR would.
- A secondary cannot create or change users: `gateway_refusal` answers SignUp, AdminCreateUser,
  ForgotPassword, ... with `OperationNotEnabledException` (the moto gateway applies it).
- `remove()` (the drill's `user-pool-replica-missing` fault) takes it out of the emulator: every call
  naming it answers `ResourceNotFoundException`, as in a region without a replica. `restore()` puts the
  same pool back (same ids) and resyncs.

Where it differs from AWS: MRR shares the pool id and the app client id across regions; here the replica
has its own (`us-west-2_...`), because unsigned Cognito calls (SignUp, InitiateAuth) reach the emulator
with no region, and the gateway tells regions apart by pool and client id. The stack's state document
names them (`user_pool_replica`). The copy is made inside the emulator's process (moto keeps passwords in
plain text and has no API to read them), and replication lag is the sync interval.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from typing import Any, Self

from ops.local.aws import client
from ops.local.config import ACCOUNT_ID
from ops.local.idle import IdleWait, WaitForChange
from ops.local.parts import LoopPart

log = logging.getLogger("ops.local.stand_ins.user_pool_replica")

# End-user and admin operations a secondary replica does not serve (AWS: "Secondary user pools can't
# create users"; users "can't reset passwords or modify their profiles" there). Source: the Cognito
# developer guide, "Multi-Region replication for user pools", limitations.
REFUSED_IN_SECONDARY = frozenset(
    {
        "SignUp",
        "ConfirmSignUp",
        "ResendConfirmationCode",
        "AdminCreateUser",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "ChangePassword",
        "AdminSetUserPassword",
        "AdminResetUserPassword",
        "UpdateUserAttributes",
        "AdminUpdateUserAttributes",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
    }
)


def _backend(region: str) -> Any:
    from moto.cognitoidp.models import cognitoidp_backends  # the emulator runs in this process

    return cognitoidp_backends[ACCOUNT_ID][region]


def wakes_user_pool_replica(service: str, resource: str) -> bool:
    """Only a Cognito write changes a user (the gateway's change signal)."""
    return service == "cognito-idp"


class UserPoolReplica(LoopPart):
    """The DR-region replica of one user pool; `start()` creates it and runs the sync loop in a thread (a part of
    the stack: `ops.local.parts.Part`)."""

    name = "user_pool_replica"
    stop_timeout = 5.0

    def __init__(
        self,
        endpoint_url: str,
        primary_region: str,
        dr_region: str,
        source_pool_id: str,
        source_client_id: str,
        interval: float = 0.5,
        wait_for_change: WaitForChange | None = None,
        idle_cap_seconds: float = 120.0,  # every Cognito write and region up wakes it
    ) -> None:
        super().__init__()
        self.endpoint_url = endpoint_url
        self.primary_region = primary_region
        self.dr_region = dr_region
        self.source_pool_id = source_pool_id
        self.source_client_id = source_client_id
        self.interval = interval
        self.user_pool_id = ""
        self.client_id = ""
        self.active = False
        self._removed: Any = None  # the moto pool object while the replica is removed
        self.syncs = 0
        self.errors = 0
        self.last_error: str | None = None
        self.last_sync_at: float | None = None
        self._lock = threading.Lock()
        # Sign-ups and user changes are writes through the endpoint (they wake it): at most one sync per
        # `interval` while they come, and idle, a look after waits of base, 4 x base, then idle_cap_seconds.
        self.idle = IdleWait(
            self._stop, wait_for_change, base=interval, cap=idle_cap_seconds, min_gap=interval
        )
        self._primary = client("cognito-idp", primary_region, endpoint_url)

    # ---- what the fronts, the gateway and the drill read -----------------------------------------
    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.dr_region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        return f"{self.endpoint_url}/{self.user_pool_id}/.well-known/jwks.json"

    def document(self) -> dict[str, Any]:
        """What the state document says about the replica (the drill signs in with these)."""
        return {
            "region": self.dr_region,
            "user_pool_id": self.user_pool_id,
            "client_id": self.client_id,
            "issuer": self.issuer,
        }

    def status(self) -> dict[str, Any]:
        pool = _backend(self.dr_region).user_pools.get(self.user_pool_id)
        return {
            "healthy": self.alive,
            "status": "ACTIVE" if self.active else "missing",
            "role": "SECONDARY",
            **self.document(),
            "users": len(pool.users) if pool is not None and self.active else 0,
            "syncs": self.syncs,
            "seconds_since_sync": None
            if self.last_sync_at is None
            else round(time.time() - self.last_sync_at, 1),
            "errors": self.errors,
            "last_error": self.last_error,
        }

    def gateway_refusal(self, operation: str, params: dict[str, Any]) -> tuple[int, str, str] | None:
        """(HTTP status, error code, message) when AWS would refuse this Cognito call on the replica."""
        if params.get("UserPoolId") != self.user_pool_id and params.get("ClientId") != self.client_id:
            return None
        if not self.active:
            what = params.get("UserPoolId") or params.get("ClientId")
            return 400, "ResourceNotFoundException", f"{what} does not exist in {self.dr_region}"
        if operation in REFUSED_IN_SECONDARY:
            return 400, "OperationNotEnabledException", f"{operation} is not supported by a secondary replica"
        return None

    # ---- lifecycle ---------------------------------------------------------------------------
    def start(self) -> Self:
        self._create()
        self.active = True
        self.sync()
        return super().start()

    def _create(self) -> None:
        """A pool in the DR region with the primary's sign-in settings, app client flows and groups."""
        dr = client("cognito-idp", self.dr_region, self.endpoint_url)
        source = self._primary.describe_user_pool(UserPoolId=self.source_pool_id)["UserPool"]
        settings = {
            k: source[k]
            for k in ("UsernameAttributes", "AutoVerifiedAttributes", "Policies", "MfaConfiguration")
            if k in source
        }
        pool = dr.create_user_pool(PoolName=f"{source['Name']}-replica", **settings)["UserPool"]
        app = self._primary.describe_user_pool_client(
            UserPoolId=self.source_pool_id, ClientId=self.source_client_id
        )["UserPoolClient"]
        twin = dr.create_user_pool_client(
            UserPoolId=pool["Id"],
            ClientName=app["ClientName"],
            GenerateSecret=False,
            ExplicitAuthFlows=app.get("ExplicitAuthFlows", []),
            PreventUserExistenceErrors=app.get("PreventUserExistenceErrors", "ENABLED"),
        )["UserPoolClient"]
        for page in self._primary.get_paginator("list_groups").paginate(UserPoolId=self.source_pool_id):
            for group in page.get("Groups", []):
                dr.create_group(
                    UserPoolId=pool["Id"],
                    GroupName=group["GroupName"],
                    Description=group.get("Description") or group["GroupName"],
                )
        self.user_pool_id, self.client_id = pool["Id"], twin["ClientId"]

    def remove(self) -> None:
        """The `user-pool-replica-missing` fault: the DR region has no replica any more (moto's own answer
        to a call naming it is then ResourceNotFoundException, as AWS's)."""
        with self._lock:
            self.active = False
            self._removed = _backend(self.dr_region).user_pools.pop(self.user_pool_id, None) or self._removed

    def restore(self) -> None:
        with self._lock:
            if self._removed is not None:
                _backend(self.dr_region).user_pools[self.user_pool_id] = self._removed
                self._removed = None
            self.active = True
        self.sync()

    # ---- replication ---------------------------------------------------------------------------
    def _run(self) -> None:
        changed = 0
        while True:
            self.idle.after(busy=changed > 0)
            if self._stop.is_set():
                return
            try:
                changed = self.sync()
            except Exception as exc:  # the primary region is dark, or moto raised: keep what we have
                self.errors += 1
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                log.debug("replica sync failed: %s", self.last_error)

    def sync(self) -> int:
        """Copy the primary's users (as listed through the emulator's API); how many changed."""
        if not self.active:
            return 0
        usernames: list[str] = []
        for page in self._primary.get_paginator("list_users").paginate(UserPoolId=self.source_pool_id):
            usernames += [u["Username"] for u in page.get("Users", [])]
        changed = 0
        with self._lock:
            replica = _backend(self.dr_region).user_pools.get(self.user_pool_id)
            if replica is None or not self.active:  # removed meanwhile (the fault)
                return 0
            source = _backend(self.primary_region).user_pools[self.source_pool_id]
            for username in usernames:
                user = source.users.get(username)
                if user is not None and _copy_user(user, replica):
                    changed += 1
            for gone in set(replica.users) - set(usernames):
                user = replica.users.pop(gone)
                for group in list(user.groups):
                    group.users.discard(user)
                changed += 1
        self.syncs += 1
        self.last_sync_at = time.time()
        return changed


def _copy_user(user: Any, replica: Any) -> bool:
    """Make `replica` hold the same user (same sub, password, state, attributes, groups); True if changed."""
    from moto.cognitoidp.models import CognitoIdpUser

    twin = replica.users.get(user.username)
    groups = {g.group_name for g in user.groups}
    if (
        twin is not None
        and twin.id == user.id
        and twin.password == user.password
        and twin.status == user.status
        and twin.enabled == user.enabled
        and twin.attributes == user.attributes
        and {g.group_name for g in twin.groups} == groups
    ):
        return False
    if twin is None:
        twin = CognitoIdpUser(replica.id, user.username, user.password, user.status, [])
        replica.users[user.username] = twin
    twin.id = user.id  # one directory: the same sub in both regions
    twin.password = user.password
    twin.status = user.status
    twin.enabled = user.enabled
    twin.attributes = copy.deepcopy(user.attributes)
    twin.attribute_lookup = dict(user.attribute_lookup)
    twin.create_date = user.create_date
    twin.last_modified_date = user.last_modified_date
    for group in list(twin.groups):
        if group.group_name not in groups:
            group.users.discard(twin)
            twin.groups.discard(group)
    for name in groups:
        group = replica.groups.get(name)
        if group is not None:
            group.users.add(twin)
            twin.groups.add(group)
    return True


def gateway_rule(replica: UserPoolReplica, make_error: Any) -> Any:
    """A rule for the moto gateway: refuse, as AWS would, the Cognito calls a secondary replica does not
    serve (`make_error(status, code, message)` builds the gateway's error, which it raises)."""

    def rule(environ: dict, body: bytes) -> None:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        service, _, operation = target.partition(".")
        if service != "AWSCognitoIdentityProviderService":
            return
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return  # moto answers a malformed request itself
        if isinstance(params, dict) and (refusal := replica.gateway_refusal(operation, params)):
            raise make_error(*refusal)

    return rule
