"""CloudFront signed download URLs: canned policy, RSA-SHA1, private key read once from Secrets Manager.

The key is fetched on the first download of an execution environment (not at cold start) and kept in
memory only; neither it nor anything derived from it is ever logged. Whatever stops signing raises
`SigningUnavailable`, so the route answers 503 instead of ever handing out an unsigned URL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError
from botocore.signers import CloudFrontSigner

# Secrets Manager errors that mean "fix the deployment", not "try again in a moment".
_CONFIG_ERRORS = {
    "ResourceNotFoundException",  # no such secret, or the operator has not put the key yet
    "AccessDeniedException",
    "DecryptionFailure",
    "InvalidRequestException",  # e.g. the secret is scheduled for deletion
}


class SigningUnavailable(Exception):
    """Download URLs cannot be signed. The message is safe to log: it never holds key material."""

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


def load_private_key(pem: str | bytes) -> Any:
    """An `rsa.PrivateKey` from PKCS#1 ("RSA PRIVATE KEY") or unencrypted PKCS#8 ("PRIVATE KEY") PEM."""
    import rsa  # only containers that serve a download pay for the import
    import rsa.pem
    from pyasn1.codec.der import decoder

    data = pem.encode() if isinstance(pem, str) else pem
    try:
        if b"-----BEGIN RSA PRIVATE KEY-----" in data:
            return rsa.PrivateKey.load_pkcs1(data, "PEM")
        if b"-----BEGIN PRIVATE KEY-----" in data:  # what `openssl genrsa` writes since OpenSSL 3
            info, _ = decoder.decode(rsa.pem.load_pem(data, "PRIVATE KEY"))
            if str(info[1][0]) != "1.2.840.113549.1.1.1":  # rsaEncryption
                raise ValueError("not an RSA key")
            return rsa.PrivateKey.load_pkcs1(bytes(info[2]), "DER")
    except Exception as exc:  # parser errors may quote input bytes: keep them out of the message
        raise SigningUnavailable("the signing key secret does not hold an RSA private key PEM") from exc
    raise SigningUnavailable("the signing key secret does not hold an unencrypted RSA private key PEM")


class CdnUrlSigner:
    """Signs `https://<domain>/<object key>` URLs for one CloudFront public key."""

    def __init__(
        self, domain: str, key_pair_id: str, secret_arn: str, secrets_client: Callable[[], Any]
    ) -> None:
        self.domain = domain
        self.key_pair_id = key_pair_id
        self.secret_arn = secret_arn
        self._secrets_client = secrets_client  # built on first use: most requests never need it
        self._signer: CloudFrontSigner | None = None
        self._lock = threading.Lock()  # the local stack serves several requests per process at once

    def url(self, object_key: str, expires_at: datetime) -> str:
        resource = f"https://{self.domain}/{quote(object_key, safe='/')}"
        return self._cloudfront_signer().generate_presigned_url(resource, date_less_than=expires_at)

    def _cloudfront_signer(self) -> CloudFrontSigner:
        if self._signer is None:
            with self._lock:
                if self._signer is None:
                    key = load_private_key(self._fetch_pem())
                    import rsa

                    self._signer = CloudFrontSigner(self.key_pair_id, lambda m: rsa.sign(m, key, "SHA-1"))
        return self._signer

    def _fetch_pem(self) -> str | bytes:
        try:
            secret = self._secrets_client().get_secret_value(SecretId=self.secret_arn)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "Unknown")
            raise SigningUnavailable(
                f"signing key secret unreadable ({code})", transient=code not in _CONFIG_ERRORS
            ) from None
        except BotoCoreError as exc:
            raise SigningUnavailable(
                f"signing key secret unreachable ({type(exc).__name__})", transient=True
            ) from None
        value = secret.get("SecretString") or secret.get("SecretBinary")
        if not value:
            raise SigningUnavailable("the signing key secret is empty")
        return value
