"""`ops build lambdas`: one small zip per function, byte-for-byte reproducible, with the manifest Terraform reads."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile

import pytest

from backend_core.lambda_runtime import LAMBDA_RUNTIME
from ops import lambda_build
from ops.errors import OpsError
from ops.terraform.lambda_artefacts import zip_problems
from tests.prerequisites import missing

FORBIDDEN_TOPS = {"boto3", "botocore", "s3transfer", "awswrangler", "pandas", "numpy", "pyarrow"}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    first, second = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    try:
        return lambda_build.build(None, first), lambda_build.build(None, second), first
    except OpsError as exc:  # no PyPI and no wheel cache under build/cache: nothing to package from
        missing(f"Lambda dependencies unavailable offline: {exc}")


def test_same_input_same_bytes(builds):
    one, two, _ = builds
    assert {k: v["sha256_base64"] for k, v in one["functions"].items()} == {
        k: v["sha256_base64"] for k, v in two["functions"].items()
    }


def test_manifest_matches_the_zips(builds):
    manifest, _, out = builds
    assert json.loads((out / "manifest.json").read_text()) == manifest
    assert set(manifest["functions"]) == {
        "mobile_api",
        "notify_worker",
        "ttl_archiver",
        "drill",
        "endpoint_cleanup",
        "media_restored",
        "onboarding",
        "account_eraser",
        "live_socket",
        "live_delivery",
    }
    for name, entry in manifest["functions"].items():
        data = (out / f"{name}.zip").read_bytes()
        assert entry["sha256_base64"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
        assert entry["size_bytes"] == len(data)
        assert entry["handler"] == f"{name}.app.lambda_handler"
        assert (entry["runtime"], entry["architecture"]) == (
            LAMBDA_RUNTIME.runtime,
            LAMBDA_RUNTIME.architecture,
        )
    assert manifest["target"] == {
        "runtime": LAMBDA_RUNTIME.runtime,
        "architecture": LAMBDA_RUNTIME.architecture,
        "platform": LAMBDA_RUNTIME.wheel_platform,
    }


@pytest.mark.parametrize("name", ["mobile_api", "notify_worker", "ttl_archiver", "drill"])
def test_zip_holds_code_and_lambda_wheels_but_nothing_the_runtime_has(builds, name):
    _, _, out = builds
    with zipfile.ZipFile(out / f"{name}.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in archive.infolist()} == {lambda_build.FIXED_TIME}
    tops = {n.split("/", 1)[0] for n in names}
    assert f"{name}/app.py" in names and "backend_core/item_keys.py" in names
    assert not tops & FORBIDDEN_TOPS
    assert not any(n.endswith(".pyc") or "__pycache__" in n for n in names)
    # Built for the Lambda target of the contract (arm64: aarch64 wheels), not for this host.
    assert any(n.endswith(f"{LAMBDA_RUNTIME.cpython_tag}.so") for n in names)
    assert (
        zip_problems(
            out / f"{name}.zip",
            LAMBDA_RUNTIME.runtime,
            LAMBDA_RUNTIME.architecture,
            f"{name}.app.lambda_handler",
        )
        == []
    )


def test_api_zip_is_under_5_mb(builds):
    assert builds[0]["functions"]["mobile_api"]["size_bytes"] < 5 * 1024 * 1024


def test_a_partial_build_never_mixes_targets(builds, tmp_path):
    import shutil

    _, _, out = builds
    mixed = tmp_path / "out"
    shutil.copytree(out, mixed)
    manifest = json.loads((mixed / "manifest.json").read_text())
    manifest["target"]["architecture"] = "x86_64"
    (mixed / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(OpsError, match="rebuild every function"):
        lambda_build.build(["drill"], mixed)


def test_unknown_function_is_a_clear_error(tmp_path):
    with pytest.raises(OpsError, match="unknown function"):
        lambda_build.build(["nope"], tmp_path)


def test_cli_reports_bad_input_in_one_line():
    import os
    import subprocess
    import sys
    from pathlib import Path

    ops = Path(sys.executable).with_name("ops")
    # Wide COLUMNS: ops.cli prints errors through rich, which wraps at 80 columns when not on a terminal.
    env = {**os.environ, "COLUMNS": "300"}
    done = subprocess.run([str(ops), "build", "lambdas", "--function", "nope"], capture_output=True, text=True,
                          check=False, env=env)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "unknown function(s): nope" in done.stderr
    assert "Traceback" not in done.stderr
