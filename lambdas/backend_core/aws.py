"""boto3 clients built from settings: one place decides region, endpoint, signing, timeouts and retries."""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from backend_core.settings import FunctionSettings

# Request paths are latency-sensitive: short timeouts, SDK "standard" retries with backoff (R8).
REQUEST_PATH = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})
# Usage events must never slow or fail a request: one quick attempt, then give up.
BEST_EFFORT = Config(connect_timeout=0.5, read_timeout=0.5, retries={"mode": "standard", "max_attempts": 1})

# One session per process: each session parses the service models again (tens of MB and ~100 ms each),
# and region and endpoint are per client anyway, so handlers for several regions can share it.
_session: boto3.session.Session | None = None
_session_lock = threading.Lock()  # creating clients from one session is not thread-safe; using them is


def s3_signing(settings: FunctionSettings) -> Config:
    """How every S3 client signs, also the URLs and POST policies it presigns for the app.

    botocore still presigns with Signature Version 2 against the global `s3.amazonaws.com` host unless told
    otherwise; S3 refuses SigV2 for buckets created after June 2020 and for SSE-KMS objects (both true of the
    media buckets), so every URL handed out would fail. Here: SigV4 (`X-Amz-Algorithm=AWS4-HMAC-SHA256`,
    credential scope `<date>/<region>/s3/aws4_request`) against the bucket's regional endpoint,
    virtual-hosted `https://<bucket>.s3.<region>.amazonaws.com` in AWS (us-east-1 included, whose legacy
    global host would otherwise be used). Against the emulator (an `endpoint_url` on loopback, where a
    bucket subdomain cannot resolve) requests stay path-style on that URL.
    Sources: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html and the SigV2
    deprecation notice, https://docs.aws.amazon.com/AmazonS3/latest/API/specify-signature-version.html
    """
    return Config(
        signature_version="s3v4",
        s3={
            "addressing_style": "path" if settings.endpoint_url else "virtual",
            "us_east_1_regional_endpoint": "regional",
        },
    )


def client(service: str, settings: FunctionSettings, config: Config = REQUEST_PATH) -> Any:
    global _session
    if service == "s3":
        config = config.merge(s3_signing(settings))
    with _session_lock:
        if _session is None:
            _session = boto3.session.Session()
        return _session.client(
            service, region_name=settings.region, endpoint_url=settings.endpoint_url, config=config
        )
