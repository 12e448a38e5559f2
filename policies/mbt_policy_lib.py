"""Helpers shared by the mobile-backend-toolkit checks (not a check itself).

checkov hands a check the resource as HCL-like dicts where every value sits in a list
(`{"status": ["Enabled"], "rule": [{...}]}`), in both the terraform (source) and the
terraform_plan frameworks. These helpers read that shape and tell a known value from one
that Terraform only knows after apply, so no check fails merely because of an unknown.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

# Values known only after apply. The gate's ops.terraform.plan_for_checkov marks an attribute the
# configuration sets as KNOWN_AFTER_APPLY (so it is set, e.g. to a key this plan creates); checkov's own
# EVAL_TF_PLAN_AFTER_UNKNOWN=true marks any unknown attribute, configured or not, as the second.
KNOWN_AFTER_APPLY = "(known after apply)"
AFTER_UNKNOWN_MARKERS = frozenset({KNOWN_AFTER_APPLY, "true_after_unknown"})
# Archive classes for lifecycle transitions: objects there are not instantly readable.
ARCHIVE_STORAGE_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"})
ARCHIVE_WITHIN_DAYS = 180
# "Inactive for more than six months": no archive tier may start earlier. Mirrors
# lambdas/backend_core/archival.py NO_ARCHIVE_BEFORE_DAYS (checkov's virtualenv cannot import it; a test
# keeps the two equal).
NO_ARCHIVE_BEFORE_DAYS = 180
# Classes whose objects answer 403 InvalidObjectState until restored (Glacier Instant Retrieval is readable).
RESTORE_FIRST_STORAGE_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE"})
REQUIRED_TAGS = ("project", "env", "owner")


def value(block: dict[str, Any] | None, key: str) -> Any:
    """The single value of `key` in a checkov block, unwrapped from its list; None when absent."""
    if not isinstance(block, dict):
        return None
    raw = block.get(key)
    if isinstance(raw, list):
        return raw[0] if raw else None
    return raw


def blocks(block: dict[str, Any] | None, key: str) -> list[dict[str, Any]]:
    """The nested blocks named `key` (plan JSON shows an absent block as `[[]]`)."""
    if not isinstance(block, dict):
        return []
    raw = block.get(key)
    if not isinstance(raw, list):
        return [raw] if isinstance(raw, dict) else []
    found: list[dict[str, Any]] = []
    for item in raw:
        if isinstance(item, dict):
            found.append(item)
        elif isinstance(item, list):
            found.extend(inner for inner in item if isinstance(inner, dict))
    return found


def has_dynamic(block: dict[str, Any] | None, key: str) -> bool:
    """True when `key` blocks come (also) from a `dynamic` block.

    In the source run checkov renders such blocks badly: it repeats the dynamic content and drops the
    static blocks of the same name (seen with checkov 3.3: one static and one dynamic `tiering` became two
    copies of the dynamic one). The plan run sees the real blocks, so checks leave these to it.
    """
    if not isinstance(block, dict):
        return False
    return any(isinstance(d, dict) and key in d for d in as_list(block.get("dynamic")))


def is_unknown(raw: Any) -> bool:
    """True for a value Terraform computes during apply (marked by checkov's plan parser)."""
    if isinstance(raw, list):
        return len(raw) == 1 and is_unknown(raw[0])
    return isinstance(raw, str) and raw in AFTER_UNKNOWN_MARKERS


def is_configured_later(raw: Any) -> bool:
    """True for a value the configuration sets but Terraform computes during apply."""
    if isinstance(raw, list):
        return len(raw) == 1 and is_configured_later(raw[0])
    return raw == KNOWN_AFTER_APPLY


def is_set(raw: Any) -> bool:
    """True for a present, non-empty value (a literal or a reference to another resource)."""
    return raw not in (None, "", [], {}) and not is_unknown(raw)


# An expression checkov could not resolve in the source run (a module input, a local, a data source, the key
# of a for_each over one of those): the plan run, where module inputs are resolved, decides those.
_UNRESOLVED = re.compile(r"\$\{|(?:^|[^\w.])(?:var|local|module|data|each)\.")


def is_unresolved(raw: Any) -> bool:
    return isinstance(raw, str) and bool(_UNRESOLVED.search(raw))


def truthy(raw: Any) -> bool:
    """Terraform booleans arrive as bools or as "true"/"True" strings."""
    return raw is True or (isinstance(raw, str) and raw.lower() == "true")


def as_int(raw: Any) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def as_list(raw: Any) -> list[Any]:
    if raw is None:
        return []
    return raw if isinstance(raw, list) else [raw]


def policy_document(raw: Any) -> dict[str, Any] | None:
    """An IAM/resource policy as a dict (jsonencode() output or a JSON string); None when not yet known."""
    if isinstance(raw, list):
        raw = raw[0] if len(raw) == 1 else None
    document: Any = None
    if isinstance(raw, dict):
        document = raw
    elif isinstance(raw, str) and raw.startswith("jsonencode(") and raw.endswith(")"):
        document = _unevaluated(raw[len("jsonencode(") : -1])
    elif isinstance(raw, str):
        try:
            document = json.loads(raw)
        except ValueError:
            return None
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("Statement"), str):
        # e.g. `Statement = concat([...], var.extra)` that checkov left as text
        statement = _unevaluated(document["Statement"])
        if statement is None:
            return None
        document = {**document, "Statement": statement}
    return document


# checkov renders "${aws_s3_bucket.x.arn}/*" inside jsonencode() as ''aws_s3_bucket.x.arn'/*' and then
# gives up evaluating the call, leaving Python-literal text; mending those quotes lets us read it.
_BROKEN_INTERPOLATION = re.compile(r"''([^'\s]+)'([^']*)'")


def _unevaluated(text: str) -> Any:
    """Read expression text checkov left unevaluated: a literal, or concat() of literal lists."""
    text = _BROKEN_INTERPOLATION.sub(r"'\1\2'", text.strip())
    try:
        if text.startswith("concat(") and text.endswith(")"):
            parts = ast.literal_eval("[" + text[len("concat(") : -1] + "]")
            return [item for part in parts for item in (part if isinstance(part, list) else [part])]
        return ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return None


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in as_list(document.get("Statement")) if isinstance(s, dict)]


def is_customer_managed_key(raw: Any) -> bool:
    """A KMS key reference that is not an AWS-managed key (`alias/aws/...`).

    In the source framework a reference shows as `aws_kms_key.x.arn`; in the plan framework an
    ARN that is unknown at plan time shows as that same reference, so both count as customer-managed.
    """
    if not is_set(raw) or not isinstance(raw, str):
        return False
    return "alias/aws/" not in raw


def allows(statement: dict[str, Any]) -> bool:
    return statement.get("Effect", "Allow") == "Allow"


def principals(statement: dict[str, Any], kind: str) -> list[str]:
    """The principals of one kind ("AWS", "Service", "Federated") named by a trust statement."""
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"] if kind == "AWS" else []
    if not isinstance(principal, dict):
        return []
    return [str(p) for p in as_list(principal.get(kind))]


def actions(statement: dict[str, Any]) -> list[str]:
    return [str(action) for action in as_list(statement.get("Action"))]


def human_trust_statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Statements that let IAM principals (people, via their account or users) assume the role."""
    return [
        s
        for s in statements(document)
        if allows(s)
        and principals(s, "AWS")
        and any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions(s))
    ]


def condition_values(statement: dict[str, Any], operators: tuple[str, ...], key_suffix: str) -> list[str]:
    """Values of every condition key ending with `key_suffix` under the given operators."""
    found: list[str] = []
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return found  # absent, or an expression checkov left as text
    for operator in operators:
        block = condition.get(operator)
        if isinstance(block, dict):
            for key, raw in block.items():
                if str(key).endswith(key_suffix):
                    found.extend(str(v) for v in as_list(raw))
    return found
