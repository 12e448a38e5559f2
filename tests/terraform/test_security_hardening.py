"""Security review findings, checked on each env's offline plan and on the env files themselves.

Values the offline plan cannot know (the CI trust names the OIDC provider's ARN, the identity-pool policy the
bucket's) are asserted by the modules' `terraform test` runs with mock providers (command = apply).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.terraform.conftest import REPO, changes

ENVS_DIR = REPO / "terraform" / "envs"
BACKENDS = sorted(ENVS_DIR.glob("*.backend.hcl"))


def _policy(document: str) -> dict:
    return json.loads(document)


def _role(plan: dict, suffix: str) -> dict:
    (role,) = [r for r in changes(plan, "aws_iam_role") if r["name"].endswith(suffix)]
    return role


def _statements_by_sid(plan: dict) -> dict[str, dict]:
    (boundary,) = [p for p in changes(plan, "aws_iam_policy") if p["name"].endswith("-developer-boundary")]
    return {s["Sid"]: s for s in _policy(boundary["policy"])["Statement"]}


def test_boundary_stops_escalation_and_audit_tampering(plan: dict) -> None:
    sids = _statements_by_sid(plan)
    create = sids["DenyRolesWithoutThisBoundary"]
    assert {"iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"} <= set(create["Action"])
    assert create["Condition"]["StringNotEquals"]["iam:PermissionsBoundary"].endswith("-developer-boundary")
    assert "Condition" not in sids["DenyBoundaryRemoval"], "nobody may remove a boundary"
    assert sids["DenyJobRoleTrustChange"]["Action"] == "iam:UpdateAssumeRolePolicy"
    for sid in ("DenyBoundaryChange", "DenyKeyTampering"):
        assert sids[sid]["Condition"]["ArnNotEquals"]["aws:PrincipalArn"].endswith("-ci"), sid
    assert {"kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"} <= set(
        sids["DenyKeyTampering"]["Action"]
    )


def test_job_roles_need_their_job_function_tag(plan: dict) -> None:
    for function in ("admin", "developer", "read-only", "analyst"):
        (statement,) = _policy(_role(plan, f"-{function}")["assume_role_policy"])["Statement"]
        assert statement["Condition"]["StringEquals"] == {"aws:PrincipalTag/job-function": function}
        assert statement["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}


def test_no_key_policy_names_eventbridge(plan: dict) -> None:
    policies = [k["policy"] for k in changes(plan, "aws_kms_key") + changes(plan, "aws_kms_replica_key")]
    assert policies
    for document in policies:
        assert "events.amazonaws.com" not in json.dumps(_policy(document))


def test_budget_measures_this_env_and_alerts_the_topic(plan: dict) -> None:
    (budget,) = changes(plan, "aws_budgets_budget")
    assert budget["cost_filter"] == [{"name": "TagKeyValue", "values": [f"user:env${plan['_env']}"]}]
    assert all(
        n["subscriber_sns_topic_arns"] is None or n["subscriber_sns_topic_arns"]
        for n in budget["notification"]
    )


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda p: p.stem)
def test_state_is_encrypted_with_the_state_key(backend: Path) -> None:
    text = backend.read_text()
    assert re.search(r"^encrypt\s*=\s*true", text, re.M)
    key = re.search(r'^kms_key_id\s*=\s*"([^"]+)"', text, re.M)
    assert key, f"{backend.name}: kms_key_id missing"
    assert re.fullmatch(r"arn:aws:kms:[a-z0-9-]+:ACCOUNT_ID:alias/[a-z][a-z0-9]*-tfstate", key.group(1))
    # The key's region is the state bucket's region.
    region = re.search(r'^region\s*=\s*"([^"]+)"', text, re.M).group(1)
    assert key.group(1).split(":")[3] == region


def test_every_env_states_the_same_account_layout() -> None:
    """One explicit setting: how envs map to accounts is the same fact in every env's data."""
    layouts = {
        env.stem: re.search(r'^account_layout\s*=\s*"([^"]+)"', env.read_text(), re.M)
        for env in sorted(ENVS_DIR.glob("*.tfvars"))
    }
    assert all(layouts.values()), f"every env states account_layout: {layouts}"
    assert len({m.group(1) for m in layouts.values()}) == 1, layouts


def test_per_env_layout_lets_dev_go_first(plan: dict) -> None:
    """Shipped layout per-env: every env's plan creates its account's OIDC provider and trail, and looks
    nothing up that another env would have to create first."""
    types = {c["type"] for c in plan["resource_changes"] if c["mode"] == "managed"}
    assert {"aws_iam_openid_connect_provider", "aws_cloudtrail"} <= types, plan["_env"]
    # Data sources read while planning are in prior_state, deferred ones in resource_changes: neither.
    lookups = {c["type"] for c in plan["resource_changes"] if c["mode"] == "data"}
    modules = [plan.get("prior_state", {}).get("values", {}).get("root_module", {})]
    while modules:
        module = modules.pop()
        lookups |= {r["type"] for r in module.get("resources", []) if r.get("mode") == "data"}
        modules += module.get("child_modules", [])
    assert "aws_iam_openid_connect_provider" not in lookups, plan["_env"]


def test_every_role_carries_a_permission_boundary(plan: dict) -> None:
    """The boundary lets CI create only bounded roles, so every role the blueprint creates must carry one."""
    unbounded = [
        c["address"]
        for c in plan["resource_changes"]
        if c["mode"] == "managed"
        and c["type"] == "aws_iam_role"
        and not c["change"]["after"].get("permissions_boundary")
        and c["change"]["after_unknown"].get("permissions_boundary") is not True
    ]
    assert unbounded == [], f"{plan['_env']}: roles without a permission boundary: {unbounded}"
