"""R12: every taggable resource ends up with project, env and owner tags (provider default_tags count).

Applies to the plan framework only: there `tags_all` already merges the provider's default_tags
with the resource's own tags. In the source framework the provider check CKV_MBT_13 covers it.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import REQUIRED_TAGS, is_set, is_unknown


class TagsAllRequired(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R12: every taggable resource has project, env and owner in tags_all (plan; default_tags count)",
            id="CKV_MBT_12",
            categories=[CheckCategories.CONVENTION],
            supported_resources=["aws_*"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if "tags_all" not in conf:
            return CheckResult.UNKNOWN  # source framework, or a type without tags
        self.evaluated_keys = ["tags_all"]
        raw = conf["tags_all"]
        tags = raw[0] if isinstance(raw, list) and raw else raw
        if is_unknown(tags):
            return CheckResult.UNKNOWN
        if not isinstance(tags, dict):
            return CheckResult.FAILED
        for key in REQUIRED_TAGS:
            if key not in tags:
                return CheckResult.FAILED
            tag_value = tags[key]
            if not (is_set(tag_value) or is_unknown(tag_value)):
                return CheckResult.FAILED
        return CheckResult.PASSED


check = TagsAllRequired()
