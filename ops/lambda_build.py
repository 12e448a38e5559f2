"""`ops build lambdas`: one small, reproducible zip per function, plus the manifest Terraform reads.

Each zip holds the function package, `backend_core` and the function's runtime dependencies installed
for the Lambda target of `backend_core.lambda_runtime` (Python version and architecture: the same contract
Terraform deploys the functions as; manylinux wheels for that machine only). The manifest records the target
(top level and per function), and every zip is checked against it before it is written to the manifest
(ops/terraform/lambda_artefacts.py: compiled modules, handler, size). boto3/botocore are left out: the
Lambda runtime provides them. Entries are sorted and stamped with a fixed time, so the same input gives the same bytes
(and the same `source_code_hash`). Downloaded wheels are cached under build/ so rebuilds work offline.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from backend_core.lambda_runtime import LAMBDA_RUNTIME, LambdaRuntime
from ops.errors import OpsError
from ops.paths import REPO_ROOT
from ops.terraform.lambda_artefacts import zip_problems

ROOT = REPO_ROOT
LAMBDAS = ROOT / "lambdas"
LOCK = ROOT / "requirements" / "dev.lock"
DEFAULT_OUT = ROOT / "build" / "lambda"
CACHE = ROOT / "build" / "cache"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold; any constant makes builds repeatable
SKIP_DIRS = {"__pycache__", "bin", "tests"}
SKIP_SUFFIXES = {".pyc", ".pyo", ".pyi", ".md"}  # docs stay in the repo; openapi.json ships (small)

# Runtime dependencies of the functions (versions come from requirements/dev.lock: one pin per package).
# aws-xray-sdk + wrapt back the Powertools Tracer; jmespath is bundled so Powertools gets its tested version.
RUNTIME = (
    "aws-lambda-powertools",
    "aws-xray-sdk",
    "wrapt",
    "pydantic",
    "pydantic-core",
    "annotated-types",
    "typing-extensions",
    "typing-inspection",
    "jmespath",
)
# The Lambda runtime ships these; a zip that carried them would only grow.
PROVIDED_BY_RUNTIME = ("boto3", "botocore", "s3transfer", "urllib3", "python-dateutil", "six")


@dataclass(frozen=True)
class Function:
    name: str
    package: str
    handler: str
    dependencies: tuple[str, ...] = RUNTIME


FUNCTIONS = {
    # rsa (pure Python) + pyasn1 sign CloudFront download URLs without a compiled crypto library.
    "mobile_api": Function(
        "mobile_api", "mobile_api", "mobile_api.app.lambda_handler", (*RUNTIME, "rsa", "pyasn1")
    ),
    "notify_worker": Function("notify_worker", "notify_worker", "notify_worker.app.lambda_handler"),
    "ttl_archiver": Function("ttl_archiver", "ttl_archiver", "ttl_archiver.app.lambda_handler"),
    "endpoint_cleanup": Function(
        "endpoint_cleanup", "endpoint_cleanup", "endpoint_cleanup.app.lambda_handler"
    ),
    # S3's restore-completed events of the media bucket, in each region: the owner is told the media is back.
    "media_restored": Function("media_restored", "media_restored", "media_restored.app.lambda_handler"),
    # The blueprint schedules the non-destructive drill when the manifest has a "drill" entry.
    "drill": Function("drill", "drill", "drill.app.lambda_handler"),
    # Cognito's post-confirmation trigger: every new user joins `consumers` (the identity module wires it).
    "onboarding": Function("onboarding", "onboarding", "onboarding.app.lambda_handler"),
    # The table stream of each region: erases deleted accounts there (DELETE /me writes the tombstone).
    "account_eraser": Function("account_eraser", "account_eraser", "account_eraser.app.lambda_handler"),
    # The live channel (modules/live): the WebSocket API's $connect authorizer and routes (rsa + pyasn1 verify the
    # Cognito token's RS256 signature in pure Python), and each region's stream -> PostToConnection.
    "live_socket": Function(
        "live_socket", "live_socket", "live_socket.app.lambda_handler", (*RUNTIME, "rsa", "pyasn1")
    ),
    "live_delivery": Function("live_delivery", "live_delivery", "live_delivery.app.lambda_handler"),
}

app = typer.Typer(no_args_is_help=True, help="Package the Lambda functions for Terraform.")
console = Console()


def locked_pins(names: tuple[str, ...], lock: Path = LOCK) -> list[str]:
    """`name==version` for each dependency, read from the lock file so there is one pin per package."""
    if not lock.is_file():
        raise OpsError(f"lock file not found: {lock}")
    found = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", lock.read_text(encoding="utf-8"), re.M))
    normalised = {re.sub(r"[-_.]+", "-", k).lower(): v for k, v in found.items()}
    missing = [n for n in names if n not in normalised]
    if missing:
        raise OpsError(f"not pinned in {lock.name}: {', '.join(missing)}")
    return [f"{n}=={normalised[n]}" for n in names]


def install_dependencies(pins: list[str], target_runtime: LambdaRuntime = LAMBDA_RUNTIME) -> Path:
    """Install the pins for the Lambda target into a directory keyed by their hash; reuse it when it exists."""
    version, platform = target_runtime.python_version, target_runtime.wheel_platform
    key = hashlib.sha256(json.dumps([version, platform, *pins]).encode()).hexdigest()[:16]
    target = CACHE / f"site-{key}"
    if (target / ".complete").is_file():
        return target
    shutil.rmtree(target, ignore_errors=True)
    uv = shutil.which("uv", path=str(ROOT / ".venv" / "bin")) or shutil.which("uv")
    if not uv:
        raise OpsError("uv not found: run `make setup`")
    command = [
        uv, "pip", "install", "--quiet", "--no-deps", "--target", str(target),
        "--python-version", version, "--python-platform", platform, "--only-binary", ":all:",
        "--cache-dir", str(CACHE / "uv"), *pins,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise OpsError(f"could not install Lambda dependencies ({last}); PyPI or build/cache/uv is needed")
    (target / ".complete").write_text("\n".join(pins) + "\n", encoding="utf-8")
    return target


def _files(base: Path, prefix: str = "") -> dict[str, Path]:
    """Archive name -> file, for every shippable file under base."""
    out: dict[str, Path] = {}
    for path in base.rglob("*"):
        rel = path.relative_to(base)
        if not path.is_file() or path.name == ".complete" or any(p in SKIP_DIRS for p in rel.parts):
            continue
        if path.suffix in SKIP_SUFFIXES:
            continue
        out[prefix + rel.as_posix()] = path
    return out


def _provided(arcname: str) -> bool:
    top = arcname.split("/", 1)[0].lower()
    stem = re.sub(r"-[0-9].*\.dist-info$", "", top).replace("_", "-")
    return stem in PROVIDED_BY_RUNTIME or top in {p.replace("-", "_") for p in PROVIDED_BY_RUNTIME}


def write_zip(entries: dict[str, Path], destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for arcname in sorted(entries):
            info = zipfile.ZipInfo(arcname, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # same mode everywhere: umask must not change the hash
            info.create_system = 3
            archive.writestr(info, entries[arcname].read_bytes(), compresslevel=9)
    tmp.replace(destination)


def target(target_runtime: LambdaRuntime = LAMBDA_RUNTIME) -> dict:
    """What the zips are built for, as the manifest records it (Terraform compares it with what it plans)."""
    return {
        "runtime": target_runtime.runtime,
        "architecture": target_runtime.architecture,
        "platform": target_runtime.wheel_platform,
    }


def build_function(function: Function, out_dir: Path, target_runtime: LambdaRuntime = LAMBDA_RUNTIME) -> dict:
    site = install_dependencies(locked_pins(function.dependencies), target_runtime)
    entries = {k: v for k, v in _files(site).items() if not _provided(k)}
    entries.update(_files(LAMBDAS / "backend_core", "backend_core/"))
    entries.update(_files(LAMBDAS / function.package, f"{function.package}/"))
    destination = out_dir / f"{function.name}.zip"
    write_zip(entries, destination)
    problems = zip_problems(
        destination, target_runtime.runtime, target_runtime.architecture, function.handler
    )
    if problems:
        destination.unlink()
        raise OpsError(f"{function.name}: built a zip Lambda would not run: {problems[0]}")
    data = destination.read_bytes()
    return {
        "zip": destination.relative_to(ROOT).as_posix()
        if destination.is_relative_to(ROOT)
        else str(destination),
        "handler": function.handler,
        "runtime": target_runtime.runtime,
        "architecture": target_runtime.architecture,
        "sha256_base64": base64.b64encode(hashlib.sha256(data).digest()).decode(),
        "size_bytes": len(data),
    }


def build(
    names: list[str] | None = None,
    out_dir: Path = DEFAULT_OUT,
    target_runtime: LambdaRuntime = LAMBDA_RUNTIME,
) -> dict:
    unknown = sorted(set(names or []) - set(FUNCTIONS))
    if unknown:
        raise OpsError(f"unknown function(s): {', '.join(unknown)} (known: {', '.join(FUNCTIONS)})")
    selected = names or list(FUNCTIONS)
    manifest_path = out_dir / "manifest.json"
    manifest: dict = {"target": target(target_runtime), "functions": {}}
    if manifest_path.is_file() and names:  # a partial build keeps the other functions' entries
        previous = json.loads(manifest_path.read_text(encoding="utf-8"))
        if previous.get("target") != manifest["target"]:
            raise OpsError(
                f"{manifest_path} was built for {previous.get('target')}, not {manifest['target']}: "
                "rebuild every function (ops build lambdas)"
            )
        manifest["functions"] = previous.get("functions", {})
    for name in selected:
        manifest["functions"][name] = build_function(FUNCTIONS[name], out_dir, target_runtime)
    manifest["functions"] = dict(sorted(manifest["functions"].items()))
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


@app.command("lambdas")
def build_lambdas(
    function: Annotated[
        list[str] | None, typer.Option("--function", "-f", help="Build only these (default: all).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Output directory for the zips and manifest.json.")] = DEFAULT_OUT,
) -> None:
    """Build build/lambda/<function>.zip and build/lambda/manifest.json."""
    manifest = build(function or None, out)
    table = Table("function", "size", "sha256 (base64)", "handler", "target")
    for name, entry in manifest["functions"].items():
        table.add_row(
            name,
            f"{entry['size_bytes'] / 1e6:.2f} MB",
            entry["sha256_base64"],
            entry["handler"],
            f"{entry['runtime']} {entry['architecture']}",
        )
    console.print(table)
    console.print(f"manifest: {out / 'manifest.json'}")
