"""The Lambda target: the Python runtime and instruction set every function is built for AND deployed as.

One definition, read by `ops build lambdas` (which wheels it installs; recorded in build/lambda/manifest.json)
and by Terraform (through `terraform/contracts/lambda_runtime.json`: `runtime` and `architectures` of every
function). A zip whose compiled modules were built for another target fails at import in AWS (e.g. an
x86_64 `pydantic_core` on arm64: "invalid ELF header"), so `make validate` compares the zips' native modules
with the function that deploys them (ops/terraform/lambda_artefacts.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

# Lambda's name for the instruction set -> the machine name in manylinux wheel tags, CPython extension
# suffixes (`.cpython-312-aarch64-linux-gnu.so`) and ELF headers (e_machine 183 = EM_AARCH64, 62 = EM_X86_64).
# Sources: https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html, the System V ABI (e_machine).
MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}
ELF_MACHINES = {"arm64": 183, "x86_64": 62}


class LambdaRuntime(BaseModel):
    model_config = ConfigDict(frozen=True)

    python_version: Literal["3.11", "3.12", "3.13"] = Field(
        "3.12", description="CPython version of the Lambda runtime (a managed `pythonX.Y` runtime)."
    )
    architecture: Literal["arm64", "x86_64"] = Field(
        "arm64",
        description="Instruction set of every function (Lambda's name). arm64 (Graviton) costs about 20% "
        "less per GB-second than x86_64 (https://aws.amazon.com/lambda/pricing/).",
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def runtime(self) -> str:
        """Lambda's runtime identifier, e.g. `python3.12`."""
        return f"python{self.python_version}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def machine(self) -> str:
        """The machine name in wheel tags and extension suffixes: `aarch64` or `x86_64`."""
        return MACHINES[self.architecture]

    @property
    def wheel_platform(self) -> str:
        """uv's `--python-platform` for Lambda's Amazon Linux 2023 (glibc 2.34 >= manylinux2014's 2.17)."""
        return f"{self.machine}-manylinux2014"

    @property
    def cpython_tag(self) -> str:
        """The tag in a compiled extension's file name: `cpython-312-aarch64-linux-gnu`."""
        return f"cpython-{self.python_version.replace('.', '')}-{self.machine}-linux-gnu"

    @property
    def elf_machine(self) -> int:
        return ELF_MACHINES[self.architecture]


LAMBDA_RUNTIME = LambdaRuntime()
