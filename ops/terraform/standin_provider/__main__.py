"""Entry point Terraform runs (through the filesystem mirror's executable)."""

import sys

from ops.terraform.standin_provider.plugin_server import serve
from ops.terraform.standin_provider.provider_service import StandInProvider

if __name__ == "__main__":
    sys.exit(serve(StandInProvider()))
