"""Every module that sets a CloudWatch Logs retention validates it against the same list: the values the
PutRetentionPolicy API accepts. Terraform modules cannot share a constant, so each copy is checked here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Source: CloudWatch Logs API reference, PutRetentionPolicy, retentionInDays ("Valid Values").
CLOUDWATCH_LOGS_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

VARIABLE = re.compile(r'^variable "(?P<name>[a-z0-9_]+)" \{\n(?P<body>.*?)^\}', re.S | re.M)
ALLOWED = re.compile(r"contains\(\[(?P<values>[0-9, ]+)\], var\.(?P<name>[a-z0-9_]+)\)")


def _retention_variables() -> dict[str, str]:
    """'module/file.tf:variable' -> its block, for every variable feeding a log group's retention_in_days."""
    found: dict[str, str] = {}
    for tf in sorted((ROOT / "terraform").rglob("*.tf")):
        if ".terraform" in tf.parts:
            continue
        module = tf.parent
        feeds = set(re.findall(r"retention_in_days\s*=\s*var\.([a-z0-9_]+)", "".join(
            f.read_text() for f in module.glob("*.tf")
        )))  # fmt: skip
        for match in VARIABLE.finditer(tf.read_text()):
            if match["name"] in feeds:
                found[f"{tf.relative_to(ROOT)}:{match['name']}"] = match["body"]
    return found


def test_every_log_retention_variable_allows_exactly_what_cloudwatch_accepts() -> None:
    variables = _retention_variables()
    assert len(variables) >= 3, f"expected the api, live and access modules' retention variables: {variables}"
    for where, body in variables.items():
        allowed = ALLOWED.search(body)
        assert allowed, f"{where} has no validation against CloudWatch's retention values"
        values = tuple(int(v) for v in allowed["values"].split(","))
        assert values == CLOUDWATCH_LOGS_RETENTION_DAYS, f"{where} drifted from PutRetentionPolicy's values"
