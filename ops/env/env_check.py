"""`ops env check --env ENV`: what a first deploy needs, checked before Terraform starts.

Placeholders shipped in `terraform/envs/<env>.tfvars` and `<env>.backend.hcl` (account ids, the DNS zone, the
domain, the SES identity, alert addresses, the GitHub repository) and prerequisites that live outside the
files (the CDN URL-signing public key, push credentials, the Lambda concurrency quota) are listed each with
its file, line and what to put there. `make plan` runs this first; docs/first-deploy.md is the order a
person fills them in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ops.env import push_credentials
from ops.env.envs import CloudEnv
from ops.paths import REPO_ROOT

UNRESERVED_MINIMUM = 100  # Lambda keeps 100 of an account's concurrency unreserved (Lambda quotas page)
LAMBDA_CONCURRENCY_QUOTA = "L-B99A9384"  # Service Quotas: "Concurrent executions" of AWS Lambda


@dataclass(frozen=True)
class Finding:
    path: Path  # a file, or an environment variable's name (TF_VAR_apns) for a value kept out of files
    line: int  # 0: not tied to a line
    what: str
    fix: str

    def __str__(self) -> str:
        try:
            where = self.path.relative_to(REPO_ROOT).as_posix()
        except ValueError:
            where = str(self.path)
        return (
            f"{where}:{self.line}: {self.what}: {self.fix}"
            if self.line
            else f"{where}: {self.what}: {self.fix}"
        )


# (pattern, what it is, what to put there), checked on every line's value part (comments ignored)
PLACEHOLDERS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"arn:aws:ses:[^\"]*identity/[^\"]*example\.(?:com|org|net)"),
        "placeholder SES identity",
        "the ARN of a verified SES identity (domain or address) Cognito sends mail from",
    ),
    (
        re.compile(r"ACCOUNT_ID|\b0{12}\b|\b123456789012\b"),
        "placeholder AWS account id",
        "your 12-digit account id (`aws sts get-caller-identity --query Account`)",
    ),
    (
        re.compile(r'"Z0{6,}[A-Z0-9]*"'),
        "placeholder Route 53 zone id",
        "the hosted zone id of the env's domain (`aws route53 list-hosted-zones-by-name --dns-name DOMAIN`)",
    ),
    (
        re.compile(r"[\w.+-]+@(?:[\w-]+\.)*example\.(?:com|org|net)"),
        "placeholder e-mail address",
        "a real address (alert e-mails: each confirms its SNS subscription; from-address: on the SES identity)",
    ),
    (
        re.compile(r"https?://(?:[a-z0-9-]+\.)*example\.(?:com|org|net)\b"),
        "placeholder web-app origin (CORS)",
        "your web app's origin (https://host[:port]) in api.cors_allowed_origins, or none: mobile apps need no CORS",
    ),
    (
        re.compile(r'"(?:[a-z0-9-]+\.)*example\.(?:com|org|net)"'),
        "placeholder domain",
        "a domain whose Route 53 hosted zone is in this account (api.<domain> and media.<domain> go there)",
    ),
    (
        re.compile(r'"example-org/[^"]*"'),
        "placeholder GitHub repository",
        "your owner/name on GitHub: its workflows get the CI role through OIDC",
    ),
)


def _value_part(line: str) -> str:
    """The line without its comment (`#` or `//` outside a string)."""
    in_string = False
    for i, char in enumerate(line):
        if char == '"' and (i == 0 or line[i - 1] != "\\"):
            in_string = not in_string
        elif not in_string and (char == "#" or line.startswith("//", i)):
            return line[:i]
    return line


def placeholders(paths: Iterable[Path]) -> list[Finding]:
    findings = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            value = _value_part(line)
            for pattern, what, fix in PLACEHOLDERS:
                if pattern.search(value):
                    findings.append(Finding(path, number, what, fix))
                    break  # one finding per line: the most specific pattern comes first
    return findings


def missing_settings(env: CloudEnv, environ: dict[str, str] | None = None) -> list[Finding]:
    """Prerequisites the files cannot hold or leave out."""
    environ = dict(os.environ if environ is None else environ)
    text = env.tfvars.read_text()
    findings = []
    if not re.search(r"^\s*signing_public_key_pem\s*=", text, re.M):
        findings.append(
            Finding(
                env.tfvars,
                _line_of(text, r"^\s*cdn\s*=") or 0,
                "no CDN URL-signing public key (cdn.signing_public_key_pem)",
                "make the RSA pair and put the public half here (terraform/README.md, 'Private media'); "
                "without it media downloads answer 503",
            )
        )
    if not (environ.get("TF_VAR_apns") or environ.get("TF_VAR_fcm_service_account_json")):
        findings.append(
            Finding(
                env.tfvars,
                0,
                "no push credentials",
                "export TF_VAR_apns='{signing_key=...,key_id=...,team_id=...,bundle_id=...}' and/or "
                "TF_VAR_fcm_service_account_json=... (sensitive: never in a file); without them no push is sent",
            )
        )
    # Set but unusable: named by the variable (the value lives in no file of the repository).
    findings += [Finding(Path(var), 0, what, fix) for var, what, fix in push_credentials.problems(environ)]
    return findings


def required_lambda_concurrency(env: CloudEnv) -> int:
    """Per region: the env's reserved concurrency plus what Lambda keeps unreserved."""
    reserved = sum(int(n) for n in re.findall(r"reserved_concurrency\s*=\s*(\d+)", _values(env.tfvars)))
    return reserved + UNRESERVED_MINIMUM if reserved else 0


def concurrency_quota_findings(env: CloudEnv, quotas: dict[str, float]) -> list[Finding]:
    """`quotas`: region -> the account's Lambda concurrency quota there (Service Quotas)."""
    need = required_lambda_concurrency(env)
    line = _line_of(env.tfvars.read_text(), r"reserved_concurrency") or 0
    return [
        Finding(
            env.tfvars,
            line,
            f"Lambda concurrency quota in {region} is {int(quota)}, the env needs {need}",
            f"request {need} for 'Concurrent executions' (quota {LAMBDA_CONCURRENCY_QUOTA}) in Service Quotas "
            f"for {region}, or lower reserved_concurrency",
        )
        for region, quota in sorted(quotas.items())
        if quota < need
    ]


def account_findings(env: CloudEnv, account: str) -> list[Finding]:
    """The backend config must name the account the credentials belong to."""
    findings = []
    for number, line in enumerate(env.backend.read_text().splitlines(), start=1):
        for other in re.findall(r"\b(\d{12})\b", _value_part(line)):
            if other != account:
                findings.append(
                    Finding(
                        env.backend,
                        number,
                        f"account {other} is not the credentials' account {account}",
                        "use the state backend of this account (make bootstrap ENV=...), or other credentials",
                    )
                )
    return findings


def file_findings(env: CloudEnv, environ: dict[str, str] | None = None) -> list[Finding]:
    return placeholders([env.tfvars, env.backend]) + missing_settings(env, environ)


def _values(path: Path) -> str:
    return "\n".join(_value_part(line) for line in path.read_text().splitlines())


def _line_of(text: str, pattern: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.search(pattern, line):
            return number
    return None
