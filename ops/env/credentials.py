"""Fail fast, in one line, when there are no usable AWS credentials to run Terraform with.

Two steps, both before Terraform starts: find credentials the way botocore (and the AWS provider) would
(offline: a missing profile, an SSO session that was never started, a broken credential_process), then ask
STS who they belong to (one call: an expired or revoked token, a wrong key, or an endpoint that does not
answer). Each failure is one line naming the profile or endpoint and what to do.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import botocore.session
from botocore.config import Config

from ops.errors import OpsError, describe

# Looking for instance-metadata credentials would send traffic to 169.254.169.254; CI uses OIDC web identity.
_NO_IMDS = {"AWS_EC2_METADATA_DISABLED": "true"}
# One quick try: an operator waits for this before anything else happens.
_STS_CONFIG = Config(connect_timeout=5, read_timeout=10, retries={"mode": "standard", "max_attempts": 2})
T = TypeVar("T")


def _with_environment(environ: dict[str, str] | None, action: Callable[[], T]) -> T:
    """Run `action` with `environ` as the process environment (None: the current one), never IMDS."""
    saved = dict(os.environ)
    try:
        if environ is not None:
            os.environ.clear()
            os.environ.update(environ)
        os.environ.update(_NO_IMDS)
        return action()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def credential_source(environ: dict[str, str] | None = None) -> str | None:
    """How botocore would authenticate (env, shared-credentials-file, assume-role-with-web-identity, ...).

    Raises botocore's own errors for a profile that does not exist or credentials that cannot be loaded.
    """

    def find() -> str | None:
        credentials = botocore.session.Session().get_credentials()
        return credentials.method if credentials is not None else None

    return _with_environment(environ, find)


def require_credentials(env: str, environ: dict[str, str] | None = None) -> str:
    try:
        source = credential_source(environ)
    except Exception as exc:  # ProfileNotFound, SSO token missing, credential_process failing, ...
        raise OpsError(f"env {env!r}: {describe(exc)}") from None
    if source is None:
        raise OpsError(
            f"no AWS credentials for env {env!r}: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
            "(CI: the OIDC role); ENV=local needs none: make up"
        )
    return source


def caller_identity(env: str, region: str, environ: dict[str, str] | None = None) -> dict[str, str]:
    """STS GetCallerIdentity with the credentials found: {"Account", "Arn", "UserId"}.

    Raises OpsError (one line) for expired or rejected credentials (exit 2) and for an STS endpoint that
    does not answer (exit 1). AWS_ENDPOINT_URL_STS (botocore's setting) points it elsewhere.
    """

    def ask() -> dict[str, str]:
        session = botocore.session.Session()
        return session.create_client("sts", region_name=region, config=_STS_CONFIG).get_caller_identity()

    try:
        return _with_environment(environ, ask)
    except Exception as exc:
        error = describe(exc)
        raise OpsError(f"env {env!r}: {error}", error.exit_code) from None
