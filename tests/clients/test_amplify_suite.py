"""The app client suite (tests/clients/*.test.mjs, Amplify JS v6 under node's test runner) against this
session's local stack.

The stack is the session's `local_stack`; the suite reads its description from a JSON file named by
`MBT_CLIENT_STACK`: the stack outputs, the control endpoint, and a consumer and a provider an operator put
in their groups (the guide's step 3; self sign-up puts a user in no group, issue 13). Without node, or
without `npm ci` having run, the test is skipped with the reason; in CI that is a failure
(tests/prerequisites.py).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ops.local import control
from ops.local.testing import LocalStackHandle
from tests.prerequisites import missing

SUITE = Path(__file__).resolve().parent
NODE_MAJOR = 20  # fetch, FormData, Blob and web crypto built in; package.json's engines
TIMEOUT_SECONDS = 180  # about 20 s on the shared 2-core machine; the bound keeps CI's budget safe

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary; asked before the stack starts, so a machine without node skips at once."""
    node = shutil.which("node")
    if node is None:
        missing("node is not installed: the Amplify client suite needs node >= 20 (then `make setup`)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout
    major = int(version.strip().lstrip("v").split(".")[0] or 0)
    if major < NODE_MAJOR:
        missing(f"node {version.strip()} is too old: the Amplify client suite needs node >= {NODE_MAJOR}")
    if not (SUITE / "node_modules" / "aws-amplify").is_dir():
        missing("tests/clients/node_modules is missing: run `make setup` (it runs `npm ci` there)")
    return node


def test_amplify_client_suite(node: str, local_stack: LocalStackHandle, tmp_path: Path) -> None:
    users = {
        "consumer": local_stack.create_user("consumers"),
        "provider": local_stack.create_user("providers"),
    }
    description = {
        "outputs": local_stack.outputs.model_dump(mode="json"),
        "control_url": local_stack.control_url,
        "dr_auth": local_stack.state["user_pool_replica"],  # the DR region's pool (failover.test.mjs)
        **{name: {"email": u.email, "password": u.password, "sub": u.sub} for name, u in users.items()},
    }
    config = tmp_path / "client-stack.json"
    config.write_text(json.dumps(description))
    files = sorted(p.name for p in SUITE.glob("*.test.mjs"))
    try:
        run = subprocess.run(
            [node, "--test", "--test-reporter=spec", "--test-concurrency=1", *files],
            cwd=SUITE,
            env={"PATH": str(Path(node).parent), "MBT_CLIENT_STACK": str(config), "NO_COLOR": "1"},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout
        pytest.fail(f"the client suite ran past {TIMEOUT_SECONDS} s:\n{output or ''}", pytrace=False)
    finally:  # the suite's expired-token test sets the knob; a crashed suite must not leave it set
        control.call(local_stack.control_url, "POST", "/identity/token-age", {"seconds": 0})
    print(run.stdout)  # the spec report, shown with -s or -rA
    if run.returncode != 0:
        pytest.fail(
            f"node --test exited {run.returncode}:\n{run.stdout[-12000:]}\n{run.stderr[-4000:]}",
            pytrace=False,
        )
    counts = {
        k: int(v) for k, v in re.findall(r"^\S+ (tests|pass|fail|skipped|todo) (\d+)$", run.stdout, re.M)
    }
    assert counts.get("tests", 0) > 0, f"the client suite ran no test:\n{run.stdout[-4000:]}"
    assert counts.get("pass") == counts["tests"], counts  # nothing skipped or left as todo
