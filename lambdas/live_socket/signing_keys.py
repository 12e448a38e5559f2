"""The last JWKS live_socket fetched for each trusted issuer, kept in the table (`item_keys.signing_keys`).

Why: the blueprint trusts the primary pool's issuer at both sites, and that issuer's JWKS is served from the
primary region only. A DR function that never fetched it before the primary went dark could not verify a single
primary-issued token during the outage. Every successful fetch is written here, and the table replicates it, so
the DR function falls back to the keys either region last fetched. The keys are public (a JWKS is published for
anyone to read), so keeping them in the table reveals nothing.

Item shape: `{"PK": "SIGNINGKEYS#<issuer>", "SK": "JWKS", "jwks": <the JWKS document as JSON text>,
"fetched_at": <epoch seconds, int>}`. No TTL: Cognito keeps a pool's signing keys (a token names its key by `kid`,
and an unknown `kid` is refused), so old keys verify nothing Cognito would not.
"""

from __future__ import annotations

import json
from typing import Any

from backend_core import item_keys
from backend_core.ddb import TableAccess, to_ddb


class SigningKeyStore(TableAccess):
    def save(self, issuer: str, jwks: dict[str, Any], fetched_at: float) -> None:
        """Keep `jwks` as the issuer's last fetched keys (a PutItem; the newer fetch wins)."""
        item = {
            **item_keys.signing_keys(issuer),
            "jwks": json.dumps(jwks, sort_keys=True),
            "fetched_at": int(fetched_at),
        }
        self.db.put_item(TableName=self.table, Item=to_ddb(item))

    def load(self, issuer: str) -> tuple[dict[str, Any], float] | None:
        """(the JWKS document, fetched_at in epoch seconds) either region last saved, or None. An eventually
        consistent read: the item is replicated, and any copy of public keys will do. Raises ClientError when
        DynamoDB fails and ValueError when the stored document is not JSON."""
        item = self._get_item(item_keys.signing_keys(issuer), consistent=False)
        if item is None:
            return None
        return json.loads(str(item["jwks"])), float(item["fetched_at"])
