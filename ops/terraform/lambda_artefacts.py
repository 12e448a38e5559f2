"""Would AWS run the zips this plan deploys? Native modules, handler and size, checked offline.

Lambda loads a function's compiled modules with the runtime's own loader: a `.so` built for another
instruction set or another CPython fails at import ("invalid ELF header", "No module named
'pydantic_core._pydantic_core'"), and a handler string naming a module or function that the zip lacks fails
every invocation ("Runtime.ImportModuleError", "Runtime.HandlerNotFound"). Neither shows in `terraform plan`
or in the local stack (which runs the code on this machine's Python). This module reads each planned
`aws_lambda_function`'s `filename`, `runtime`, `architectures` and `handler` and checks the zip against them:

- every ELF file's machine (`e_machine`: 183 aarch64, 62 x86_64) and class (64-bit) match the architecture;
- every CPython extension tag (`.cpython-312-aarch64-linux-gnu.so`) names the runtime's version and machine
  (`.abi3.so` is version-independent, its ELF header is still checked);
- the handler's module is in the zip and defines the handler's function at module level;
- the zip is within Lambda's direct-upload (50 MB) and unzipped (250 MB) quotas
  (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).

`make validate` runs it as the `artefacts` gate; `ops build lambdas` runs the zip part on what it built.
"""

from __future__ import annotations

import ast
import re
import struct
import zipfile
from pathlib import Path

from backend_core.lambda_runtime import ELF_MACHINES, MACHINES

ZIP_LIMIT_BYTES = 50 * 1024 * 1024  # direct upload (filename); larger zips must go through S3
UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024
_EXTENSION = re.compile(r"\.cpython-(?P<version>\d+)-(?P<machine>[a-z0-9_]+)-linux-gnu\.so$")
_ELF_MAGIC = b"\x7fELF"
_MACHINE_NAMES = {number: MACHINES[arch] for arch, number in ELF_MACHINES.items()}


def elf_machine(header: bytes) -> int | None:
    """e_machine of an ELF header (first 20 bytes), None when it is not a 64-bit ELF file."""
    if len(header) < 20 or not header.startswith(_ELF_MAGIC) or header[4] != 2:  # EI_CLASS 2 = 64-bit
        return None
    order = "<" if header[5] == 1 else ">"  # EI_DATA: 1 little-endian, 2 big-endian
    return struct.unpack_from(f"{order}H", header, 18)[0]


def _python_version(runtime: str) -> str | None:
    match = re.fullmatch(r"python(\d)\.(\d+)", runtime or "")
    return f"{match[1]}{match[2]}" if match else None


def zip_problems(zip_path: Path, runtime: str, architecture: str, handler: str | None = None) -> list[str]:
    """What would fail in AWS when `zip_path` runs as `runtime` on `architecture`; empty when nothing.

    Each problem is one line naming the zip entry. Raises nothing: an unreadable zip is a problem too.
    """
    name = zip_path.name
    if not zip_path.is_file():
        return [f"{zip_path}: no such zip (run: make build)"]
    if architecture not in ELF_MACHINES:
        return [f"{name}: unknown architecture {architecture!r} (Lambda has arm64 and x86_64)"]
    version = _python_version(runtime)
    if version is None:
        return [f"{name}: runtime {runtime!r} is not a Python runtime (pythonX.Y)"]
    machine, expected_elf = MACHINES[architecture], ELF_MACHINES[architecture]
    runs_on = architecture if machine == architecture else f"{architecture} ({machine})"
    problems: list[str] = []
    if zip_path.stat().st_size > ZIP_LIMIT_BYTES:
        problems.append(f"{name}: {zip_path.stat().st_size} bytes, over Lambda's 50 MB direct-upload quota")
    try:
        with zipfile.ZipFile(zip_path) as archive:
            infos = archive.infolist()
            unzipped = sum(info.file_size for info in infos)
            if unzipped > UNZIPPED_LIMIT_BYTES:
                problems.append(f"{name}: {unzipped} bytes unzipped, over Lambda's 250 MB quota")
            for info in infos:
                if info.is_dir():
                    continue
                tag = _EXTENSION.search(info.filename)
                if tag and (tag["version"] != version or tag["machine"] != machine):
                    problems.append(
                        f"{name}: {info.filename} is built for cpython-{tag['version']} {tag['machine']}, "
                        f"the function runs {runtime} on {runs_on}"
                    )
                    continue
                if not (info.filename.endswith(".so") or ".so." in info.filename.rsplit("/", 1)[-1]):
                    continue
                with archive.open(info) as handle:
                    header = handle.read(20)
                if not header.startswith(_ELF_MAGIC):
                    continue
                found = elf_machine(header)
                if found != expected_elf:
                    shown = _MACHINE_NAMES.get(found, f"e_machine {found}" if found else "32-bit")
                    problems.append(
                        f"{name}: {info.filename} is {shown} machine code, the function runs on {runs_on}"
                    )
            if handler is not None:
                problems.extend(_handler_problems(archive, name, handler))
    except zipfile.BadZipFile as exc:
        problems.append(f"{name}: not a readable zip ({exc})")
    return problems


def _handler_problems(archive: zipfile.ZipFile, name: str, handler: str) -> list[str]:
    module, _, function = handler.rpartition(".")
    if not module or not function:
        return [f"{name}: handler {handler!r} is not module.function"]
    base = module.replace(".", "/")
    entries = set(archive.namelist())
    source_name = next((n for n in (f"{base}.py", f"{base}/__init__.py") if n in entries), None)
    if source_name is None:
        return [f"{name}: handler {handler!r} names module {module}, which the zip lacks ({base}.py)"]
    try:
        tree = ast.parse(archive.read(source_name))
    except SyntaxError as exc:
        return [f"{name}: {source_name} does not parse ({exc.msg}, line {exc.lineno})"]
    if function not in _module_level_names(tree):
        return [f"{name}: handler {handler!r}: {source_name} defines no module-level {function}"]
    return []


def _module_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def plan_problems(plan: dict, root_dir: Path) -> list[str]:
    """Problems of every zip a plan deploys, each naming the function's address.

    `filename` in plan JSON is as the configuration wrote it (relative to the root module's directory,
    `root_dir`); a function that only stays or is deleted deploys nothing and is not checked.
    """
    problems: list[str] = []
    checked: dict[tuple[str, str, str, str], list[str]] = {}
    for change in plan.get("resource_changes", []):
        if change.get("mode") != "managed" or change.get("type") != "aws_lambda_function":
            continue
        if not {"create", "update"} & set(change["change"].get("actions", [])):
            continue
        after = change["change"].get("after") or {}
        filename = after.get("filename")
        if not filename:
            continue  # deployed from S3 or an image: not built here
        architectures = after.get("architectures") or ["x86_64"]  # Lambda's default when unset
        key = (filename, after.get("runtime") or "", architectures[0], after.get("handler") or "")
        if key not in checked:
            path = Path(filename) if Path(filename).is_absolute() else root_dir / filename
            checked[key] = zip_problems(path.resolve(), key[1], key[2], key[3] or None)
        problems.extend(f"{change['address']}: {problem}" for problem in checked[key])
    return problems
