"""The local AWS endpoint: moto behind a WSGI gateway that adds what moto lacks.

Every AWS call the local stack, its functions, the tests and the CLI make goes through this gateway, so
it is where the emulator is made to fail the way AWS fails:

- Region outages (`ops local region down primary`): every call to a dark region answers 503
  ServiceUnavailable, in the protocol's own error shape, as a regional outage would look to an SDK
  (boto3 retries, then raises). The region of a call is the region of the resource it names: the
  bucket's region for S3 (path-style requests), the pool's region for Cognito's unsigned calls, the
  SigV4 credential scope otherwise. moto's own `/moto-api/` is never dark.
- Cognito app-client auth flows: moto accepts every `AuthFlow` whatever the client allows; AWS refuses a
  flow the client does not list (`InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this
  client`). The gateway refuses it the same way, so a flow that works locally also works in AWS.
- DynamoDB writes are atomic: moto runs TransactWriteItems on a deep copy of the table and puts the copy
  back when a condition fails, so a write that lands meanwhile (another request, or the SDK's own retry of
  a slow transaction) is silently lost. DynamoDB never loses a committed write; the gateway serializes
  DynamoDB requests so moto cannot either.
- TransactWriteItems idempotency: DynamoDB answers a repeated ClientRequestToken (within 10 minutes) with
  the first call's success, so the SDK's retry of a slow transaction is harmless; moto ignores the token and
  fails the retry's conditions against the first call's own write. The gateway remembers each token's
  answer as DynamoDB does (a different request under the same token is IdempotentParameterMismatch).
- S3 bucket configurations moto does not keep: GetBucketReplication answers a fixed shape (delete-marker
  replication "Disabled", an empty prefix) whatever was put; Intelligent-Tiering configurations are not stored
  at all (PUT succeeds, GET answers an empty one); an inventory configuration comes back with
  `IncludedObjectVersions` "All" whatever was put. The gateway keeps each configuration as put (per id where
  a bucket has several), answers it back, lists and deletes it as S3 does (404 NoSuchConfiguration for an id
  it does not hold), so the replicator, the archive stand-in and the audits read the real settings.
- S3 delete markers: moto sends no `s3:ObjectRemoved:DeleteMarkerCreated` notification when a DELETE puts a
  delete marker on a versioned bucket; S3 does, and replication of deletes depends on it. The gateway sends
  it after moto answers such a DELETE (single-object DELETE only; DeleteObjects batches are not covered).

Other stand-ins add `rules` (a check that may refuse a request) and `interceptors` (answer a request
themselves, or pass it on to moto and change the answer, e.g. the archive tiers of ops/local/stand_ins/archive_tiers.py).

It also tells the stand-ins when something changed (`wait_for_change`, or `changes_for(cares)` for a loop that
wakes only on the writes it can have work from: a Firehose record wakes the Firehose stand-in, not the
replicator), so they poll moto only after a write instead of many times a second while idle.

The gateway runs in the stack's process (moto is in-process), so it reads moto's backends directly to map
a bucket, pool or client to its region.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

import requests
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from ops.local import moto_speed
from ops.local.idle import WaitForChange
from ops.local.parts import ServedPart

log = logging.getLogger("ops.local.moto_gateway")
moto_speed.install()  # a Query reads only its partition (speed only; answers unchanged, see moto_speed.py)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]
KEPT_BUCKET_CONFIGURATIONS = ("replication",)
# Sub-resources a bucket holds several of, by id: element of one configuration, element of the listing.
KEPT_BY_ID = {  # sub-resource -> the root element of its listing
    "intelligent-tiering": "ListBucketIntelligentTieringConfigurationsOutput",
    "inventory": "ListInventoryConfigurationsResult",
}
S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
TOKEN_TTL_SECONDS = 600  # DynamoDB honours a ClientRequestToken for 10 minutes
_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/")  # region, service
_JSON_TYPES = ("application/x-amz-json", "application/json")
# Cognito's rule (app client ExplicitAuthFlows): which ALLOW_ entry each flow needs.
_FLOW_NEEDS = {
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
    "USER_AUTH": "ALLOW_USER_AUTH",
    "ADMIN_USER_PASSWORD_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
}
# A client created without ExplicitAuthFlows gets these (Cognito's documented default).
_DEFAULT_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")


class AwsError(Exception):
    """An error answered in the AWS protocol's own shape instead of calling moto."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class _Feed:
    """One loop's view of the writes: how many it cares about so far."""

    cares: Callable[[str, str], bool]
    count: int = 0


class MotoGateway:
    """WSGI middleware around moto's dispatcher. Thread-safe: knobs are read per request."""

    def __init__(self, app: WsgiApp | None = None) -> None:
        self.app: WsgiApp = app or DomainDispatcherApplication(create_backend_app)
        self._dark: set[str] = set()
        self._lock = threading.Lock()
        self._dynamodb = threading.Lock()  # one DynamoDB request at a time (see the module docstring)
        self._tokens: dict[str, tuple[float, str, str, list, bytes]] = {}  # ClientRequestToken -> answer
        # More rules of stand-ins (e.g. what the DR user-pool replica refuses): each may raise AwsError.
        self.rules: list[Callable[[dict, bytes], None]] = []
        # Stand-ins that answer requests themselves: (environ, body, start_response, moto app) -> the answer, or
        # None to pass the request on. The first that answers wins.
        self.interceptors: list[Callable[[dict, bytes, StartResponse, WsgiApp], Iterable[bytes] | None]] = []
        self._configurations: dict[tuple[str, str], bytes] = {}  # (bucket, sub-resource) -> XML as put
        self._by_id: dict[tuple[str, str, str], bytes] = {}  # (bucket, sub-resource, id) -> XML as put
        self._changed = threading.Condition()
        self.changes = 0  # writes seen so far (the stand-ins wait for this to move)
        self._feeds: list[
            _Feed
        ] = []  # what `changes_for(cares)` hands out: a count of the writes one loop cares about
        self._closing = False
        self.refused = 0  # requests answered by the gateway itself (outage or a rule)

    # ---- knobs --------------------------------------------------------------------------------------
    def set_dark(self, region: str, dark: bool) -> None:
        with self._lock:
            (self._dark.add if dark else self._dark.discard)(region)

    def dynamodb_writes_held(self) -> threading.Lock:
        """A context manager: while it is held no DynamoDB request runs (each runs under it)."""
        return self._dynamodb

    @property
    def dark_regions(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._dark)

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block until a write after `seen` (a value of `changes`) or `timeout` seconds; the current count."""
        with self._changed:
            if self.changes == seen and not self._closing:
                self._changed.wait(timeout)
            return self.changes

    def changes_for(self, cares: Callable[[str, str], bool]) -> WaitForChange:
        """A `wait_for_change` that moves only on the writes a loop can have work from: `cares(service,
        resource)` (the SigV4 service name, e.g. "dynamodb", "s3", "firehose"; the bucket for S3, else "")
        says which. A write the gateway cannot attribute (an unsigned request of an unknown service) and
        every knob (`nudge`) move them all. Returns `(seen, timeout) -> count`, as `wait_for_change`."""
        feed = _Feed(cares)
        with self._changed:
            self._feeds.append(feed)

        def wait(seen: int, timeout: float) -> int:
            deadline = time.monotonic() + timeout
            with self._changed:
                # Every write notifies every waiter: one that does not care waits on for the rest of its time.
                while feed.count == seen and not self._closing:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._changed.wait(remaining)
                return feed.count

        return wait

    def wake_all(self) -> None:
        """The stack is stopping: nobody waits for a change any more."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()

    def nudge(self) -> None:
        """Wake every stand-in waiting for a change: a knob (region up, replication resumed) may unblock work."""
        self._note_change(None)

    def _note_change(self, source: tuple[str, str] | None) -> None:
        """A write to `source` (service, resource), or None: anything may have changed."""
        with self._changed:
            self.changes += 1
            for feed in self._feeds:
                if source is None or feed.cares(*source):
                    feed.count += 1
            self._changed.notify_all()

    # ---- WSGI ---------------------------------------------------------------------------------------
    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        answer = self._serve(environ, start_response)
        if _mutates(environ):
            answer = list(answer)  # the write is done once the answer is produced
            self._note_change(request_source(environ))
        return answer

    def _serve(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/moto-api"):
            return self.app(environ, start_response)
        body = _buffer_body(environ)
        json_protocol = _is_json_protocol(environ)
        try:
            region = request_region(environ, body)
            if region is not None and region in self.dark_regions:
                raise AwsError(503, "ServiceUnavailable", f"{region} is unavailable (local region outage)")
            _check_cognito_rules(environ, body)
            for rule in self.rules:
                rule(environ, body)
        except AwsError as exc:
            self.refused += 1
            return _error(start_response, exc, json_protocol)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith("DynamoDB_"):
            with self._dynamodb:
                if target.endswith(".TransactWriteItems"):
                    return self._transact_once(environ, start_response, body)
                return list(self.app(environ, start_response))
        for intercept in self.interceptors:
            answer = intercept(environ, body, start_response, self.app)
            if answer is not None:
                return answer
        kept = self._kept_configuration(environ, start_response, body)
        if kept is not None:
            return kept
        kept = self._kept_by_id(environ, start_response, body)
        if kept is not None:
            return kept
        if (
            environ.get("REQUEST_METHOD") == "DELETE"
            and _is_s3(environ)
            and "versionId" not in environ.get("QUERY_STRING", "")
        ):
            return self._delete_with_marker_event(environ, start_response)
        return self.app(environ, start_response)

    def _kept_configuration(
        self, environ: dict, start_response: StartResponse, body: bytes
    ) -> Iterable[bytes] | None:
        """Bucket sub-resources whose configuration the gateway keeps (moto answers them back wrongly)."""
        if not _is_s3(environ):
            return None
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        resource = next((r for r in KEPT_BUCKET_CONFIGURATIONS if r in query), None)
        bucket = environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
        if resource is None or not bucket or "/" in environ.get("PATH_INFO", "").lstrip("/").rstrip("/"):
            return None
        method = environ.get("REQUEST_METHOD")
        if method == "GET" and (bucket, resource) in self._configurations:
            answered: dict[str, str] = {}

            def probe(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
                answered["status"] = status  # moto still answers errors (no such bucket, ...)
                return lambda data: None

            moto_body = b"".join(self.app(environ, probe))
            if not answered.get("status", "").startswith("200"):
                start_response(
                    answered.get("status", "500 Internal Server Error"), [("Content-Type", "application/xml")]
                )
                return [moto_body]
            document = self._configurations[(bucket, resource)]
            start_response(
                "200 OK", [("Content-Type", "application/xml"), ("Content-Length", str(len(document)))]
            )
            return [document]
        if method not in ("PUT", "DELETE"):
            return None
        answered = {}

        def capture(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            answered["status"] = status
            return start_response(status, headers, *args)

        out = b"".join(self.app(environ, capture))
        if answered.get("status", "").startswith(("200", "204")):
            if method == "PUT":
                self._configurations[(bucket, resource)] = body
            else:
                self._configurations.pop((bucket, resource), None)
        return [out]

    def kept_by_id(self, bucket: str, resource: str) -> dict[str, bytes]:
        """id -> XML as put, of one bucket's configurations of a KEPT_BY_ID sub-resource (for the stand-ins)."""
        return {i: doc for (b, r, i), doc in list(self._by_id.items()) if b == bucket and r == resource}

    def _kept_by_id(
        self, environ: dict, start_response: StartResponse, body: bytes
    ) -> Iterable[bytes] | None:
        if not _is_s3(environ):
            return None
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        resource = next((r for r in KEPT_BY_ID if r in query), None)
        path = environ.get("PATH_INFO", "").lstrip("/").rstrip("/")
        if resource is None or not path or "/" in path or _bucket_region(environ) is None:
            return None  # not a bucket sub-resource, or no such bucket (moto answers NoSuchBucket)
        bucket, method, config_id = path, environ.get("REQUEST_METHOD"), (query.get("id") or [""])[0]
        listing = KEPT_BY_ID[resource]
        if method == "GET" and not config_id:
            documents = [self._by_id[k] for k in sorted(self._by_id) if k[:2] == (bucket, resource)]
            inner = b"".join(_strip_declaration(d) for d in documents)
            answer = (
                (
                    f'<?xml version="1.0" encoding="UTF-8"?><{listing} xmlns="{S3_XMLNS}">'
                    "<IsTruncated>false</IsTruncated>"
                ).encode()
                + inner
                + f"</{listing}>".encode()
            )
            return _xml(start_response, "200 OK", answer)
        if method in ("GET", "DELETE") and (bucket, resource, config_id) not in self._by_id:
            return _s3_error(
                start_response, 404, "NoSuchConfiguration", "The specified configuration does not exist."
            )
        if method == "GET":
            return _xml(start_response, "200 OK", self._by_id[(bucket, resource, config_id)])
        if method == "DELETE":  # never forwarded: moto would take an unknown sub-resource for the bucket
            self._by_id.pop((bucket, resource, config_id), None)
            start_response("204 No Content", [("Content-Length", "0")])
            return [b""]
        if method != "PUT":
            return None
        if resource == "intelligent-tiering":  # moto does not implement it: answered here, as S3 answers
            problem = _intelligent_tiering_problem(body, config_id)
            if problem:
                return _s3_error(start_response, 400, "InvalidArgument", problem)
            self._by_id[(bucket, resource, config_id)] = body
            start_response("200 OK", [("Content-Length", "0")])
            return [b""]
        answered: dict[str, str] = {}

        def capture(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            answered["status"] = status
            return start_response(status, headers, *args)

        out = b"".join(self.app(environ, capture))
        if answered.get("status", "").startswith(("200", "204")):
            self._by_id[(bucket, resource, config_id)] = body
        return [out]

    def _transact_once(self, environ: dict, start_response: StartResponse, body: bytes) -> Iterable[bytes]:
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            params = {}
        token = params.get("ClientRequestToken") if isinstance(params, dict) else None
        if not isinstance(token, str):
            return list(self.app(environ, start_response))
        request = json.dumps(params.get("TransactItems"), sort_keys=True).encode()
        fingerprint = hashlib.sha256(request).hexdigest()
        now = time.monotonic()
        self._tokens = {t: v for t, v in self._tokens.items() if now - v[0] < TOKEN_TTL_SECONDS}
        seen = self._tokens.get(token)
        if seen is not None:
            if seen[1] != fingerprint:
                mismatch = AwsError(
                    400, "IdempotentParameterMismatchException", "token reused for another request"
                )
                return _error(start_response, mismatch, json_protocol=True)
            start_response(seen[2], seen[3])
            return [seen[4]]
        answered: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            answered["status"], answered["headers"] = status, headers
            return start_response(status, headers, *args)

        out = b"".join(self.app(environ, capture))
        if answered.get("status", "").startswith("200"):
            self._tokens[token] = (now, fingerprint, answered["status"], answered["headers"], out)
        return [out]

    def _delete_with_marker_event(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        answered: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            answered["status"], answered["headers"] = status, {k.lower(): v for k, v in headers}
            return start_response(status, headers, *args)

        body = list(self.app(environ, capture))
        if (
            answered.get("status", "").startswith("204")
            and answered["headers"].get("x-amz-delete-marker") == "true"
        ):
            bucket, _, key = unquote(environ.get("PATH_INFO", "")).lstrip("/").partition("/")
            if key:
                _send_delete_marker_event(bucket, key)
        return body


class GatewayServer(ServedPart):
    """moto on loopback behind the gateway; the same start/stop shape as moto's ThreadedMotoServer (a part of the
    stack: `ops.local.parts.Part`)."""

    name = "moto"

    def __init__(self, host: str, port: int, gateway: MotoGateway) -> None:
        self.gateway = gateway
        self._server: BaseWSGIServer = make_server(host, port, gateway, threaded=True)
        self._serve_on_thread(self._server)

    def get_host_and_port(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def status(self) -> dict[str, Any]:
        """Healthy while moto answers on its port (a dark region is a knob, reported, not a fault of moto)."""
        host, port = self.get_host_and_port()
        try:
            answers = self.alive and requests.get(f"http://{host}:{port}/moto-api/", timeout=5).ok
        except requests.RequestException:
            answers = False
        return {"healthy": answers, "dark_regions": sorted(self.gateway.dark_regions)}


# ---- which region a request is for ------------------------------------------------------------------
def request_source(environ: dict) -> tuple[str, str] | None:
    """(service, resource) of a write, for the change signal: the SigV4 service name (the credential
    scope; Cognito's unsigned user operations by their target), and for S3 the bucket (path-style, as the
    stack's clients address it). None when it cannot be told: such a write wakes every loop."""
    if _is_s3(environ):
        return "s3", environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
    match = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if match:
        return match.group(2), ""
    if environ.get("HTTP_X_AMZ_TARGET", "").startswith(_COGNITO_IDP):
        return "cognito-idp", ""
    return None


def request_region(environ: dict, body: bytes) -> str | None:
    """The region whose service (or resource) a request reaches; None when it cannot be told."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target.startswith(("AWSCognitoIdentityProviderService.", "AWSCognitoIdentityService.")):
        region = _cognito_region(body)
        if region:
            return region
    jwks = re.match(r"^/([a-z]{2}(?:-[a-z]+)+-\d)_[^/]+/\.well-known/", environ.get("PATH_INFO", ""))
    if jwks:
        return jwks.group(1)
    if _is_s3(environ):
        bucket_region = _bucket_region(environ)
        if bucket_region:
            return bucket_region
    match = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if match:
        return match.group(1)
    credential = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential")
    if credential:
        parts = unquote(credential[0]).split("/")
        if len(parts) >= 3:
            return parts[2]
    return None


def json_params(body: bytes) -> dict[str, Any] | None:
    """The parameters of a JSON-protocol request (Cognito's, DynamoDB's...), or None when the body is not a
    JSON object (moto then answers the service's own error)."""
    try:
        params = json.loads(body or b"{}")
    except ValueError:
        return None
    return params if isinstance(params, dict) else None


def _cognito_region(body: bytes) -> str | None:
    params = json_params(body)
    if params is None:
        return None
    for field in ("UserPoolId", "IdentityPoolId", "IdentityId"):
        value = params.get(field)
        if isinstance(value, str) and re.match(r"^[a-z]{2}(-[a-z]+)+-\d[_:]", value):
            return re.split(r"[_:]", value, maxsplit=1)[0]
    client_id = params.get("ClientId")
    if isinstance(client_id, str):
        found = _client(client_id)
        if found:
            return found[0]
    return None


def _client(client_id: str) -> tuple[str, Any] | None:
    """(region, moto's client object) of an app client id."""
    from moto.cognitoidp.models import cognitoidp_backends

    for account_backends in cognitoidp_backends.values():
        for region, backend in account_backends.items():
            for pool in backend.user_pools.values():
                if client_id in pool.clients:
                    return region, pool.clients[client_id]
    return None


def client_and_pool(client_id: str) -> tuple[str, Any] | None:
    """(region, moto's user pool) of an app client id, for the Cognito stand-ins."""
    from moto.cognitoidp.models import cognitoidp_backends

    for account_backends in cognitoidp_backends.values():
        for region, backend in account_backends.items():
            for pool in backend.user_pools.values():
                if client_id in pool.clients:
                    return region, pool
    return None


def call_app(app: WsgiApp, environ: dict, body: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    """Ask moto (`app`) with `body` as the request's body; (status, headers, answer) for a stand-in to change."""
    answered: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
        answered["status"], answered["headers"] = status, list(headers)
        return lambda data: None

    environ = dict(environ, CONTENT_LENGTH=str(len(body)))
    environ["wsgi.input"] = io.BytesIO(body)
    out = b"".join(app(environ, capture))
    return answered.get("status", "500 Internal Server Error"), answered.get("headers", []), out


def error_answer(start_response: StartResponse, exc: AwsError) -> list[bytes]:
    """Answer a JSON-protocol request (Cognito, DynamoDB, ...) with the service's error shape."""
    return _error(start_response, exc, json_protocol=True)


def is_s3_request(environ: dict) -> bool:
    """Whether a request is for S3 (signed, presigned or a presigned POST form), for the stand-ins."""
    return _is_s3(environ)


def _is_s3(environ: dict) -> bool:
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    if "/s3/aws4_request" in authorization or authorization.startswith("AWS "):
        return True
    query = environ.get("QUERY_STRING", "")
    if "%2Fs3%2Faws4_request" in query or "/s3/aws4_request" in query or "AWSAccessKeyId=" in query:
        return True
    # Presigned POST uploads are unsigned multipart forms (the signature is a form field).
    return environ.get("REQUEST_METHOD") == "POST" and environ.get("CONTENT_TYPE", "").startswith(
        "multipart/form-data"
    )


def _bucket_region(environ: dict) -> str | None:
    from moto.s3.models import s3_backends

    name = environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
    if not name:
        return None
    for account_backends in s3_backends.values():
        bucket = account_backends["global"].buckets.get(name)
        if bucket is not None:
            return bucket.region_name
    return None


# ---- rules moto does not apply ---------------------------------------------------------------------
def _check_cognito_rules(environ: dict, body: bytes) -> None:
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target not in (
        "AWSCognitoIdentityProviderService.InitiateAuth",
        "AWSCognitoIdentityProviderService.AdminInitiateAuth",
    ):
        return
    try:
        params = json.loads(body or b"{}")
    except ValueError:
        return  # moto answers the malformed request itself
    flow, client_id = params.get("AuthFlow"), params.get("ClientId")
    if isinstance(flow, str) and isinstance(client_id, str):
        check_cognito_flow(flow, client_id)


def check_cognito_flow(flow: str, client_id: str) -> None:
    """Refuse (AwsError 400) an auth flow the app client does not allow, as Cognito does."""
    found = _client(client_id)
    if found is None:
        return  # moto answers ResourceNotFound
    allowed = found[1].extended_config.get("ExplicitAuthFlows") or _DEFAULT_FLOWS
    needed = _FLOW_NEEDS.get(flow)
    if needed is not None and needed not in allowed:
        raise AwsError(400, "InvalidParameterException", f"{flow} flow not enabled for this client")


def _send_delete_marker_event(bucket_name: str, key: str) -> None:
    from types import SimpleNamespace

    from moto.s3 import notifications
    from moto.s3.models import s3_backends

    for account_id, account_backends in s3_backends.items():
        bucket = account_backends["global"].buckets.get(bucket_name)
        if bucket is not None:
            marker = SimpleNamespace(name=key, etag="", size=0)  # what the event record reads of the key
            notifications.send_event(
                account_id,
                notifications.S3NotificationEvent.OBJECT_REMOVED_DELETE_MARKER_CREATED_EVENT,
                bucket,
                marker,
            )
            return


_WRITES = (
    ".PutItem", ".UpdateItem", ".DeleteItem", ".BatchWriteItem", ".TransactWriteItems",
    ".SendMessage", ".SendMessageBatch", ".ChangeMessageVisibility", ".ChangeMessageVisibilityBatch",
    ".PutRecord", ".PutRecordBatch",
)  # fmt: skip
_COGNITO_IDP = "AWSCognitoIdentityProviderService."
# Cognito operations that change no user (a sign-in does not either: the replica copies no tokens).
_COGNITO_READS = (
    "Describe", "List", "Get", "AdminGet", "InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge",
    "AdminRespondToAuthChallenge",
)  # fmt: skip


def _mutates(environ: dict) -> bool:
    """A request after which a stand-in may have work: a table write, a message, an S3 write, a change to a
    Cognito user (the DR user-pool replica copies it)."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target.startswith(_COGNITO_IDP):
        return not target[len(_COGNITO_IDP) :].startswith(_COGNITO_READS)
    if target:
        return target.endswith(_WRITES)
    return environ.get("REQUEST_METHOD") in ("PUT", "POST", "DELETE") and not environ.get(
        "PATH_INFO", ""
    ).startswith("/moto-api")


def _intelligent_tiering_problem(body: bytes, config_id: str) -> str | None:
    """What S3 refuses in a PutBucketIntelligentTieringConfiguration (moto accepts anything): Archive Access
    takes 90-730 days, Deep Archive Access 180-730, each tier once, and the id must match the document's."""
    import xml.etree.ElementTree as ET

    try:
        # Loopback requests of this machine's own tools; Python's expat refuses entity expansion attacks.
        root = ET.fromstring(body)  # noqa: S314
    except ET.ParseError:
        return "The XML you provided was not well-formed"
    text = {el.tag.rsplit("}", 1)[-1]: (el.text or "") for el in root}
    if text.get("Id") != config_id:
        return "The id of the configuration does not match the id in the request"
    bounds = {"ARCHIVE_ACCESS": (90, 730), "DEEP_ARCHIVE_ACCESS": (180, 730)}
    seen: dict[str, int] = {}
    for tiering in root.iter():
        if tiering.tag.rsplit("}", 1)[-1] != "Tiering":
            continue
        fields = {el.tag.rsplit("}", 1)[-1]: (el.text or "") for el in tiering}
        tier, days = fields.get("AccessTier", ""), fields.get("Days", "")
        if tier not in bounds or not days.isdigit():
            return f"Invalid tiering: {tier or '?'} {days or '?'}"
        low, high = bounds[tier]
        if not low <= int(days) <= high or tier in seen:
            return f"Invalid days {days} for {tier} (allowed: {low}-{high}, once each)"
        seen[tier] = int(days)
    if not seen:
        return "An Intelligent-Tiering configuration needs at least one tiering"
    if seen.get("ARCHIVE_ACCESS", 0) >= seen.get("DEEP_ARCHIVE_ACCESS", 10**6):
        return "Deep Archive Access days must be greater than Archive Access days"
    return None


# ---- plumbing ----------------------------------------------------------------------------------------
def _strip_declaration(document: bytes) -> bytes:
    text = document.strip()
    if text.startswith(b"<?xml"):
        text = text.split(b"?>", 1)[1].strip()
    return text


def _xml(start_response: StartResponse, status: str, document: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "application/xml"), ("Content-Length", str(len(document)))])
    return [document]


def s3_error_body(code: str, message: str, **extra: str) -> bytes:
    """S3's REST error document (`<Error><Code>...`), with its extra elements (e.g. StorageClass)."""
    from xml.sax.saxutils import escape

    fields = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in extra.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{escape(message)}</Message>'
        f"{fields}<RequestId>local-gateway</RequestId></Error>"
    ).encode()


def _s3_error(
    start_response: StartResponse, status: int, code: str, message: str, **extra: str
) -> list[bytes]:
    reason = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}.get(status, "Error")
    return _xml(start_response, f"{status} {reason}", s3_error_body(code, message, **extra))


def s3_error(
    start_response: StartResponse, status: int, code: str, message: str, **extra: str
) -> list[bytes]:
    """Answer an S3 request with S3's error document (for the stand-ins' interceptors)."""
    return _s3_error(start_response, status, code, message, **extra)


def _buffer_body(environ: dict) -> bytes:
    """Read the request body once and put it back, so both the gateway and moto can read it."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _is_json_protocol(environ: dict) -> bool:
    return bool(environ.get("HTTP_X_AMZ_TARGET")) or environ.get("CONTENT_TYPE", "").startswith(_JSON_TYPES)


def _error(start_response: StartResponse, exc: AwsError, json_protocol: bool) -> list[bytes]:
    if json_protocol:
        body = json.dumps({"__type": exc.code, "message": exc.message}).encode()
        content_type = "application/x-amz-json-1.1"
    else:
        body = (
            f"<?xml version='1.0' encoding='UTF-8'?><ErrorResponse><Error><Type>Receiver</Type>"
            f"<Code>{exc.code}</Code><Message>{exc.message}</Message></Error></ErrorResponse>"
        ).encode()
        content_type = "text/xml"
    reason = {400: "Bad Request", 503: "Service Unavailable"}.get(exc.status, "Error")
    start_response(
        f"{exc.status} {reason}",
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("x-amzn-ErrorType", exc.code),
        ],
    )
    return [body]
