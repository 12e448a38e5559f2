"""The local stack in one process: moto, provisioning, API fronts, the stand-ins, and the control endpoint.
`stack_process` runs it in the background; `LocalStack` is also what the benchmarks drive.

Every running part is started through `self.parts` (ops/local/parts.py), the one list that `stop()` stops and
`status()` reports.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psutil
import requests

from backend_core.account_erasure import user_pool_id_parameter
from backend_core.table_design import TABLE_DESIGN
from live_socket.settings import live_auth_parameter
from ops.env.api_limits import ApiLimits, api_limits
from ops.env.envs import ENVS_DIR
from ops.local.api_front import ApiFront, LocalLambdaContext, RegionApp
from ops.local.aws import client
from ops.local.config import ACCOUNT_ID, HOST, Names, StackConfig
from ops.local.control_server import ControlServer
from ops.local.functions import FunctionPackage, import_function
from ops.local.jwt_auth import JwtVerifier
from ops.local.live_front import LiveFront
from ops.local.moto_gateway import AwsError, GatewayServer, MotoGateway
from ops.local.moto_janitor import MotoJanitor
from ops.local.parts import Parts
from ops.local.ports import free_port, taken
from ops.local.provision import (
    Provisioned,
    RegionResources,
    apply_bucket_settings,
    function_arn,
    onboarding_function_arn,
    provision,
    restored_function_arn,
)
from ops.local.stand_ins import cognito_tokens
from ops.local.stand_ins.archive_tiers import ArchiveTiers, MediaBucket
from ops.local.stand_ins.cognito_mail import CognitoMail
from ops.local.stand_ins.cognito_srp import SrpVerifier
from ops.local.stand_ins.cognito_triggers import CognitoTriggers
from ops.local.stand_ins.event_sources import (
    EventSource,
    EventSourcePoller,
    SqsEventSource,
    StreamEventSource,
    wakes_event_sources,
)
from ops.local.stand_ins.firehose_conversion import FirehoseConversion, wakes_firehose
from ops.local.stand_ins.log_subscription import Destination, LogSubscription
from ops.local.stand_ins.replicator import Replicator, wakes_replicator
from ops.local.stand_ins.s3_inventory import InventoryReports
from ops.local.stand_ins.s3_lambda_notifications import S3LambdaNotifications
from ops.local.stand_ins.ttl_sweeper import TtlSweeper, wakes_ttl_sweeper
from ops.local.stand_ins.user_pool_replica import UserPoolReplica, gateway_rule, wakes_user_pool_replica
from ops.local.streams import SharedStream, StreamReader, trim_read_records

log = logging.getLogger("ops.local.stack")
LABELS = ("primary", "dr")
API_FUNCTION_PACKAGE = "mobile_api"  # behind the API fronts
QUEUE_FUNCTION_PACKAGE = "notify_worker"  # fed by the notify queue
S3_FUNCTION_PACKAGE = "media_restored"  # S3 invokes it on a restore (the archive stand-in)
STREAM_FUNCTION_PACKAGES = (
    "ttl_archiver",
    "endpoint_cleanup",
    "account_eraser",
    "live_delivery",
)  # the table-stream consumers, each region
# Table-stream consumers S3 also invokes (the media buckets' ObjectCreated events: a late replica of an erased
# account's media; the s3_lambda_notifications stand-in delivers them).
S3_ALSO_INVOKES = ("account_eraser",)
TRIGGER_FUNCTION_PACKAGE = "onboarding"  # Cognito's post-confirmation trigger (the cognito_triggers stand-in)
LIVE_FUNCTION_PACKAGE = "live_socket"  # behind the live fronts (the WebSocket API's authorizer and routes)
FUNCTION_PACKAGES = (
    API_FUNCTION_PACKAGE,
    LIVE_FUNCTION_PACKAGE,
    QUEUE_FUNCTION_PACKAGE,
    S3_FUNCTION_PACKAGE,
    *STREAM_FUNCTION_PACKAGES,
    TRIGGER_FUNCTION_PACKAGE,
)


class StartupError(Exception):
    """The stack cannot start; the message is one line for the operator."""


class LocalStack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.started_at = time.time()
        self.ready_seconds: float | None = None
        self.moto: GatewayServer | None = None
        self.gateway = MotoGateway()
        self.parts = Parts()  # every running part, started here, stopped and reported from here
        self.functions: dict[str, FunctionPackage] = {}
        self.fronts: dict[str, ApiFront] = {}
        self.live_fronts: dict[str, LiveFront] = {}
        self.live_handlers: dict[str, Callable[[dict, Any], Any]] = {}
        self.live_builds: dict[str, Callable[[], Callable[[dict, Any], Any]]] = {}
        self.apps: dict[str, RegionApp] = {}
        self.handler_names: dict[str, str] = {}
        self.api_limits: ApiLimits | None = None
        self.provisioned: Provisioned | None = None
        self.replicator: Replicator | None = None
        self.poller: EventSourcePoller | None = None
        self.control: ControlServer | None = None
        self.janitor: MotoJanitor | None = None
        self.ttl: TtlSweeper | None = None
        self.user_pool_replica: UserPoolReplica | None = None
        self.s3_notifications: S3LambdaNotifications | None = None
        self.firehose: FirehoseConversion | None = None
        self.log_subscription: LogSubscription | None = None
        self.archive: ArchiveTiers | None = None
        self.inventory: InventoryReports | None = None
        self.s3_functions: dict[str, Callable[[dict, Any], Any]] = {}  # function ARN -> handler (S3 events)
        # label -> the one read of its table stream that feeds the event sources
        self.stream_readers: dict[str, StreamReader] = {}
        # Cognito as apps meet it: SRP checks the password, codes are e-mailed (the outbox), refresh works.
        self.cognito_mail = CognitoMail()
        self.srp = SrpVerifier()
        # Confirmations pass through the mail stand-in (code check) and moto, then the trigger runs.
        self.cognito_triggers = CognitoTriggers(
            downstream=self.cognito_mail.intercept,
            invoke_context=lambda arn: LocalLambdaContext(arn.rsplit(":", 1)[-1], arn.split(":")[3]),
        )
        self.gateway.interceptors += [
            self.cognito_triggers.intercept,
            self.srp.intercept,
            self.cognito_mail.intercept,
            cognito_tokens.intercept,
        ]

    # ---- start / stop -------------------------------------------------------------------
    def start(self) -> LocalStack:
        ports = self.config.ports
        busy = taken(ports.labelled())
        if busy:
            raise StartupError(f"port already in use: {', '.join(busy)}")
        # Import every function first: a broken one fails the start (its traceback in the log) before
        # anything is provisioned.
        self.functions = {package: import_function(package) for package in FUNCTION_PACKAGES}
        # The stage throttle and reserved concurrency of the env the local stack stands in for (its tfvars).
        self.api_limits = api_limits(ENVS_DIR / f"{self.config.limits_env}.tfvars")
        # Fake credentials for everything in this process: real ones are never sent anywhere.
        os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
        # reset() purges queues between tests, more often than SQS's once a minute.
        os.environ["MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR"] = "false"
        cognito_tokens.apply()  # tokens carry Cognito's claims (email, email_verified, ...): a named stand-in
        moto_port = ports.moto or free_port()
        self.moto = self.parts.start(GatewayServer(HOST, moto_port, self.gateway))
        endpoint = f"http://{HOST}:{self.moto.get_host_and_port()[1]}"
        requests.get(f"{endpoint}/moto-api/", timeout=10)  # first request warms the dispatcher up

        self.fronts = {
            "primary": ApiFront("primary", ports.primary, None, lambda: self.apps.get("primary")),
            "dr": ApiFront("dr", ports.dr, None, lambda: self.apps.get("dr")),
            "public": ApiFront("public", ports.public, None, self._failover_target),
        }
        api_urls = {name: front.url for name, front in self.fronts.items()}
        self.live_fronts = {
            label: LiveFront(
                label,
                self.config.region(label),
                port,
                lambda label=label: self.live_handlers.get(label),
                self._names.function(LIVE_FUNCTION_PACKAGE),
                lambda label=label: self.apps[label].up if label in self.apps else True,
            )
            for label, port in (("primary", ports.live_primary), ("dr", ports.live_dr))
        }
        live_urls = {label: front.url for label, front in self.live_fronts.items()}
        log.info("moto up at %s (%.2f s)", endpoint, time.time() - self.started_at)
        self.provisioned = provision(self.config, endpoint, api_urls, live_urls)
        log.info("both regions provisioned (%.2f s)", time.time() - self.started_at)
        auth = self.provisioned.outputs.auth
        for label in LABELS:  # the blueprint's aws_ssm_parameter.user_pool_id (modules/api), at each site
            client("ssm", self._resources(label).region, endpoint).put_parameter(
                Name=user_pool_id_parameter(self._names.prefix),
                Value=auth.user_pool_id,
                Type="String",
                Overwrite=True,
            )
        replica = self.user_pool_replica = self.parts.start(
            UserPoolReplica(
                endpoint,
                self.config.primary_region,
                self.config.dr_region,
                auth.user_pool_id,
                auth.client_id,
                wait_for_change=self.gateway.changes_for(wakes_user_pool_replica),
            )
        )
        self.gateway.rules.append(gateway_rule(replica, AwsError))  # what a secondary replica refuses
        # modules/live's aws_ssm_parameter.trusted_issuers at each site: the region's pool, and the primary's.
        primary_issuers = {auth.issuer: self.provisioned.jwks_url}
        trusted = {
            "primary": {"issuers": primary_issuers, "client_ids": [auth.client_id]},
            "dr": {
                "issuers": {replica.issuer: replica.jwks_url, **primary_issuers},
                "client_ids": [replica.client_id, auth.client_id],
            },
        }
        for label in LABELS:
            client("ssm", self._resources(label).region, endpoint).put_parameter(
                Name=live_auth_parameter(self._names.prefix),
                Value=json.dumps(trusted[label]),
                Type="String",
                Overwrite=True,
            )
        verifier = JwtVerifier(
            auth.issuer,
            self.provisioned.jwks_url,
            [auth.client_id, replica.client_id],
            other_issuers={replica.issuer: replica.jwks_url},  # tokens of the DR replica (MRR)
        )
        for label in LABELS:
            res = self._resources(label)
            values = self.function_settings(res, endpoint)
            api = self.functions[API_FUNCTION_PACKAGE]
            self.handler_names[f"api.{label}"] = api.spec
            self.apps[label] = RegionApp(
                label,
                res.region,
                api.build(values),
                self._names.function(API_FUNCTION_PACKAGE),
                build=lambda api=api, values=values: api.build(values),  # one more execution environment
                limits=self.api_limits,
            )
            live = self.functions[LIVE_FUNCTION_PACKAGE]
            self.handler_names[f"{LIVE_FUNCTION_PACKAGE}.{label}"] = live.spec
            self.live_builds[label] = lambda live=live, values=values: live.build(values)
            self.live_handlers[label] = self.live_builds[label]()
        log.info("API functions built: %s (%.2f s)", self.handler_names, time.time() - self.started_at)
        # Usage events leave the functions as log lines; this ships them to each region's Firehose stream.
        self.log_subscription = self.parts.start(
            LogSubscription(
                endpoint,
                [
                    Destination(
                        res.region,
                        f"/aws/lambda/{self._names.function(API_FUNCTION_PACKAGE)}",
                        res.usage_stream_name,
                    )
                    for res in (self._resources(label) for label in LABELS)
                ],
            )
        )
        for front in self.fronts.values():
            front.verifier = verifier
            front.cors_origins = self.config.cors_allowed_origins
            self.parts.start(front)
        for live_front in self.live_fronts.values():
            self.parts.start(live_front)

        self.replicator = self.parts.start(
            Replicator(
                endpoint,
                self.provisioned.primary,
                self.provisioned.dr,
                self.provisioned.replication_queue_url,
                wait_for_change=self.gateway.changes_for(
                    wakes_replicator(self.provisioned.primary, self.provisioned.dr)
                ),
            )
        )
        self.ttl = TtlSweeper(
            {
                label: (
                    client("dynamodb", self._resources(label).region, endpoint),
                    self._resources(label).table_name,
                )
                for label in LABELS
            },
            TABLE_DESIGN.ttl_attribute,
            tuple(k.name for k in (TABLE_DESIGN.hash_key, TABLE_DESIGN.range_key)),
            wait_for_change=self.gateway.changes_for(wakes_ttl_sweeper),
        )
        # The event sources register their TTL marks with the sweeper before either runs.
        self.poller = self.parts.start(
            EventSourcePoller(
                self._event_sources(endpoint), wait_for_change=self.gateway.changes_for(wakes_event_sources)
            )
        )
        # S3 invokes functions from the buckets' notification configurations (moto builds the events).
        self.s3_notifications = self.parts.start(S3LambdaNotifications(self._invoke_s3_function))
        self.parts.start(self.ttl)
        self.archive = self.parts.start(
            ArchiveTiers(
                self.gateway,
                endpoint,
                [
                    MediaBucket(label, res.region, res.media_bucket, res.table_name)
                    for label, res in ((label, self._resources(label)) for label in LABELS)
                ],
                invoke=self._invoke_s3_function,
                restore_seconds=self.config.restore_seconds,
            )
        )
        self.inventory = InventoryReports(
            self.gateway,
            endpoint,
            [(self._resources(label).region, self._resources(label).media_bucket) for label in LABELS],
            self.archive,
        )
        self.firehose = self.parts.start(
            FirehoseConversion(
                endpoint,
                [self._resources(label).region for label in LABELS],
                wait_for_change=self.gateway.changes_for(wakes_firehose),
            )
        )
        self.janitor = self.parts.start(MotoJanitor(wait_for_change=self.gateway.wait_for_change))
        self.control = self.parts.start(ControlServer(ports.control, self))
        self._wait_healthy()
        self.ready_seconds = round(time.time() - self.started_at, 3)
        log.info("local stack ready in %.2f s", self.ready_seconds)
        return self

    def stop(self) -> None:
        """Stop every part that was started, at once (the stand-ins waiting for a change are woken to see their
        stop flag)."""
        self.parts.stop(wake=self.gateway.wake_all)

    # ---- wiring -------------------------------------------------------------------------
    def _resources(self, label: str) -> RegionResources:
        assert self.provisioned is not None
        return self.provisioned.primary if label == "primary" else self.provisioned.dr

    def function_settings(self, res: RegionResources, endpoint: str) -> dict[str, Any]:
        """What every function's Settings may read, for one region."""
        return {
            "region": res.region,
            "endpoint_url": endpoint,
            "env_name": self.config.env,
            "table_name": res.table_name,
            "media_bucket": res.media_bucket,
            "cdn_domain": None,
            "notify_queue_url": res.notify_queue_url,
            "usage_stream_name": res.usage_stream_name,
            "platform_app_arns": res.platform_app_arns,
            "regions": (self.config.primary_region, self.config.dr_region),
            # The archive stand-in's restore delay, so the API's retry_after matches it (AWS: hours).
            "restore_wait_seconds": max(1, math.ceil(self.config.restore_seconds)),
            # Where the account eraser reads the pool that owns the users (the primary's, in both regions, as
            # the blueprint writes it: MRR shares the id; the DR replica here has its own, never deleted from).
            "user_pool_id_parameter": user_pool_id_parameter(Names(env=self.config.env).prefix),
            # live_socket's trusted issuers (modules/live writes the parameter), live_delivery's @connections.
            "live_auth_parameter": live_auth_parameter(Names(env=self.config.env).prefix),
            "live_connections_url": next(
                (f.connections_url for f in self.live_fronts.values() if f.region == res.region), ""
            ),
        }

    def _event_sources(self, endpoint: str) -> list[EventSource]:
        """Every event-source mapping of both regions. Each runs on its own thread (as Lambda polls each
        mapping independently); a function package's handlers, one per region, share the package's
        module-level state (Powertools' Logger and Metrics, which share one metric set across instances), which
        one Lambda execution environment never shares with a concurrent invoke: they take turns
        (`_one_at_a_time`)."""
        sources: list[EventSource] = []
        turns: dict[str, threading.Lock] = {}
        for label in LABELS:
            res = self._resources(label)
            values = self.function_settings(res, endpoint)
            worker = self.functions[QUEUE_FUNCTION_PACKAGE]
            self.handler_names[f"{QUEUE_FUNCTION_PACKAGE}.{label}"] = worker.spec
            sources.append(
                SqsEventSource(
                    f"notify-{label}",
                    client("sqs", res.region, endpoint),
                    res.notify_queue_url,
                    res.region,
                    _one_at_a_time(
                        worker.build(values), turns.setdefault(QUEUE_FUNCTION_PACKAGE, threading.Lock())
                    ),
                    self._names.function(QUEUE_FUNCTION_PACKAGE),
                )
            )
            # S3 invokes it (the archive stand-in, from the bucket's notification configuration)
            restored = self.functions[S3_FUNCTION_PACKAGE]
            self.handler_names[f"{S3_FUNCTION_PACKAGE}.{label}"] = restored.spec
            self.s3_functions[restored_function_arn(res.region, self._names)] = restored.build(values)
            # Cognito invokes it (each region's pool names its own region's function)
            onboarding = self.functions[TRIGGER_FUNCTION_PACKAGE]
            self.handler_names[f"{TRIGGER_FUNCTION_PACKAGE}.{label}"] = onboarding.spec
            self.cognito_triggers.functions[onboarding_function_arn(res.region, self._names)] = (
                onboarding.build(values)
            )
            # The region's stream is read once for its four consumers (ops/local/streams.py SharedStream).
            reader = StreamReader(
                client("dynamodbstreams", res.region, endpoint),
                res.table_stream_arn,
                res.region,
                prune_in_process=True,  # moto runs in this process
            )
            self.stream_readers[label] = reader
            stream = SharedStream(reader)
            for package in STREAM_FUNCTION_PACKAGES:
                function = self.functions[package]
                self.handler_names[f"{package}.{label}"] = function.spec
                built = _one_at_a_time(function.build(values), turns.setdefault(package, threading.Lock()))
                if package in S3_ALSO_INVOKES:  # one function, two event sources (as in AWS)
                    self.s3_functions[function_arn(res.region, self._names, package)] = built
                sources.append(
                    StreamEventSource(
                        f"{package}-{label}",
                        client("dynamodbstreams", res.region, endpoint),
                        res.table_stream_arn,
                        res.region,
                        built,
                        self._names.function(package),
                        is_ttl_delete=self._ttl_marks(f"{package}-{label}", label),
                        shared=stream,
                    )
                )
        return sources

    def _ttl_marks(self, consumer: str, label: str) -> Callable[[dict], bool]:
        assert self.ttl is not None
        is_ttl_delete = self.ttl.register(consumer)
        return lambda keys: is_ttl_delete(label, keys)

    @property
    def _names(self) -> Names:
        return Names(env=self.config.env)

    def _invoke_s3_function(self, function_arn: str, event: dict) -> None:
        """Invoke an in-process function S3 notifies (its ARN, with or without an alias qualifier)."""
        name = function_arn.split(":function:", 1)[-1].split(":", 1)[0]
        region = function_arn.split(":")[3]
        handler = self.s3_functions.get(
            f"arn:aws:lambda:{region}:{function_arn.split(':')[4]}:function:{name}"
        )
        if handler is None:
            raise LookupError(f"no function {function_arn} (Lambda would answer ResourceNotFoundException)")
        handler(event, LocalLambdaContext(name, region))

    def _failover_target(self) -> RegionApp | None:
        """The public name: primary while its health is up, else DR (Route 53 failover routing)."""
        for label in LABELS:
            app = self.apps.get(label)
            if app is not None and app.up:
                return app
        return None

    def _wait_healthy(self) -> None:
        deadline = time.time() + 20
        for name, front in self.fronts.items():
            while True:
                try:
                    if requests.get(f"{front.url}/health", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.time() > deadline:
                    raise StartupError(f"{name} API front did not become healthy; see the stack log")
                time.sleep(0.05)

    # ---- knobs --------------------------------------------------------------------------
    def set_region(self, label: str, up: bool) -> None:
        """A region down is dark as in an outage: its API front answers 503 and every AWS call to it fails."""
        if label not in self.apps:
            raise ValueError("region must be 'primary' or 'dr'")
        self.apps[label].up = up
        self.gateway.set_dark(self.apps[label].region, not up)
        self.gateway.nudge()  # the stand-ins retry what the outage held back now, not at their next look

    def set_limits(self, limits: ApiLimits | None) -> None:
        """The API's stage throttle and reserved concurrency in both regions (None: the env's again)."""
        for app in self.apps.values():
            app.set_limits(limits or self.api_limits)

    def reset(self) -> None:
        """Empty the tables, buckets and queues (resources stay), put every knob back, and start live_socket afresh."""
        assert self.provisioned is not None and self.replicator is not None and self.poller is not None
        endpoint = self.provisioned.outputs.endpoint_url or ""
        self.set_limits(None)
        for label in self.apps:  # the reset itself needs both regions
            self.set_region(label, True)
        self.replicator.pause()
        with self.poller.lock:
            for res in (self.provisioned.primary, self.provisioned.dr):
                with self.gateway.dynamodb_writes_held():
                    _empty_table(res.region, res.table_name)
                s3 = client("s3", res.region, endpoint)
                buckets = [res.media_bucket]
                if res is self.provisioned.primary:
                    buckets.append(self.provisioned.outputs.analytics.bucket)
                for bucket in buckets:
                    _empty_bucket(s3, bucket)
                sqs = client("sqs", res.region, endpoint)
                for url in (res.notify_queue_url, res.notify_dlq_url, res.replication_queue_url):
                    if url:
                        sqs.purge_queue(QueueUrl=url)
            for source in self.poller.sources:
                source.reset()
            if self.ttl is not None:
                self.ttl.reset()
        for live_front in self.live_fronts.values():
            live_front.reset()
        for label, build in self.live_builds.items():  # a fresh execution environment: no keys in memory
            self.live_handlers[label] = build()
        if self.archive is not None:
            self.archive.reset()
        for res in (
            self.provisioned.primary,
            self.provisioned.dr,
        ):  # the blueprint's settings, as provisioned
            apply_bucket_settings(
                self._names, res.region, endpoint, is_primary=res is self.provisioned.primary
            )
        self.replicator.reset()
        self._trim_read_streams()
        if self.user_pool_replica is not None:
            self.user_pool_replica.restore()
        cognito_tokens.reset()

    def _trim_read_streams(self) -> None:
        """Drop the table streams' records that the event sources and the replicator have read (all of them,
        after their reset): a reset stack's stream holds only what was written since, as a fresh stack's does.
        moto keeps every record of the session (DynamoDB keeps 24 hours), and a reader from TRIM_HORIZON
        (`ops audit lifecycle`) read the whole session again on every run (minutes in a CI run)."""
        assert self.provisioned is not None and self.replicator is not None and self.poller is not None
        with self.poller.lock, self.replicator.held(), self.gateway.dynamodb_writes_held():
            for label, res in (("primary", self.provisioned.primary), ("dr", self.provisioned.dr)):
                positions = [self.replicator.last_read(label)]
                if label in self.stream_readers:
                    positions.append(self.stream_readers[label].last_read())
                read_by_all = None if None in positions else min(p for p in positions if p is not None)
                trim_read_records(res.region, res.table_name, read_by_all)

    # ---- status -------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """The health of every running part (`components`, from `self.parts`), the region knobs and memory;
        `problems` says what is not well (empty when healthy)."""
        components = self.parts.status()
        regions = self.region_states()
        memory_mb = round(psutil.Process().memory_info().rss / 2**20, 1)
        problems = [
            f"{name}: {c.get('reason') or c.get('crashed') or 'unhealthy'}"
            for name, c in components.items()
            if not c["healthy"]
        ]
        problems += [f"region {label} is down" for label, state in regions.items() if state == "down"]
        if self.replicator is not None and self.replicator.paused:
            problems.append("replication is paused")
        return {
            "healthy": not problems,
            "problems": problems,
            "pid": os.getpid(),
            "ready_seconds": self.ready_seconds,
            "memory_mb": memory_mb,
            "regions": regions,
            "handlers": self.handler_names,
            "components": components,
        }

    def region_states(self) -> dict[str, str]:
        """{"primary": "up"|"down", "dr": ...}: cheap, unlike the whole status (the region knobs answer with
        it at once, so a drill's cut is timed by the knob, not by a status of a loaded stack)."""
        return {label: ("up" if app.up else "down") for label, app in self.apps.items()}

    def state_document(self) -> dict[str, Any]:
        """What `ops local up/status`, `ops stack outputs` and the fixtures read from state.json."""
        assert self.provisioned is not None and self.control is not None
        return {
            "pid": os.getpid(),
            "started_at": datetime.fromtimestamp(self.started_at, UTC).isoformat(),
            "ready_seconds": self.ready_seconds,
            "control_url": self.control.url,
            "log_dir": str(self.config.log_dir),
            "outputs": self.provisioned.outputs.model_dump(mode="json"),
            "regions": {
                "primary": self.provisioned.primary.model_dump(mode="json"),
                "dr": self.provisioned.dr.model_dump(mode="json"),
            },
            "replication_queue_url": self.provisioned.replication_queue_url,
            "jwks_url": self.provisioned.jwks_url,
            "user_pool_replica": self.user_pool_replica.document() if self.user_pool_replica else None,
            "handlers": self.handler_names,
        }


def _empty_table(region: str, table: str) -> None:
    """Drop every item of the emulator's table (moto runs in this process; the caller holds DynamoDB
    requests back). No stream records: nobody reads a reset's deletes (every stream reader of the stack
    seeks to the end, and the streams are trimmed after), and deleting a long test's tens of thousands of
    items one BatchWriteItem of 25 at a time took most of a reset (seconds per test)."""
    from moto.dynamodb.models import dynamodb_backends

    dynamodb_backends[ACCOUNT_ID][region].tables[table].items.clear()


def _empty_bucket(s3: Any, bucket: str) -> None:
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        objects = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(objects), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects[start : start + 1000], "Quiet": True})


def _one_at_a_time(handler: Callable[[dict, Any], Any], turn: threading.Lock) -> Callable[[dict, Any], Any]:
    """`handler`, invoked by one thread at a time (`turn` is shared by every handler built from one function
    package)."""

    def invoke(event: dict, context: Any) -> Any:
        with turn:
            return handler(event, context)

    return invoke
