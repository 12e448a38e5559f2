"""R9: CloudFront speaks TLS 1.2 or newer to viewers and to custom origins."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import as_list, blocks, is_unknown, is_unresolved, truthy, value

# CloudFront security policies whose floor is TLS 1.2 or newer.
MODERN_VIEWER_POLICY_PREFIXES = ("TLSv1.2_", "TLSv1.3_")


class CloudFrontTls12(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R9: CloudFront enforces TLS >= 1.2 for viewers (own certificate) and HTTPS-only TLS 1.2 to custom origins",
            id="CKV_MBT_3",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_cloudfront_distribution"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["viewer_certificate", "origin"]
        certificates = blocks(conf, "viewer_certificate")
        if not certificates:
            return CheckResult.FAILED
        certificate = certificates[0]
        default_certificate = value(certificate, "cloudfront_default_certificate")
        minimum = value(certificate, "minimum_protocol_version")
        if any(is_unknown(raw) or is_unresolved(raw) for raw in (default_certificate, minimum)):
            return CheckResult.UNKNOWN  # e.g. chosen by a variable: the plan run decides
        # The default *.cloudfront.net certificate always allows TLS 1.0.
        if truthy(default_certificate):
            return CheckResult.FAILED
        if not (isinstance(minimum, str) and minimum.startswith(MODERN_VIEWER_POLICY_PREFIXES)):
            return CheckResult.FAILED
        for origin in blocks(conf, "origin"):
            for custom in blocks(origin, "custom_origin_config"):
                if value(custom, "origin_protocol_policy") != "https-only":
                    return CheckResult.FAILED
                protocols = {str(p) for p in as_list(value(custom, "origin_ssl_protocols"))}
                if not protocols or protocols - {"TLSv1.2"}:
                    return CheckResult.FAILED
        return CheckResult.PASSED


check = CloudFrontTls12()
