"""The control endpoint of the running stack (loopback HTTP, JSON): status and the drill knobs. The server
runs in the stack process; callers use `ops.local.control.call` (the client, which imports none of this).

GET  /status                      components, regions, replication, memory
GET  /state                       the state document (outputs, urls, resources)
POST /replication/pause|resume    stop/start applying changes (nothing is lost while paused)
POST /replication/lag             {"seconds": N}
POST /replication/hold            {"prefix": KEY_PREFIX}: keep copies of new objects under it in flight
POST /replication/release         land every held copy now: {"landed": N}
POST /regions/<primary|dr>/<down|up>
POST /ttl/sweep                   expire TTL-passed items now (the TTL stand-in also runs every 5 s)
POST /identity/replica/remove|restore   take the DR user-pool replica away (a drill fault) or back
POST /inspect/pushes              {"token": T}: what SNS published to that device token's endpoints, per region
POST /inspect/mail                {"to": ADDRESS}: the e-mails Cognito sent there (sign-up codes), newest first
POST /identity/token-age          {"seconds": N}: issue later tokens as if N s old (0 = now; cognito_tokens.py)
POST /firehose/flush              ship the queued usage-event log lines, then deliver every buffered event now (Parquet under day=YYYY-MM-DD/)
POST /archive                     {"inactive_days": N, "dry_run": bool}: the archive clock (archive_tiers.py)
POST /archive/complete            finish every restore that is due now (they also finish on their own)
POST /inventory                   write the media buckets' S3 Inventory reports now (s3_inventory.py)
GET  /limits                      each region's API limits, throttled requests, execution environments
POST /limits                      {"rate_limit", "burst_limit", "reserved_concurrency"|null} or {"env_default": true}
POST /reset                       empty tables, buckets and queues; knobs back to normal
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from ops.env.api_limits import ApiLimits
from ops.local.config import HOST
from ops.local.parts import ServedPart
from ops.local.stand_ins import cognito_tokens

if TYPE_CHECKING:
    from ops.local.stack import LocalStack

log = logging.getLogger("ops.local.control")


class ControlServer(ServedPart):
    """The control endpoint as a part of the stack (`ops.local.parts.Part`)."""

    name = "control"

    def __init__(self, port: int, stack: LocalStack) -> None:
        self.stack = stack
        self.server = ThreadingHTTPServer((HOST, port), _make_handler(stack))
        self.server.daemon_threads = True
        self._serve_on_thread(self.server)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server.server_address[1]}"

    def status(self) -> dict[str, Any]:
        return {"healthy": self.alive, "url": self.url}


def _route(stack: LocalStack, method: str, path: str, body: dict) -> dict[str, Any]:
    parts = [p for p in path.split("/") if p]
    replicator = stack.replicator
    assert replicator is not None
    match method, parts:
        case "GET", ["status"]:
            return stack.status()
        case "GET", ["state"]:
            return stack.state_document()
        case "POST", ["replication", "pause"]:
            replicator.pause()
            return replicator.status()
        case "POST", ["replication", "resume"]:
            replicator.resume()
            stack.gateway.nudge()
            return replicator.status()
        case "POST", ["replication", "lag"]:
            seconds = body.get("seconds")
            if not isinstance(seconds, int | float) or isinstance(seconds, bool):
                raise ValueError('body must be {"seconds": NUMBER}')
            replicator.set_lag(seconds)
            stack.gateway.nudge()
            return replicator.status()
        case "POST", ["replication", "hold"]:
            prefix = body.get("prefix")
            if not isinstance(prefix, str) or not prefix:
                raise ValueError('body must be {"prefix": KEY_PREFIX}')
            replicator.hold(prefix)
            return replicator.status()
        case "POST", ["replication", "release"]:
            return {"landed": replicator.release()}
        case "POST", ["regions", label, ("down" | "up") as state]:
            stack.set_region(label, state == "up")
            return {"regions": stack.region_states()}
        case "POST", ["ttl", "sweep"]:
            assert stack.ttl is not None
            return {"expired": stack.ttl.sweep()}
        case "POST", ["identity", "replica", ("remove" | "restore") as action]:
            replica = stack.user_pool_replica
            assert replica is not None
            replica.remove() if action == "remove" else replica.restore()
            return replica.status()
        case "POST", ["inspect", "pushes"]:
            token = body.get("token")
            if not isinstance(token, str) or not token:
                raise ValueError('body must be {"token": STRING}')
            return {"endpoints": pushes_to(token)}
        case "POST", ["inspect", "mail"]:
            to = body.get("to")
            if not isinstance(to, str) or "@" not in to:
                raise ValueError('body must be {"to": E-MAIL ADDRESS}')
            return {"messages": stack.cognito_mail.messages(to)}
        case "POST", ["identity", "token-age"]:
            seconds = body.get("seconds")
            if not isinstance(seconds, int) or isinstance(seconds, bool):
                raise ValueError('body must be {"seconds": INTEGER}')
            return {"token_age_seconds": cognito_tokens.set_token_age(seconds)}
        case "POST", ["firehose", "flush"]:
            assert stack.firehose is not None
            if stack.log_subscription is not None:  # the usage lines still in "CloudWatch Logs" go first
                stack.log_subscription.flush()
            deliveries = stack.firehose.deliver(force=True)
            return {"deliveries": [d.__dict__ for d in deliveries], "problems": stack.firehose.problems}
        case "POST", ["archive"]:
            assert stack.archive is not None
            days, dry_run = body.get("inactive_days"), body.get("dry_run", False)
            if not isinstance(days, int) or isinstance(days, bool) or not isinstance(dry_run, bool):
                raise ValueError('body must be {"inactive_days": INTEGER, "dry_run": BOOLEAN}')
            return asdict(stack.archive.archive(days, dry_run))
        case "POST", ["archive", "complete"]:
            assert stack.archive is not None
            return {"completed": stack.archive.complete_due(), **stack.archive.status()}
        case "POST", ["inventory"]:
            assert stack.inventory is not None
            return {"reports": stack.inventory.deliver()}
        case "GET", ["limits"]:
            return {label: app.status() for label, app in stack.apps.items()}
        case "POST", ["limits"]:
            if body.get("env_default"):
                stack.set_limits(None)
            else:
                rate, burst, reserved = (
                    body.get("rate_limit"),
                    body.get("burst_limit"),
                    body.get("reserved_concurrency"),
                )
                numbers = (rate, burst) + (() if reserved is None else (reserved,))
                if not all(isinstance(n, int | float) and not isinstance(n, bool) and n > 0 for n in numbers):
                    raise ValueError(
                        'body must be {"rate_limit": N > 0, "burst_limit": N > 0, "reserved_concurrency": N > 0 | null}'
                        ' or {"env_default": true}'
                    )
                stack.set_limits(
                    ApiLimits(float(rate), int(burst), None if reserved is None else int(reserved))
                )
            return {label: app.status() for label, app in stack.apps.items()}
        case "POST", ["reset"]:
            stack.reset()
            return {"reset": True}
    raise LookupError(f"no control route {method} {path}")


def pushes_to(token: str) -> list[dict[str, Any]]:
    """Every emulated SNS platform endpoint of `token`, with the messages published to it (moto keeps them;
    read in-process because moto's own dump of all its state is slow)."""
    from moto.sns.models import sns_backends

    found = []
    for account_backends in sns_backends.values():
        for region, backend in list(account_backends.items()):
            for endpoint in list(backend.platform_endpoints.values()):
                if endpoint.token == token:
                    found.append(
                        {"arn": endpoint.arn, "region": region, "messages": list(endpoint.messages.values())}
                    )
    return found


def _make_handler(stack: LocalStack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            log.debug("control %s", format % args)

        def do_GET(self) -> None:
            self._serve()

        do_POST = do_GET

        def _serve(self) -> None:
            try:
                size = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(size) if size else b""
                body = json.loads(raw) if raw else {}
                if not isinstance(body, dict):
                    raise ValueError("body must be a JSON object")
                status, document = 200, _route(stack, self.command, self.path.split("?")[0], body)
            except LookupError as exc:
                status, document = 404, {"error": "not_found", "message": str(exc)}
            except (ValueError, json.JSONDecodeError) as exc:
                status, document = 400, {"error": "bad_request", "message": str(exc)}
            except Exception as exc:  # report, don't crash the control thread
                log.exception("control request failed")
                status, document = 500, {"error": "internal", "message": f"{type(exc).__name__}: {exc}"}
            data = json.dumps(document, default=str).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
