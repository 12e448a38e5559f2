"""The drill is packaged under the manifest key the blueprint looks for ("drill" gates the schedule)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from ops import lambda_build
from ops.errors import OpsError
from tests.prerequisites import missing

BLUEPRINT = Path(__file__).resolve().parents[3] / "terraform" / "blueprint" / "main.tf"


def test_the_blueprint_gates_the_schedule_on_our_manifest_key():
    text = BLUEPRINT.read_text(encoding="utf-8")
    (key,) = set(re.findall(r'contains\(keys\([\w.]+\), "(\w*drill\w*)"\)', text))
    assert key in lambda_build.FUNCTIONS
    assert lambda_build.FUNCTIONS[key].handler == "drill.app.lambda_handler"


def test_drill_zip_and_manifest_entry(tmp_path):
    try:
        manifest = lambda_build.build(["drill"], tmp_path)
    except OpsError as exc:  # no PyPI and no wheel cache under build/cache: nothing to package from
        missing(f"Lambda dependencies unavailable offline: {exc}")
    entry = manifest["functions"]["drill"]
    assert entry["handler"] == "drill.app.lambda_handler"
    assert json.loads((tmp_path / "manifest.json").read_text())["functions"]["drill"] == entry
    with zipfile.ZipFile(tmp_path / "drill.zip") as archive:
        names = set(archive.namelist())
    assert {"drill/app.py", "drill/preflight.py", "drill/canary.py", "backend_core/aws.py"} <= names
    assert not any(n.startswith(("boto3/", "botocore/", "notify_worker/", "mobile_api/")) for n in names)
    assert not any(n.endswith(".md") for n in names)
