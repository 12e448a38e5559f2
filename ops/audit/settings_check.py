"""Declared vs actual: each bucket of the stack outputs against the archival-policy contract.

| bucket | versioning | Intelligent-Tiering | lifecycle | replication copy class | inventory |
|---|---|---|---|---|---|
| primary media | Enabled | exactly the contract's archive tiers | exactly the contract's rules | the contract's (to DR) | the contract's |
| media failover copy | Enabled | no archive tier (it never archives) | exactly the contract's rules | the contract's (to primary) | - |
| analytics | Enabled | no archive tier (Athena cannot read archived data) | expires noncurrent versions, aborts incomplete uploads | - | - |

Every difference is a violation naming the bucket and the setting. The lifecycle is compared rule by rule
(by rule id) and field by field, after the shapes S3 answers are normalised (an empty filter and a filter
with an empty prefix are the same).
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from backend_core.archival import ARCHIVAL_POLICY, INTELLIGENT_TIERING_ID, MEDIA_INVENTORY
from backend_core.media_replication import MEDIA_REPLICATION
from ops.audit.env import AuditEnv
from ops.audit.model import SettingCheck, Violation

MISSING = "(none)"


def scratch_prefixes() -> dict[str, int]:
    """The drill canaries' prefix -> days, as the blueprint gives the storage module."""
    from drill.settings import canary_contract

    canary = canary_contract()
    return {canary["canary_prefix"]: canary["canary_object_expire_days"]}


def check_buckets(env: AuditEnv) -> tuple[list[SettingCheck], list[Violation], dict[str, dict]]:
    """Every setting of every bucket, the violations among them, and what each bucket actually has
    (bucket -> {"archive_tiers": {...}}) for the object classification."""
    checks: list[SettingCheck] = []
    actual_state: dict[str, dict] = {}
    for bucket, role, side in env.buckets():
        s3 = env.client("s3", side)
        try:
            found = _read(s3, bucket)
        except (ClientError, BotoCoreError) as exc:
            checks.append(SettingCheck(bucket, role, "readable", "yes", f"no: {_reason(exc)}", False))
            continue
        actual_state[bucket] = {"archive_tiers": _archive_tiers(found["intelligent_tiering"])}
        checks += _check(bucket, role, side, found, env)
    violations = [
        Violation("settings", f"{c.bucket} ({c.role})", c.setting, c.expected, c.actual)
        for c in checks
        if not c.ok
    ]
    return checks, violations, actual_state


def _read(s3: Any, bucket: str) -> dict[str, Any]:
    def optional(call: Any, *missing: str, **kwargs: Any) -> Any:
        try:
            return call(Bucket=bucket, **kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in missing:
                return None
            raise

    lifecycle = optional(s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration")
    replication = optional(s3.get_bucket_replication, "ReplicationConfigurationNotFoundError")
    tiering = s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket)
    inventory = s3.list_bucket_inventory_configurations(Bucket=bucket)
    return {
        "versioning": s3.get_bucket_versioning(Bucket=bucket).get("Status") or "Disabled",
        "lifecycle": (lifecycle or {}).get("Rules"),
        "replication": (replication or {}).get("ReplicationConfiguration"),
        "intelligent_tiering": tiering.get("IntelligentTieringConfigurationList", []),
        "inventory": inventory.get("InventoryConfigurationList", []),
    }


def _check(bucket: str, role: str, side: str, found: dict[str, Any], env: AuditEnv) -> list[SettingCheck]:
    checks = [
        SettingCheck(
            bucket, role, "versioning", "Enabled", found["versioning"], found["versioning"] == "Enabled"
        )
    ]
    tiers = _archive_tiers(found["intelligent_tiering"])
    if role == "media":
        expected = ARCHIVAL_POLICY.intelligent_tiering_configuration()
        ours = next((c for c in found["intelligent_tiering"] if c.get("Id") == INTELLIGENT_TIERING_ID), None)
        checks.append(
            SettingCheck(
                bucket,
                role,
                f"Intelligent-Tiering configuration {INTELLIGENT_TIERING_ID}",
                _tiering_text(expected),
                _tiering_text(ours) if ours else MISSING,
                ours is not None and _tiering_shape(ours) == _tiering_shape(expected),
            )
        )
        others = [
            c
            for c in found["intelligent_tiering"]
            if c.get("Id") != INTELLIGENT_TIERING_ID and _archive_tiers([c])
        ]
        if others:
            checks.append(
                SettingCheck(
                    bucket,
                    role,
                    "other Intelligent-Tiering archive configurations",
                    MISSING,
                    "; ".join(_tiering_text(c) for c in others),
                    False,
                )
            )
    else:
        why = "never archives (failover read path)" if side == "dr" else "no archive tier (Athena reads it)"
        checks.append(
            SettingCheck(
                bucket,
                role,
                "Intelligent-Tiering archive tiers",
                f"{MISSING}: {why}",
                ", ".join(f"{t} after {d} days" for t, d in sorted(tiers.items())) or MISSING,
                not tiers,
            )
        )
    if role.startswith("media"):
        checks += _lifecycle_checks(bucket, role, found["lifecycle"])
        rule = MEDIA_REPLICATION.to_dr if side == "primary" else MEDIA_REPLICATION.to_primary
        rules = (found["replication"] or {}).get("Rules", [])
        ours = next((r for r in rules if r.get("ID") == rule.id), None)
        actual = (ours or {}).get("Destination", {}).get("StorageClass", "STANDARD") if ours else MISSING
        checks.append(
            SettingCheck(
                bucket,
                role,
                f"replication rule {rule.id}: copy storage class",
                rule.storage_class,
                actual,
                actual == rule.storage_class,
            )
        )
    else:
        checks.append(_hygiene(bucket, role, found["lifecycle"]))
    if role == "media":
        checks.append(_inventory_check(bucket, role, found["inventory"], env))
    return checks


# ---- Intelligent-Tiering ---------------------------------------------------------------------------
def _archive_tiers(configurations: list[dict[str, Any]]) -> dict[str, int]:
    tiers: dict[str, int] = {}
    for configuration in configurations:
        if configuration.get("Status") != "Enabled":
            continue
        for tiering in configuration.get("Tierings", []):
            tier, days = tiering.get("AccessTier"), int(tiering.get("Days", 0))
            tiers[tier] = min(days, tiers.get(tier, days))
    return tiers


def _tiering_shape(configuration: dict[str, Any]) -> tuple:
    tierings = sorted((t.get("AccessTier"), int(t.get("Days", 0))) for t in configuration.get("Tierings", []))
    return (
        configuration.get("Status"),
        json.dumps(configuration.get("Filter") or {}, sort_keys=True),
        tuple(tierings),
    )


def _tiering_text(configuration: dict[str, Any]) -> str:
    tierings = ", ".join(
        f"{t.get('AccessTier')} after {t.get('Days')} days"
        for t in sorted(configuration.get("Tierings", []), key=lambda t: int(t.get("Days", 0)))
    )
    filtered = (
        f" filter {json.dumps(configuration['Filter'], sort_keys=True)}"
        if configuration.get("Filter")
        else ""
    )
    return f"{configuration.get('Status')}: {tierings or 'no tier'}{filtered}"


# ---- lifecycle -------------------------------------------------------------------------------------
def normalise_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A lifecycle rule in one comparable shape, whatever S3 answered (Filter {} = Filter {Prefix: ""})."""
    filters = rule.get("Filter") or {}
    prefix = filters.get("Prefix", (filters.get("And") or {}).get("Prefix", rule.get("Prefix", ""))) or ""
    expiration = rule.get("Expiration") or {}
    tags = list((filters.get("And") or {}).get("Tags", []))
    if "Tag" in filters:
        tags.append(filters["Tag"])
    return {
        "status": rule.get("Status"),
        "prefix": prefix,
        "tags": sorted(f"{t['Key']}={t['Value']}" for t in tags),
        "transitions": sorted(
            f"{t.get('StorageClass')} after {t.get('Days', t.get('Date'))} days"
            for t in rule.get("Transitions", [])
        ),
        "noncurrent transitions": sorted(
            f"{t.get('StorageClass')} after {t.get('NoncurrentDays')} days"
            for t in rule.get("NoncurrentVersionTransitions", [])
        ),
        "noncurrent expiration days": (rule.get("NoncurrentVersionExpiration") or {}).get("NoncurrentDays"),
        "expiration": {
            k: v for k, v in expiration.items() if k in ("Days", "Date", "ExpiredObjectDeleteMarker")
        }
        or None,
        "abort incomplete uploads after days": (rule.get("AbortIncompleteMultipartUpload") or {}).get(
            "DaysAfterInitiation"
        ),
    }


def _lifecycle_checks(bucket: str, role: str, rules: list[dict[str, Any]] | None) -> list[SettingCheck]:
    expected = {r["ID"]: normalise_rule(r) for r in ARCHIVAL_POLICY.lifecycle_rules(scratch_prefixes())}
    if rules is None:
        return [
            SettingCheck(bucket, role, "lifecycle configuration", f"{len(expected)} rules", MISSING, False)
        ]
    actual = {r.get("ID", "?"): normalise_rule(r) for r in rules}
    checks = []
    for rule_id, want in expected.items():
        have = actual.get(rule_id)
        if have is None:
            checks.append(
                SettingCheck(bucket, role, f"lifecycle rule {rule_id}", _text(want), MISSING, False)
            )
            continue
        changed = [name for name in want if want[name] != have[name]]
        checks.append(
            SettingCheck(
                bucket,
                role,
                f"lifecycle rule {rule_id}" + (f": {', '.join(changed)}" if changed else ""),
                _text({n: want[n] for n in changed}) if changed else "as the contract",
                _text({n: have[n] for n in changed}) if changed else "as the contract",
                not changed,
            )
        )
    for rule_id in sorted(set(actual) - set(expected)):
        checks.append(
            SettingCheck(bucket, role, f"lifecycle rule {rule_id}", MISSING, _text(actual[rule_id]), False)
        )
    return checks


def _hygiene(bucket: str, role: str, rules: list[dict[str, Any]] | None) -> SettingCheck:
    enabled = [normalise_rule(r) for r in rules or [] if r.get("Status") == "Enabled"]
    noncurrent = any(r["noncurrent expiration days"] for r in enabled)
    aborts = any(r["abort incomplete uploads after days"] for r in enabled)
    archives = [
        r for r in enabled for text in r["transitions"] if text.startswith(("GLACIER ", "DEEP_ARCHIVE "))
    ]
    actual = (
        MISSING
        if rules is None
        else f"noncurrent versions {'expire' if noncurrent else 'kept'}, incomplete uploads "
        f"{'aborted' if aborts else 'kept'}" + (", transitions to an archive class" if archives else "")
    )
    return SettingCheck(
        bucket,
        role,
        "lifecycle hygiene",
        "noncurrent versions expire, incomplete uploads aborted",
        actual,
        noncurrent and aborts and not archives,
    )


def _inventory_check(
    bucket: str, role: str, configurations: list[dict[str, Any]], env: AuditEnv
) -> SettingCheck:
    want = MEDIA_INVENTORY.s3_configuration(env.outputs.analytics.bucket)
    have = next((c for c in configurations if c.get("Id") == MEDIA_INVENTORY.configuration_id), None)

    def shape(configuration: dict[str, Any]) -> dict[str, Any]:
        destination = configuration.get("Destination", {}).get("S3BucketDestination", {})
        return {
            "enabled": configuration.get("IsEnabled"),
            "versions": configuration.get("IncludedObjectVersions"),
            "frequency": configuration.get("Schedule", {}).get("Frequency"),
            "fields": sorted(configuration.get("OptionalFields", [])),
            "destination": destination.get("Bucket"),
            "format": destination.get("Format"),
            "prefix": (destination.get("Prefix") or "").rstrip("/"),
        }

    name = f"S3 Inventory {MEDIA_INVENTORY.configuration_id}"
    if have is None:
        return SettingCheck(bucket, role, name, _text(shape(want)), MISSING, False)
    changed = [k for k, v in shape(want).items() if shape(have)[k] != v]
    return SettingCheck(
        bucket,
        role,
        name + (f": {', '.join(changed)}" if changed else ""),
        _text({k: shape(want)[k] for k in changed}) if changed else "as the contract",
        _text({k: shape(have)[k] for k in changed}) if changed else "as the contract",
        not changed,
    )


def _text(value: dict[str, Any]) -> str:
    def plain(v: Any) -> str:
        if isinstance(v, list | tuple):
            return ", ".join(plain(x) for x in v) or "none"
        if isinstance(v, dict):
            return ", ".join(f"{k} {plain(x)}" for k, x in v.items()) or "none"
        return "none" if v is None else str(v)

    return "; ".join(f"{k} {plain(v)}" for k, v in value.items())


def _reason(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code')}: {error.get('Message')}"
    return f"{type(exc).__name__}: {exc}"
