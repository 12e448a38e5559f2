"""Fail fast, in one line, when there are no AWS credentials to run Terraform with."""

from __future__ import annotations

import os

import botocore.session

from ops.errors import OpsError

# Looking for instance-metadata credentials would send traffic to 169.254.169.254; CI uses OIDC web identity.
_NO_IMDS = {"AWS_EC2_METADATA_DISABLED": "true"}


def credential_source(environ: dict[str, str] | None = None) -> str | None:
    """How botocore would authenticate (env, shared-credentials-file, assume-role-with-web-identity, ...)."""
    saved = dict(os.environ)
    try:
        if environ is not None:
            os.environ.clear()
            os.environ.update(environ)
        os.environ.update(_NO_IMDS)
        session = botocore.session.Session()
        credentials = session.get_credentials()
        return credentials.method if credentials is not None else None
    finally:
        os.environ.clear()
        os.environ.update(saved)


def require_credentials(env: str, environ: dict[str, str] | None = None) -> str:
    source = credential_source(environ)
    if source is None:
        raise OpsError(
            f"no AWS credentials for env {env!r}: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
            "(CI: the OIDC role); ENV=local needs none: make up"
        )
    return source
