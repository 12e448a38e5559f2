"""The one exception type operators see, and the translation of every foreseeable failure into it.

Operators see one line and a non-zero exit, never a traceback (`ops.cli.main` prints it). Commands raise
`OpsError` where they know better; `describe` turns what escapes them (a missing AWS profile, an expired
token, an endpoint that does not answer, a missing file, ...) into the same shape. Exit codes: 2 for a
mistake the operator fixes (arguments, credentials, configuration, files), 1 for a failure on the way
(the network, AWS refusing a call), 130 for Ctrl-C.
"""

from __future__ import annotations

import json
import os
import subprocess

USAGE = 2  # the operator's input or configuration is wrong
FAILED = 1  # something on the way failed

# Error codes AWS answers for credentials that are no longer (or never were) valid.
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"})
REJECTED_CODES = frozenset(
    {"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "InvalidAccessKeyId",
     "AuthFailure", "InvalidToken"}
)  # fmt: skip


class OpsError(Exception):
    """An expected failure with a message for the operator (bad input, missing credentials, ...)."""

    def __init__(self, message: str, exit_code: int = USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def one_line(text: object) -> str:
    """Collapse any whitespace (Terraform and botocore messages span lines) into one line."""
    return " ".join(str(text).split())


def _profile() -> str:
    return os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"


def describe(exc: BaseException) -> OpsError:
    """The operator's one line for an exception no command turned into an OpsError itself."""
    if isinstance(exc, OpsError):
        return exc
    for translate in (_botocore, _network, _files, _data):
        found = translate(exc)
        if found is not None:
            return OpsError(one_line(found.args[0]), found.exit_code)
    return OpsError(
        one_line(
            f"unexpected error: {type(exc).__name__}: {exc} "
            "(a bug in ops: rerun with OPS_DEBUG=1 for the traceback and report it)"
        ),
        FAILED,
    )


def _botocore(exc: BaseException) -> OpsError | None:
    try:
        from botocore import exceptions as bce
    except ImportError:  # pragma: no cover - botocore is a dependency of ops
        return None
    if isinstance(exc, bce.ProfileNotFound):
        profile = exc.kwargs.get("profile") or _profile()
        return OpsError(
            f"AWS profile {profile!r} not found in ~/.aws/config or ~/.aws/credentials: fix AWS_PROFILE "
            "(`aws configure list-profiles` lists yours)"
        )
    if isinstance(exc, bce.SSOError | bce.TokenRetrievalError):  # missing, expired or revoked SSO session
        return OpsError(
            f"the AWS SSO session of profile {_profile()!r} is missing or expired: run `aws sso login --profile {_profile()}` ({exc})"
        )
    if isinstance(exc, bce.NoCredentialsError):
        return OpsError("no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
    if isinstance(exc, bce.PartialCredentialsError | bce.CredentialRetrievalError | bce.InvalidConfigError):
        return OpsError(f"AWS credentials of profile {_profile()!r} are unusable: {exc}")
    if isinstance(exc, bce.NoRegionError):
        return OpsError("no AWS region: set AWS_REGION (or `region` in the profile)")
    if isinstance(exc, bce.EndpointConnectionError | bce.ConnectTimeoutError | bce.ReadTimeoutError):
        endpoint = exc.kwargs.get("endpoint_url", "the AWS endpoint")
        return OpsError(
            f"could not reach {endpoint}: no answer (check the network, a proxy or the endpoint URL)", FAILED
        )
    if isinstance(exc, bce.ConnectionClosedError):
        return OpsError(
            f"{exc.kwargs.get('endpoint_url', 'the AWS endpoint')} closed the connection: retry", FAILED
        )
    if isinstance(exc, bce.ClientError):
        error = exc.response.get("Error", {})
        code, message = error.get("Code", "Unknown"), error.get("Message", "")
        operation = getattr(exc, "operation_name", "the call")
        if code in EXPIRED_CODES:
            return OpsError(
                f"the AWS credentials of profile {_profile()!r} have expired ({code}): refresh them (`aws sso login`, a new session token) and retry"
            )
        if code in REJECTED_CODES:
            return OpsError(
                f"AWS rejected the credentials ({code}: {message}): check AWS_PROFILE or the access key"
            )
        if "AccessDenied" in code or code == "UnauthorizedOperation":
            return OpsError(f"AWS denied {operation} ({code}): {message}", FAILED)
        return OpsError(f"AWS {operation} failed ({code}): {message}", FAILED)
    if isinstance(exc, bce.BotoCoreError):
        return OpsError(f"AWS SDK: {exc}", FAILED)
    return None


def _network(exc: BaseException) -> OpsError | None:
    try:
        import requests

        if isinstance(exc, requests.ConnectionError | requests.Timeout):
            return OpsError(
                f"could not reach {getattr(exc.request, 'url', 'the endpoint')}: {type(exc).__name__}", FAILED
            )
    except ImportError:  # pragma: no cover
        pass
    import urllib.error

    if isinstance(exc, urllib.error.URLError):
        return OpsError(f"could not reach the endpoint: {exc.reason}", FAILED)
    if isinstance(exc, ConnectionError | TimeoutError):
        return OpsError(f"could not reach the endpoint: {exc}", FAILED)
    return None


def _files(exc: BaseException) -> OpsError | None:
    if isinstance(exc, FileNotFoundError):
        return OpsError(f"no such file or directory: {exc.filename}")
    if isinstance(exc, PermissionError):
        return OpsError(f"permission denied: {exc.filename}")
    if isinstance(exc, IsADirectoryError | NotADirectoryError | FileExistsError):
        return OpsError(f"{exc.strerror}: {exc.filename}")
    if isinstance(exc, OSError) and exc.filename:
        return OpsError(f"{exc.strerror or exc}: {exc.filename}", FAILED)
    return None


def _data(exc: BaseException) -> OpsError | None:
    if isinstance(exc, json.JSONDecodeError):
        return OpsError(f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
    if isinstance(exc, subprocess.TimeoutExpired):
        command = exc.cmd[0] if isinstance(exc.cmd, list | tuple) else exc.cmd
        return OpsError(f"{command} did not finish within {exc.timeout:g} s", FAILED)
    try:
        from pydantic import ValidationError
    except ImportError:  # pragma: no cover
        return None
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "input"
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        return OpsError(f"invalid {exc.title}: {where}: {first['msg']}{more}")
    return None
