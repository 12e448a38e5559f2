"""`make validate`: the offline Terraform gates, in order, stopping at the first failing gate.

1. fmt      `terraform fmt -check` over the whole tree
2. validate `init` + `validate` of every module and root (the real engine against the real schema)
3. test     `terraform test` in every module that has *.tftest.hcl files (mock providers)
4. plan     offline plan of the blueprint for each env's tfvars, saved as plan JSON under reports/plans/
5. artefacts every zip a plan deploys is one AWS would run: its compiled modules match the function's
            architecture and Python runtime, its handler exists, it is within Lambda's size quotas
            (lambda_artefacts.py)
6. checkov  on the source (inline skips with reasons) and on each plan JSON (for_each, dynamic blocks and
            module inputs resolved; deep analysis joins it to the source graph, and identifiers known only
            after apply are marked as set: see plan_for_checkov), with the project's policies/; CLI, JSON,
            JUnit and SARIF reports under reports/checkov/. checkov exits 0 on HCL syntax errors, which is
            why it runs last.

This module orders and runs the gates; Terraform's error output is read by ops/terraform/diagnostics.py, gate 6
is ops/terraform/checkov_scan.py, and the terraform binary is found by ops/terraform/binary.py.

Terraform runs on a scratch copy of the tree so that no lock file or .terraform directory made with the
stand-in provider ever lands in the repository (and a lock file with real hashes never blocks init).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from ops.errors import OpsError
from ops.paths import REPO_ROOT
from ops.terraform import checkov_scan
from ops.terraform.binary import terraform_binary
from ops.terraform.diagnostics import first_error_line, validate_failure
from ops.terraform.lambda_artefacts import plan_problems
from ops.terraform.provider_schema import schema_path
from ops.terraform.terraform_rc import ProviderSource, terraform_environment

console = Console(stderr=True, highlight=False, soft_wrap=True)  # reasons stay on one line in CI logs
_IGNORED_DIRS = {".terraform", "tests", "__pycache__"}
_COPY_IGNORE = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl*", "*.tfstate*", "*.tfplan")
_BACKEND_OVERRIDE = 'terraform {\n  backend "local" {}\n}\n'


def warn(line: str) -> None:
    """A Terraform warning, one line, without stopping the gates."""
    console.print(f"[yellow]![/yellow] {escape(line)}")


class GateFailure(OpsError):
    """A gate failed; the message is the one-line reason."""


@dataclass
class GateOptions:
    source_dir: Path = REPO_ROOT / "terraform"
    reports_dir: Path = REPO_ROOT / "reports"
    policies_dir: Path = REPO_ROOT / "policies"
    root: str = "blueprint"
    envs: list[str] = field(default_factory=list)  # empty: every envs/*.tfvars
    provider: ProviderSource = "offline"
    checkov: Path = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
    build_dir: Path = REPO_ROOT / "build"
    jobs: int = max(2, os.cpu_count() or 2)
    gates: tuple[str, ...] = ("fmt", "validate", "test", "plan", "artefacts", "checkov")


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return (self.stdout + ("\n" if self.stdout and self.stderr else "") + self.stderr).strip()


def _rel(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


class Gates:
    def __init__(self, options: GateOptions) -> None:
        self.o = options
        self.env = terraform_environment(options.provider)
        self.env["TF_INPUT"] = "0"
        self.terraform = terraform_binary()
        self.work: Path | None = None
        self.timings: dict[str, float] = {}

    # --- plumbing -----------------------------------------------------------------------------------
    def tf(self, cwd: Path, *args: str) -> Run:
        proc = subprocess.run([self.terraform, *args], cwd=cwd, env=self.env, capture_output=True, text=True)
        return Run(list(args), proc.returncode, proc.stdout, proc.stderr)

    def module_dirs(self, tree: Path) -> list[Path]:
        """Every directory with .tf files (modules, roots, examples), tests/ and .terraform excluded."""
        dirs = {
            p.parent
            for p in tree.rglob("*.tf")
            if not _IGNORED_DIRS.intersection(p.relative_to(tree).parts[:-1])
        }
        return sorted(dirs)

    def _step(self, name: str, fn: Callable[[], str]) -> None:
        started = time.perf_counter()
        if not console.is_terminal:  # CI logs and pipes get no spinner: say which gate is running
            position = (
                f" ({self.o.gates.index(name) + 1}/{len(self.o.gates)})" if name in self.o.gates else ""
            )
            console.print(f"… {name}{position} ...")
        try:
            with console.status(f"[bold]{name}[/bold] ..."):
                summary = fn()
        finally:
            self.timings[name] = round(time.perf_counter() - started, 1)
        elapsed = self.timings[name]
        console.print(f"[green]✓[/green] {name:<9} {escape(summary)} [dim]({elapsed:.1f}s)[/dim]")

    def _parallel(self, items: Iterable[Path], fn: Callable[[Path], str | None]) -> list[tuple[Path, str]]:
        """Run fn over items on `jobs` threads; return (item, failure) for those that failed, in order."""
        items = list(items)
        with ThreadPoolExecutor(max_workers=self.o.jobs) as pool:
            results = list(pool.map(fn, items))
        return [(item, failure) for item, failure in zip(items, results, strict=True) if failure]

    # --- the gates ----------------------------------------------------------------------------------
    def run(self) -> dict[str, float]:
        src = self.o.source_dir.resolve()
        if not src.is_dir():
            raise GateFailure(f"no Terraform tree at {src}")
        if self.o.provider == "offline":
            schema_path()  # the stand-in cannot start without it: say so here, not as a failed plugin handshake
        self.o.reports_dir.mkdir(parents=True, exist_ok=True)
        scratch_root = REPO_ROOT / ".cache" / "tfcheck"
        scratch_root.mkdir(parents=True, exist_ok=True)
        try:
            with tempfile.TemporaryDirectory(dir=scratch_root) as scratch:
                self.work = Path(scratch) / src.name
                shutil.copytree(
                    src,
                    self.work,
                    ignore=_COPY_IGNORE,
                )
                if self.o.build_dir.is_dir():  # roots read build/lambda/manifest.json relative to the tree
                    (Path(scratch) / "build").symlink_to(self.o.build_dir.resolve())
                console.print(
                    escape(f"Terraform gates on {_rel(src, REPO_ROOT)} (provider: {self.o.provider})")
                )
                steps: dict[str, Callable[[], str]] = {
                    "fmt": lambda: self.fmt(src),
                    "validate": self.validate,
                    "test": self.test,
                    "plan": self.plan,
                    "artefacts": self.artefacts,
                }
                for name, step in steps.items():
                    if name in self.o.gates:
                        self._step(name, step)
            if "checkov" in self.o.gates:
                self._step("checkov", lambda: self.checkov(src))
        finally:  # timings of the gates that ran, also when one failed
            (self.o.reports_dir / "terraform-gates.json").write_text(
                json.dumps(self.timings, indent=2) + "\n"
            )
        return self.timings

    def fmt(self, src: Path) -> str:
        run = self.tf(src, "fmt", "-check", "-recursive", "-no-color")
        if run.returncode != 0:
            files = [line for line in run.stdout.splitlines() if line.strip()]
            if not files:
                raise GateFailure(f"fmt: terraform fmt failed: {first_error_line(run.output)}")
            console.print(run.output, markup=False)
            raise GateFailure(f"fmt: {len(files)} file(s) need `terraform fmt`: {', '.join(files[:5])}")
        return "all files formatted"

    def validate(self) -> str:
        assert self.work is not None
        dirs = self.module_dirs(self.work)
        if self.o.provider == "registry" and dirs:
            # Terraform's plugin cache is not safe for concurrent installs: fill it with one init first.
            warm = self.tf(dirs[0], "init", "-backend=false", "-input=false", "-no-color")
            if warm.returncode != 0:
                raise GateFailure(f"validate: init failed: {first_error_line(warm.output)}")

        def one(directory: Path) -> str | None:
            name = _rel(directory, self.work.parent)
            aliases = _configuration_aliases(directory)
            if aliases:
                # Validated alone, such a module needs the aliased providers its caller would pass. Declare
                # them in a private copy of the tree, so that roots calling the module never see them (a root
                # that forgets to pass `aws.dr` must still fail).
                alone = self.work.parent / f"alone-{len(name)}-{abs(hash(name))}"
                shutil.copytree(  # from the pristine source: other threads are running init in self.work
                    self.o.source_dir.resolve(), alone / self.work.name, ignore=_COPY_IGNORE
                )
                directory = alone / directory.relative_to(self.work.parent)
                blocks = "".join(f'provider "{p}" {{\n  alias = "{a}"\n}}\n' for p, a in sorted(aliases))
                (directory / "zz_gate_aliased_providers.tf").write_text(blocks)
            init = self.tf(directory, "init", "-backend=false", "-input=false", "-no-color")
            if init.returncode != 0:
                return f"{name}: init failed: {first_error_line(init.output)}"
            run = self.tf(directory, "validate", "-json", "-no-color")
            return validate_failure(name, run.stdout, run.returncode, run.output, warn)

        failures = self._parallel(dirs, one)
        if failures:
            for _, failure in failures:
                console.print(f"[red]✗[/red] {escape(failure)}")
            raise GateFailure(f"validate: {failures[0][1]}")
        return f"{len(dirs)} modules and roots valid"

    def test(self) -> str:
        assert self.work is not None
        dirs = [
            d
            for d in self.module_dirs(self.work)
            if any(d.glob("*.tftest.hcl")) or any(d.glob("tests/*.tftest.hcl"))
        ]

        def one(directory: Path) -> str | None:
            if not (directory / ".terraform").is_dir():  # validated in a private copy, or validate not run
                init = self.tf(directory, "init", "-backend=false", "-input=false", "-no-color")
                if init.returncode != 0:
                    return (
                        f"{_rel(directory, self.work.parent)}: init failed: {first_error_line(init.output)}"
                    )
            run = self.tf(directory, "test", "-no-color")
            if run.returncode == 0:
                return None
            console.print(run.output, markup=False)
            failed = re.findall(r'run "([^"]+)"\.\.\. fail', run.output)
            first_error = first_error_line(run.output)
            reason = f"run {', '.join(failed)} failed: {first_error}" if failed else first_error
            return f"{_rel(directory, self.work.parent)}: {reason}"

        failures = self._parallel(dirs, one)
        if failures:
            raise GateFailure(f"test: {failures[0][1]}")
        return f"{len(dirs)} modules' terraform tests pass"

    def plan(self) -> str:
        assert self.work is not None
        root = self.work / self.o.root
        envs_dir = self.work / "envs"
        if not root.is_dir():
            raise GateFailure(f"plan: no root module at {self.o.root}/")
        envs = self.o.envs or sorted(p.stem for p in envs_dir.glob("*.tfvars"))
        if not envs:
            raise GateFailure("plan: no envs/*.tfvars to plan")
        # Plans use a local backend: the real one (S3) needs credentials, and an offline plan has no state.
        (root / "zz_offline_backend_override.tf").write_text(_BACKEND_OVERRIDE)
        init = self.tf(root, "init", "-input=false", "-no-color", "-reconfigure")
        if init.returncode != 0:
            raise GateFailure(f"plan: init of {self.o.root} failed: {first_error_line(init.output)}")
        plans_dir = self.o.reports_dir / "plans"
        shutil.rmtree(plans_dir, ignore_errors=True)  # a plan of a deleted env must not be scanned again
        plans_dir.mkdir(parents=True, exist_ok=True)
        counts = []
        for env in envs:
            var_file = envs_dir / f"{env}.tfvars"
            if not var_file.is_file():
                raise GateFailure(f"plan: no envs/{env}.tfvars")
            plan_file = root / f"{env}.tfplan"
            run = self.tf(
                root, "plan", "-input=false", "-lock=false", "-refresh=false", "-no-color",
                f"-var-file={var_file}", f"-out={plan_file}",
            )  # fmt: skip
            if run.returncode != 0:
                console.print(run.output, markup=False)
                raise GateFailure(f"plan: {env}: {first_error_line(run.output)}")
            show = self.tf(root, "show", "-json", plan_file.name)
            if show.returncode != 0:
                raise GateFailure(f"plan: {env}: terraform show failed: {first_error_line(show.output)}")
            document = json.loads(show.stdout)
            (plans_dir / f"{env}.json").write_text(json.dumps(document, indent=1) + "\n")
            counts.append(
                f"{env}={sum(1 for c in document.get('resource_changes', []) if c['mode'] == 'managed')}"
            )
        return f"planned {', '.join(counts)} resources -> {_rel(plans_dir, REPO_ROOT)}/"

    def artefacts(self) -> str:
        """The zips the saved plans deploy, checked against the functions that deploy them."""
        assert self.work is not None
        plans_dir = self.o.reports_dir / "plans"
        plans = sorted(plans_dir.glob("*.json")) if plans_dir.is_dir() else []
        if self.o.envs:
            plans = [p for p in plans if p.stem in self.o.envs]
        if not plans:
            raise GateFailure("artefacts: no plan JSON to read (run the plan gate first)")
        functions = 0
        for plan_path in plans:
            document = json.loads(plan_path.read_text())
            problems = plan_problems(document, self.work / self.o.root)
            for problem in problems:
                console.print(f"[red]✗[/red] {escape(f'{plan_path.stem}: {problem}')}")
            if problems:
                more = f" (+{len(problems) - 1} more above)" if len(problems) > 1 else ""
                raise GateFailure(f"artefacts: {plan_path.stem}: {problems[0]}{more}")
            functions += sum(
                1
                for c in document.get("resource_changes", [])
                if c.get("type") == "aws_lambda_function" and c.get("mode") == "managed"
            )
        return f"{functions} planned functions' zips match their runtime, architecture and handler"

    def checkov(self, src: Path) -> str:
        if not self.o.checkov.is_file():
            raise GateFailure(f"checkov: not installed at {self.o.checkov} (run: make setup)")
        out_root = self.o.reports_dir / "checkov"
        shutil.rmtree(out_root, ignore_errors=True)
        scans = checkov_scan.targets(src, self.o.reports_dir / "plans", out_root, self.o.envs)

        def one(target: checkov_scan.Target) -> tuple[str, checkov_scan.Summary]:
            try:
                return target.name, checkov_scan.scan(self.o.checkov, target, out_root, self.o.policies_dir)
            except checkov_scan.CheckovError as exc:
                raise GateFailure(f"checkov: {exc}") from None

        with ThreadPoolExecutor(max_workers=self.o.jobs) as pool:
            summaries = list(pool.map(one, scans))
        failed = [(name, s) for name, s in summaries if s.failed]
        for name, summary in failed:
            for check in summary.failures or []:
                console.print(f"[red]✗[/red] {escape(f'{name}: {check}')}")
        if failed:
            name, summary = failed[0]
            first = (summary.failures or ["?"])[0]
            raise GateFailure(
                f"checkov: {sum(s.failed for _, s in failed)} failed check(s); first in {name}: {first}"
            )
        total = ", ".join(f"{name} {s.passed} passed/{s.skipped} skipped" for name, s in summaries)
        return f"{total} -> {_rel(out_root, REPO_ROOT)}/"


def _configuration_aliases(module: Path) -> set[tuple[str, str]]:
    """(provider, alias) pairs a module declares in `configuration_aliases`, e.g. {("aws", "dr")}."""
    aliases: set[tuple[str, str]] = set()
    for tf_file in module.glob("*.tf"):
        for listed in re.findall(r"configuration_aliases\s*=\s*\[([^\]]*)\]", tf_file.read_text()):
            aliases.update(re.findall(r"([a-z0-9_-]+)\.([a-z0-9_-]+)", listed))
    return aliases
