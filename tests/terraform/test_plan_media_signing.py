"""Media is private in every env's plan: signed URLs only, and the signing key never in Terraform state."""

from __future__ import annotations

from tests.terraform.conftest import changes, variable


def _behaviours(distribution: dict, unknown: dict) -> list[tuple[object, object]]:
    """(planned trusted_key_groups, known-after-apply marker) of every cache behaviour."""
    pairs = []
    for block in ("default_cache_behavior", "ordered_cache_behavior"):
        for i, behaviour in enumerate(distribution.get(block) or []):
            marks = (unknown.get(block) or [{}] * (i + 1))[i] or {}
            pairs.append((behaviour.get("trusted_key_groups"), marks.get("trusted_key_groups")))
    return pairs


def test_media_distribution_serves_only_signed_urls_or_nothing(plan: dict) -> None:
    has_key = (variable(plan, "cdn") or {}).get("signing_public_key_pem") is not None
    media = [
        c for c in plan["resource_changes"]
        if c["mode"] == "managed" and c["type"] == "aws_cloudfront_distribution" and c["address"].startswith("module.cdn.")
    ]  # fmt: skip
    assert len(media) == 1
    after, unknown = media[0]["change"]["after"], media[0]["change"]["after_unknown"]
    if not has_key:  # fail closed: a distribution without a key to check signatures serves nothing
        assert after["enabled"] is False, (
            f"{plan['_env']}: no signing key, yet the media distribution is enabled"
        )
        return
    assert after["enabled"] is True
    assert len(changes(plan, "aws_cloudfront_key_group")) == 1
    for groups, groups_unknown in _behaviours(after, unknown):
        # The key group id is known only after apply: the behaviour must reference one group.
        assert groups_unknown == [True] or (groups and len(groups) == 1), (
            f"{plan['_env']}: unsigned behaviour"
        )


def test_signing_key_secret_is_encrypted_replicated_and_empty_in_terraform(plan: dict) -> None:
    secrets = [
        c for c in plan["resource_changes"]
        if c["mode"] == "managed" and c["address"].startswith("module.cdn.") and "secretsmanager" in c["type"]
    ]  # fmt: skip
    assert [c["type"] for c in secrets] == ["aws_secretsmanager_secret"], (
        "no secret version: the key stays out of state"
    )
    secret = secrets[0]["change"]
    assert secret["after"].get("kms_key_id") or secret["after_unknown"].get("kms_key_id"), (
        "customer-managed KMS key"
    )
    assert [r["region"] for r in secret["after"]["replica"]] == [variable(plan, "dr_region")]
    assert secret["after"]["name"] == f"{variable(plan, 'project')}-{plan['_env']}-cdn-signing-key"
    disposable = variable(plan, "disposable") is True
    assert secret["after"]["recovery_window_in_days"] == (0 if disposable else 30)


def test_each_site_signs_with_its_own_regions_secret_and_key(plan: dict) -> None:
    calls = plan["configuration"]["root_module"]["module_calls"]
    for site, keys in (("primary", "primary_key_arns"), ("dr", "dr_key_arns")):
        references = calls[f"api_{site}"]["expressions"]["cdn_signing"]["references"]
        assert f'module.cdn.signing_key_secret_arns["{site}"]' in references, site
        assert f'module.kms_keys.{keys}["media"]' in references, site
        assert "module.cdn.signing_key_pair_id" in references, site
