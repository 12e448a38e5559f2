"""What `ops env check` verifies of the push credentials before Terraform hands them to SNS.

They arrive as sensitive variables, never in a file: `TF_VAR_apns` (an HCL or JSON object, as Terraform
reads a complex TF_VAR_ value) and `TF_VAR_fcm_service_account_json` (the service-account key file's JSON).
A wrong value is otherwise found only at `terraform apply`, when SNS refuses the platform application, or
later, when no push arrives. Each problem is one `Finding`, named by the variable, with what to put there.

Sources: APNs token-based authentication (a .p8 PKCS#8 PEM EC P-256 key, a 10-character key id and a
10-character team id: Apple, "Establishing a token-based connection to APNs"); FCM HTTP v1 through SNS
(a Google service-account key file: `type` "service_account", `project_id`, `private_key_id`,
`private_key` PEM, `client_email`: Google Cloud, "Create and delete service account keys").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

APNS_VAR = "TF_VAR_apns"
FCM_VAR = "TF_VAR_fcm_service_account_json"
APPLE_ID = re.compile(r"^[A-Z0-9]{10}$")  # key ids and team ids: 10 upper-case letters and digits
BUNDLE_ID = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
FCM_FIELDS = ("project_id", "private_key_id", "private_key", "client_email")
APNS_EXAMPLE = (
    f'export {APNS_VAR}="{{signing_key=$(jq -Rs . AuthKey_KEYID.p8), key_id=\\"KEYID\\", '
    f'team_id=\\"TEAMID\\", bundle_id=\\"com.yourco.app\\"}}"'
)

Report = Callable[[str, str, str], None]  # (variable, what is wrong, what to put there)


def check_apns(value: str, report: Report) -> None:
    """Reports each problem of a TF_VAR_apns value; nothing for a usable one."""
    try:
        apns = parse_object(value)
    except ValueError as exc:
        report(APNS_VAR, f"not an object Terraform can read ({exc})", APNS_EXAMPLE)
        return
    key = apns.get("signing_key")
    if not isinstance(key, str) or not key.strip():
        report(
            APNS_VAR, "no signing_key", "the contents of the AuthKey_KEYID.p8 file (Apple Developer > Keys)"
        )
    else:
        problem = _private_key_problem(key, ec.EllipticCurvePrivateKey, "an EC P-256 (.p8) key")
        if problem is not None:
            report(
                APNS_VAR,
                f"signing_key is not a .p8 PEM private key ({problem})",
                "the whole AuthKey_KEYID.p8 file, -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----",
            )
    for field, what in (
        ("key_id", "the key's 10-character Key ID"),
        ("team_id", "your 10-character Team ID"),
    ):
        found = apns.get(field)
        if not isinstance(found, str) or not found:
            report(APNS_VAR, f"no {field}", f"{what} (Apple Developer > Keys / Membership)")
        elif not APPLE_ID.match(found):
            report(APNS_VAR, f"{field} {found!r} is not 10 upper-case letters and digits", what)
    bundle = apns.get("bundle_id")
    if not isinstance(bundle, str) or not BUNDLE_ID.match(bundle):
        report(
            APNS_VAR,
            "no bundle_id" if not bundle else f"bundle_id {bundle!r} is not one",
            "the app's bundle id (com.yourco.app)",
        )


def check_fcm(value: str, report: Report) -> None:
    """Reports each problem of a TF_VAR_fcm_service_account_json value; nothing for a usable one."""
    fix = f'the service-account key file Firebase gives (Project settings > Service accounts): export {FCM_VAR}="$(cat key.json)"'
    try:
        document = json.loads(value)
    except ValueError as exc:
        report(FCM_VAR, f"not JSON ({exc.args[0] if exc.args else exc})", fix)
        return
    if not isinstance(document, dict):
        report(FCM_VAR, "not a JSON object", fix)
        return
    if document.get("type") != "service_account":
        report(FCM_VAR, f"type is {document.get('type')!r}, not 'service_account'", fix)
    missing = [f for f in FCM_FIELDS if not isinstance(document.get(f), str) or not document[f]]
    if missing:
        report(FCM_VAR, f"lacks {', '.join(missing)}", fix)
    key = document.get("private_key")
    if isinstance(key, str) and key:
        problem = _private_key_problem(key, rsa.RSAPrivateKey, "an RSA key")
        if problem is not None:
            report(FCM_VAR, f"private_key is not a PEM private key ({problem})", fix)


def _private_key_problem(pem: str, kind: type, kind_name: str) -> str | None:
    if "-----BEGIN PRIVATE KEY-----" not in pem:
        return "no -----BEGIN PRIVATE KEY----- line"
    try:
        key = load_pem_private_key(pem.strip().encode(), password=None)
    except (ValueError, TypeError) as exc:
        return f"unreadable: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
    if not isinstance(key, kind):
        return f"not {kind_name}"
    if isinstance(key, ec.EllipticCurvePrivateKey) and not isinstance(key.curve, ec.SECP256R1):
        return f"curve {key.curve.name}, not P-256"
    return None


_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\\n]|\\.)*")|(?P<word>[A-Za-z_][\w-]*)|(?P<number>-?\d+(?:\.\d+)?)|(?P<punct>[{}=:,]))',
    re.S,
)


def parse_object(text: str) -> dict[str, Any]:
    """A flat HCL or JSON object of strings, numbers and bools (`{a = "x", b = true}` or `{"a": "x"}`),
    as Terraform reads a TF_VAR_ value of an object type. Raises ValueError saying where it stops."""
    tokens: list[tuple[str, str]] = []
    position, text = 0, text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"unexpected {text[position : position + 10]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match[kind]))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    if not tokens or tokens[0] != ("punct", "{") or tokens[-1] != ("punct", "}"):
        raise ValueError("expected {...}")
    body, result = tokens[1:-1], {}
    index = 0
    while index < len(body):
        if body[index] == ("punct", ","):
            index += 1
            continue
        if index + 3 > len(body):
            raise ValueError("an attribute without a value")
        (key_kind, key), (_, separator), (value_kind, raw) = body[index : index + 3]
        if key_kind not in ("word", "string") or separator not in ("=", ":") or value_kind == "punct":
            raise ValueError(f"expected name = value near {key!r}")
        name = json.loads(key) if key_kind == "string" else key
        if value_kind == "string":
            result[name] = json.loads(raw)
        elif value_kind == "number":
            result[name] = float(raw)
        elif raw in ("true", "false"):
            result[name] = raw == "true"
        else:
            raise ValueError(f"{name}: {raw!r} is not a string, number or bool")
        index += 3
    return result


def problems(environ: dict[str, str]) -> list[tuple[str, str, str]]:
    """(variable, what is wrong, what to put there) for each problem of the push credentials in `environ`;
    [] when those set are usable (whether any is set is `env_check.missing_settings`'s concern)."""
    found: list[tuple[str, str, str]] = []

    def report(variable: str, what: str, fix: str) -> None:
        found.append((variable, what, fix))

    if environ.get(APNS_VAR):
        check_apns(environ[APNS_VAR], report)
    if environ.get(FCM_VAR):
        check_fcm(environ[FCM_VAR], report)
    return found
