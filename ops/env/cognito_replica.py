"""The post-apply step that keeps a Cognito multi-Region replica of the user pool in the DR region.

The AWS provider has no resource for user pool replicas yet, so `ops env apply` runs this after every
successful apply. It is idempotent: it lists the pool's replicas and creates (or re-activates) the DR
replica only when it is missing. Where Cognito cannot replicate the pool (the API or the Region is not
available to the account), it changes nothing and reports the fallback instead of failing the apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from botocore.exceptions import ClientError

from ops.errors import OpsError

FALLBACK = (
    "fallback: no user pool replica; the DR API's JWT authorizer trusts the primary pool's issuer, so "
    "signed-in users keep working in DR until their tokens expire, while sign-ins and refreshes need the "
    "primary region's Cognito"
)
# Errors that mean "this account/Region cannot have a replica", as opposed to a broken request.
_UNAVAILABLE = {
    "UnsupportedOperationException",
    "UnsupportedFeatureException",
    "InvalidParameterException",
    "FeatureUnavailableInTierException",
    "NotImplementedException",
    "InternalFailure",
    "UnknownOperationException",
    "InvalidAction",
}
_FATAL = {"ResourceNotFoundException", "AccessDeniedException", "NotAuthorizedException"}

Action = Literal["present", "created", "activated", "unavailable"]


@dataclass(frozen=True)
class ReplicaResult:
    action: Action
    region: str
    detail: str

    def message(self) -> str:
        if self.action == "unavailable":
            return f"user pool replica in {self.region} unavailable ({self.detail}); {FALLBACK}"
        return f"user pool replica in {self.region}: {self.action} ({self.detail})"


def ensure_user_pool_replica(client: Any, user_pool_id: str, region: str) -> ReplicaResult:
    """Make sure `user_pool_id` has a replica in `region` (client: cognito-idp in the pool's region)."""
    try:
        replicas = _list_replicas(client, user_pool_id)
        existing = next((r for r in replicas if r.get("RegionName") == region), None)
        if existing is None:
            created = client.create_user_pool_replica(UserPoolId=user_pool_id, RegionName=region)
            return ReplicaResult("created", region, created["UserPoolReplica"].get("Status", "CREATING"))
        if existing.get("Status") == "INACTIVE":
            client.update_user_pool_replica(UserPoolId=user_pool_id, RegionName=region, Status="ACTIVE")
            return ReplicaResult("activated", region, "was INACTIVE")
        return ReplicaResult("present", region, existing.get("Status", "unknown status"))
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        text = exc.response.get("Error", {}).get("Message") or str(exc)
        if code in _FATAL:
            raise OpsError(f"user pool replica step failed: {code}: {text}", exit_code=1) from exc
        if code in _UNAVAILABLE or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
            return ReplicaResult("unavailable", region, f"{code or 'error'}: {text}".strip()[:200])
        raise OpsError(f"user pool replica step failed: {code}: {text}", exit_code=1) from exc


def _list_replicas(client: Any, user_pool_id: str) -> list[dict[str, Any]]:
    replicas: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        kwargs = {"UserPoolId": user_pool_id, **({"NextToken": token} if token else {})}
        page = client.list_user_pool_replicas(**kwargs)
        replicas += page.get("UserPoolReplicas", [])
        token = page.get("NextToken")
        if not token:
            return replicas
