"""Export the shared contracts to JSON under terraform/contracts/ so Terraform reads the same definitions.

`ops contracts export` writes them; `ops contracts check` (and a test) fails when they drift.
"""

from __future__ import annotations

import json
from pathlib import Path

from backend_core import item_keys, ttl_removal
from backend_core.api_routes import API_ROUTES
from backend_core.archival import ARCHIVAL_POLICY, MEDIA_INVENTORY
from backend_core.identity import IDENTITY
from backend_core.lambda_runtime import LAMBDA_RUNTIME
from backend_core.media_replication import MEDIA_REPLICATION
from backend_core.s3_layout import S3_LAYOUT
from backend_core.table_design import TABLE_DESIGN
from backend_core.usage_events import (
    LOG_FILTER_PATTERN,
    PARTITION_KEY,
    S3_ERROR_PREFIX,
    S3_PREFIX,
    TABLE_NAME,
    glue_columns,
)
from drill.settings import canary_contract
from ops.analytics.catalog import named_queries
from ops.paths import REPO_ROOT

CONTRACTS_DIR = REPO_ROOT / "terraform" / "contracts"


def rendered_contracts() -> dict[str, str]:
    """File name -> exact JSON text of each exported contract."""
    documents = {
        "table_design.json": TABLE_DESIGN.to_terraform(),
        "api_routes.json": API_ROUTES.terraform(),
        "s3_layout.json": S3_LAYOUT.model_dump(),
        "ttl_removal.json": ttl_removal.contract(),
        "item_keys.json": item_keys.contract(),
        "usage_event_columns.json": {
            "columns": glue_columns(),
            "partition_key": PARTITION_KEY,
            "table_name": TABLE_NAME,
            "s3_prefix": S3_PREFIX,
            "s3_error_prefix": S3_ERROR_PREFIX,
            "log_filter_pattern": LOG_FILTER_PATTERN,
        },
        "archival_policy.json": ARCHIVAL_POLICY.model_dump(),
        "media_inventory.json": MEDIA_INVENTORY.terraform(),
        "identity.json": IDENTITY.model_dump(mode="json"),
        "media_replication.json": MEDIA_REPLICATION.model_dump(mode="json"),
        "lambda_runtime.json": LAMBDA_RUNTIME.model_dump(),
        "drill_canary.json": canary_contract(),
        # ops/analytics/queries/*.sql as the Athena console runs them (the blueprint's named queries).
        "athena_named_queries.json": {"queries": named_queries()},
    }
    return {name: json.dumps(doc, indent=2, sort_keys=True) + "\n" for name, doc in documents.items()}


def export(directory: Path = CONTRACTS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rendered_contracts().items():
        path = directory / name
        path.write_text(text)
        written.append(path)
    return written


def drifted(directory: Path = CONTRACTS_DIR) -> list[str]:
    """Names of exported files that differ from the Python definitions (or are missing)."""
    return [
        name
        for name, text in rendered_contracts().items()
        if not (directory / name).is_file() or (directory / name).read_text() != text
    ]
