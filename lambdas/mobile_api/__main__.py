"""`python -m mobile_api openapi` rewrites the committed OpenAPI document from the routes."""

from __future__ import annotations

import sys
from pathlib import Path

from mobile_api.app import openapi_json

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


def main(argv: list[str]) -> int:
    if argv[1:] != ["openapi"]:
        print("usage: python -m mobile_api openapi", file=sys.stderr)
        return 2
    OPENAPI_PATH.write_text(openapi_json(), encoding="utf-8")
    print(f"wrote {OPENAPI_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
