"""Stand-in for S3 Intelligent-Tiering's archive tiers, the passage of time that fills them, and restores.

moto stores every object online: nothing is ever archived, RestoreObject refuses Intelligent-Tiering objects,
and no restore event is ever sent. This stand-in supplies, on the emulator's S3 (through the gateway's
interceptors, so every client sees it: the API, presigned URLs, the audit, tests):

- Archived objects fail as S3 fails them. A GET of an object version in Archive Access or Deep Archive Access,
  presigned or not, answers 403 InvalidObjectState with its StorageClass and AccessTier; so does a copy from
  it. HEAD answers as S3 does: `x-amz-archive-status: <tier>`, and `x-amz-restore: ongoing-request="true"`
  while a restore runs.
- RestoreObject: 202 Accepted starts a restore; a second one while it runs answers 409
  RestoreAlreadyInProgress; `Days` is refused (400 InvalidArgument: Intelligent-Tiering restores do not
  expire). After `restore_seconds` (a few seconds here, hours in AWS) the object is back in the Frequent
  Access tier and the bucket's notification configuration is followed: each Lambda function (or queue)
  subscribed to `s3:ObjectRestore:Completed` (or `s3:ObjectRestore:*`) gets S3's event message. Functions run
  in-process (the stack maps their ARNs), invoked as S3 invokes them: asynchronously, two retries.
- The archive clock (`ops local archive --inactive-days N`): every media object whose last use (its media
  item's creation and every region's access record) is at least N days old is made inactive: its last use
  moves back to just past the policy's `deep_archive_after_days`, as if that time had passed without a use
  (the access records, the item's creation time and S3's LastModified move together). Then what S3 would have
  done in that time is applied, from each bucket's own settings as read back: the lifecycle rules'
  transition into INTELLIGENT_TIERING (objects of 128 KB or more), then the Intelligent-Tiering
  configurations' archive tiers (objects in the class, of 128 KB or more, in a bucket whose configuration has
  a tier due). A bucket without a configuration (the DR copy), an object under 128 KB or one left in STANDARD
  stays online, as in S3. `dry_run` reports without changing anything.

Where it differs from AWS: the clock moves recorded times back instead of waiting months; objects are aged per
media object (the archive of other prefixes is not emulated); restores take `restore_seconds`; the restore
event's `lifecycleRestorationExpiryTime` is left out (Intelligent-Tiering restores do not expire).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from urllib.parse import parse_qs, quote_plus, unquote

from botocore.exceptions import BotoCoreError, ClientError

from backend_core import item_keys
from backend_core.archival import (
    ARCHIVAL_POLICY,
    ARCHIVE_TIERS,
    TIERING_MIN_OBJECT_BYTES,
    media_key_parts,
)
from backend_core.ddb import from_ddb, to_ddb
from ops.local.aws import client
from ops.local.config import ACCOUNT_ID, MAX_INACTIVE_DAYS
from ops.local.moto_gateway import MotoGateway, is_s3_request, s3_error, s3_error_body
from ops.local.parts import LoopPart

log = logging.getLogger("ops.local.stand_ins.archive_tiers")
StartResponse = Callable[..., Any]
Invoke = Callable[[str, dict], None]  # (function ARN, event) -> None; raises when the function fails
# Query parameters of a plain object GET/HEAD (presigning and response overrides), not a sub-resource.
_PLAIN = {"versionId", "partNumber"}
_PLAIN_PREFIXES = ("X-Amz-", "x-amz-", "response-", "AWSAccessKeyId", "Signature", "Expires")
RESTORE_EVENTS = {"s3:ObjectRestore:Completed", "s3:ObjectRestore:*", "s3:*"}
POST_EVENTS = {"s3:ObjectRestore:Post", "s3:ObjectRestore:*", "s3:*"}


@dataclass
class Archived:
    bucket: str
    key: str
    version_id: str
    region: str
    tier: str
    archived_at: float
    restore_due: float | None = None  # set while a restore runs


@dataclass(frozen=True)
class MediaBucket:
    label: str  # primary / dr
    region: str
    bucket: str
    table: str


@dataclass
class ClockReport:
    """What one run of the archive clock did (or would do, dry run), per bucket."""

    inactive_days: int
    dry_run: bool
    made_inactive: int = 0
    buckets: dict[str, dict[str, Any]] = field(default_factory=dict)


class ArchiveTiers(LoopPart):
    """S3 Intelligent-Tiering's archive tiers and restores, on the gateway (a part of the stack:
    `ops.local.parts.Part`)."""

    name = "archive_tiers"
    stop_timeout = 5.0

    def __init__(
        self,
        gateway: MotoGateway,
        endpoint_url: str,
        buckets: list[MediaBucket],
        invoke: Invoke,
        restore_seconds: float = 2.0,
    ) -> None:
        super().__init__()
        self.gateway, self.endpoint_url, self.buckets = gateway, endpoint_url, buckets
        self.invoke = invoke
        self.restore_seconds = restore_seconds
        self._archived: dict[tuple[str, str, str], Archived] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self.counts: Counter[str] = Counter()
        self.last_error: str | None = None
        self._inactive_days = 0

    # ---- lifecycle -------------------------------------------------------------------------------
    def start(self) -> Self:
        self.gateway.interceptors.append(self.intercept)
        return super().start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()  # the loop waits on it
        super().stop()

    def reset(self) -> None:
        with self._lock:
            self._archived.clear()
        self.counts.clear()
        self.last_error = None

    def status(self) -> dict[str, Any]:
        with self._lock:
            archived = [a for a in self._archived.values() if a.restore_due is None]
            restoring = [a for a in self._archived.values() if a.restore_due is not None]
        return {
            "healthy": self.alive,
            "archived": len(archived),
            "restoring": len(restoring),
            "restore_seconds": self.restore_seconds,
            **dict(self.counts),
            "last_error": self.last_error,
        }

    def archive_state(self, bucket: str, key: str, version_id: str) -> Archived | None:
        """The archive state of one object version (for the inventory stand-in); None while online."""
        with self._lock:
            return self._archived.get((bucket, key, version_id))

    # ---- S3 requests (gateway interceptor) ---------------------------------------------------------
    def intercept(
        self, environ: dict, body: bytes, start_response: StartResponse, app: Any
    ) -> Iterable[bytes] | None:
        if not self._archived and environ.get("REQUEST_METHOD") != "POST":
            return None  # nothing archived: nothing to change (keeps the common path free)
        bucket, _, key = unquote(environ.get("PATH_INFO", "")).lstrip("/").partition("/")
        if not key or not is_s3_request(environ):
            return None
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        method = environ.get("REQUEST_METHOD")
        if method == "POST" and "restore" in query:
            return self._restore(bucket, key, query, body, start_response)
        copy_source = environ.get("HTTP_X_AMZ_COPY_SOURCE")
        if method == "PUT" and copy_source:
            source_bucket, _, rest = unquote(copy_source).lstrip("/").partition("/")
            source_key, _, version = rest.partition("?versionId=")
            found = self._current_archive(source_bucket, source_key, version or None)
            if found is not None:
                return _invalid_object_state(start_response, found)
            return None
        if method not in ("GET", "HEAD") or not _plain_object_request(query):
            return None
        found = self._current_archive(bucket, key, (query.get("versionId") or [None])[0])
        if found is None:
            return None
        if method == "GET":
            self.counts["gets_refused"] += 1
            return _invalid_object_state(start_response, found)
        extra = [("x-amz-archive-status", found.tier)]
        if found.restore_due is not None:
            extra.append(("x-amz-restore", 'ongoing-request="true"'))

        def with_archive_headers(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            return start_response(status, [*headers, *extra] if status.startswith("200") else headers, *args)

        return app(environ, with_archive_headers)

    def _restore(
        self, bucket: str, key: str, query: dict, body: bytes, start_response: StartResponse
    ) -> Iterable[bytes] | None:
        found = self._current_archive(bucket, key, (query.get("versionId") or [None])[0])
        if found is None:
            return None  # online: moto answers (InvalidObjectState for a class that cannot be restored)
        if b"<Days>" in body:
            return s3_error(
                start_response,
                400,
                "InvalidArgument",
                "INTELLIGENT_TIERING objects are not subject to restore expiry. Do not specify Days when "
                "restoring this object",
            )
        with self._lock:
            if found.restore_due is not None:
                self.counts["restores_refused_in_progress"] += 1
                return s3_error(
                    start_response, 409, "RestoreAlreadyInProgress", "Object restore is already in progress"
                )
            found.restore_due = time.monotonic() + self.restore_seconds
        self.counts["restores_started"] += 1
        self._notify(found, "ObjectRestore:Post", POST_EVENTS)
        self._wake.set()
        start_response("202 Accepted", [("Content-Length", "0")])
        return [b""]

    def _current_archive(self, bucket: str, key: str, version_id: str | None) -> Archived | None:
        if version_id is None:
            current = _moto_key(bucket, key)
            if current is None:
                return None
            version_id = str(current.version_id)
        with self._lock:
            return self._archived.get((bucket, key, version_id))

    # ---- restores completing ----------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._next_look_in())
            self._wake.clear()
            try:
                self.complete_due()
            except Exception as exc:  # keep the stand-in running; say why in the status
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("completing restores failed")

    def _next_look_in(self) -> float | None:
        """Seconds until the next restore is due; None (sleep until a restore starts) with none running.
        A restore held by a dark region is looked at every 0.2 s (region up does not set `_wake`)."""
        with self._lock:
            due = [a.restore_due for a in self._archived.values() if a.restore_due is not None]
        if not due:
            return None
        wait = max(0.0, min(due) - time.monotonic())
        return min(wait, 0.2) if self.gateway.dark_regions else wait

    def complete_due(self) -> int:
        """Bring back every object whose restore is due (in a region that is not dark); how many."""
        now = time.monotonic()
        dark = self.gateway.dark_regions
        with self._lock:
            due = [
                a
                for a in self._archived.values()
                if a.restore_due is not None and a.restore_due <= now and a.region not in dark
            ]
            for done in due:
                self._archived.pop((done.bucket, done.key, done.version_id), None)
        for done in due:
            self.counts["restores_completed"] += 1
            self._notify(done, "ObjectRestore:Completed", RESTORE_EVENTS)
        return len(due)

    def _notify(self, archived: Archived, event_name: str, subscribed: set[str]) -> None:
        """Follow the bucket's notification configuration, as S3 does for this event."""
        s3 = client("s3", archived.region, self.endpoint_url)
        try:
            config = s3.get_bucket_notification_configuration(Bucket=archived.bucket)
        except (ClientError, BotoCoreError) as exc:
            self.last_error = f"{event_name} of {archived.key}: notification configuration unreadable ({exc})"
            return
        for target in config.get("LambdaFunctionConfigurations", []):
            if set(target.get("Events", [])) & subscribed and _matches(target, archived.key):
                event = self._event(archived, event_name, target.get("Id", ""))
                self._invoke(target["LambdaFunctionArn"], event)
        for target in config.get("QueueConfigurations", []):
            if set(target.get("Events", [])) & subscribed and _matches(target, archived.key):
                import json

                event = self._event(archived, event_name, target.get("Id", ""))
                queue = target["QueueArn"].rsplit(":", 1)[-1]
                sqs = client("sqs", archived.region, self.endpoint_url)
                url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
                sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))

    def _invoke(self, function_arn: str, event: dict) -> None:
        """S3 invokes a function asynchronously: on an error Lambda retries twice, then drops the event (or
        sends it to the function's failure destination)."""
        for attempt in range(3):
            try:
                self.invoke(function_arn, event)
                self.counts["events_delivered"] += 1
                return
            except Exception as exc:
                self.last_error = f"{function_arn}: {type(exc).__name__}: {exc}"
                log.warning("restore event to %s failed (attempt %d): %s", function_arn, attempt + 1, exc)
                time.sleep(0.2)
        self.counts["events_failed"] += 1

    def _event(self, archived: Archived, event_name: str, configuration_id: str) -> dict[str, Any]:
        """S3's event message (version 2.1, as S3 sends restore events): docs.aws.amazon.com/AmazonS3/latest/
        userguide/notification-content-structure.html."""
        obj = _moto_key(archived.bucket, archived.key, archived.version_id)
        now = datetime.now(UTC)
        record: dict[str, Any] = {
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": archived.region,
            "eventTime": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "eventName": event_name,
            "userIdentity": {"principalId": "AmazonS3"},
            "requestParameters": {"sourceIPAddress": "s3.amazonaws.com"},
            "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper(), "x-amz-id-2": "local"},
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": configuration_id,
                "bucket": {
                    "name": archived.bucket,
                    "ownerIdentity": {"principalId": ACCOUNT_ID},
                    "arn": f"arn:aws:s3:::{archived.bucket}",
                },
                "object": {
                    "key": quote_plus(archived.key, safe="/"),
                    "size": int(obj.size) if obj is not None else 0,
                    "eTag": (obj.etag if obj is not None else "").strip('"'),
                    "versionId": archived.version_id,
                    "sequencer": f"{time.time_ns():016X}",
                },
            },
        }
        if event_name == "ObjectRestore:Completed":
            record["glacierEventData"] = {
                "restoreEventData": {"lifecycleRestoreStorageClass": "INTELLIGENT_TIERING"}
            }
        return {"Records": [record]}

    # ---- the archive clock --------------------------------------------------------------------------
    def archive(self, inactive_days: int, dry_run: bool = False) -> ClockReport:
        """Make every media object not used in `inactive_days` inactive, then archive what S3 would have
        (module docstring). Raises ValueError for a negative number of days."""
        if not 0 <= inactive_days <= MAX_INACTIVE_DAYS:
            raise ValueError(f"inactive_days must be between 0 and {MAX_INACTIVE_DAYS}")
        report = ClockReport(inactive_days, dry_run)
        self._inactive_days = inactive_days
        now = datetime.now(UTC)
        aged_to = now - timedelta(days=ARCHIVAL_POLICY.deep_archive_after_days + 1)
        uses = self._media_uses()  # (user, media) -> [items holding a time of use]
        shifts: dict[tuple[str, str], timedelta] = {}
        for media, items in uses.items():
            last = max(_item_time(item) for item in items)
            if last <= now - timedelta(days=inactive_days) and last > aged_to:
                shifts[media] = last - aged_to
        report.made_inactive = len(shifts)
        if not dry_run:
            self._age_records(uses, shifts)
        dark = self.gateway.dark_regions
        for spec in self.buckets:
            if spec.region in dark:
                report.buckets[spec.bucket] = {"label": spec.label, "skipped": "region is dark (outage knob)"}
                continue
            report.buckets[spec.bucket] = self._apply_time(spec, uses, shifts, now, dry_run)
        self.counts["clock_runs"] += 0 if dry_run else 1
        return report

    def _apply_time(
        self,
        spec: MediaBucket,
        uses: dict[tuple[str, str], list[dict]],
        shifts: dict[tuple[str, str], timedelta],
        now: datetime,
        dry_run: bool,
    ) -> dict[str, Any]:
        s3 = client("s3", spec.region, self.endpoint_url)
        transitions = _transition_rules(s3, spec.bucket)
        tiers = _archive_tiers(self.gateway, spec.bucket)
        outcome: Counter[str] = Counter()
        cutoff = now - timedelta(days=self._inactive_days)
        aged_to = now - timedelta(days=ARCHIVAL_POLICY.deep_archive_after_days + 1)
        for key_name, obj in _moto_objects(spec.bucket):
            parts = media_key_parts(key_name)
            if parts is None:
                continue
            modified = _aware(obj.last_modified)
            shift = shifts.get(parts)
            if parts not in uses and aged_to < modified <= cutoff:  # no media item: its upload is its use
                shift = modified - aged_to
            if shift is not None and not dry_run:
                obj.last_modified = obj.last_modified - shift
                modified -= shift
            last_use = max((_item_time(i) for i in uses.get(parts, [])), default=modified)
            if shift is not None and dry_run:
                last_use, modified = last_use - shift, modified - shift
            idle_days = (now - last_use).days
            if self.archive_state(spec.bucket, key_name, str(obj.version_id)) is not None:
                outcome["already archived"] += 1
                continue
            size, storage_class = int(obj.size), obj.storage_class or "STANDARD"
            # Lifecycle transitions count days from creation, whatever the use.
            if storage_class == "STANDARD" and size >= TIERING_MIN_OBJECT_BYTES:
                age_days = (now - modified).days
                if any(key_name.startswith(prefix) and days <= age_days for prefix, days in transitions):
                    storage_class = "INTELLIGENT_TIERING"
                    outcome["moved to INTELLIGENT_TIERING"] += 1
                    if not dry_run:
                        obj.set_storage_class("INTELLIGENT_TIERING")
            if idle_days < 1:
                outcome["active"] += 1
                continue
            tier = _due_tier(tiers, key_name, idle_days)
            if size < TIERING_MIN_OBJECT_BYTES:
                outcome["online: under 128 KB"] += 1
            elif storage_class != "INTELLIGENT_TIERING":
                outcome[f"online: {storage_class} class"] += 1
            elif not tiers:
                outcome["online: no Intelligent-Tiering archive configuration"] += 1
            elif tier is None:
                outcome["online: no tier due yet"] += 1
            else:
                outcome[f"archived: {tier}"] += 1
                if not dry_run:
                    with self._lock:
                        self._archived[(spec.bucket, key_name, str(obj.version_id))] = Archived(
                            spec.bucket, key_name, str(obj.version_id), spec.region, tier, time.time()
                        )
        if not dry_run:
            self.counts["objects_archived"] += sum(v for k, v in outcome.items() if k.startswith("archived"))
        return {"label": spec.label, "region": spec.region, **dict(sorted(outcome.items()))}

    def _media_uses(self) -> dict[tuple[str, str], list[dict]]:
        """Every media item and access record, by (user, media), read from the first region that is up."""
        dark = self.gateway.dark_regions
        spec = next((b for b in self.buckets if b.region not in dark), None)
        if spec is None:
            raise ValueError("both regions are dark: the archive clock needs one region up")
        ddb = client("dynamodb", spec.region, self.endpoint_url)
        found: dict[tuple[str, str], list[dict]] = {}
        kwargs: dict[str, Any] = {
            "TableName": spec.table,
            "FilterExpression": "begins_with(SK, :media)",
            "ExpressionAttributeValues": {":media": {"S": item_keys.MEDIA_FAMILY}},
            "ConsistentRead": True,
        }
        while True:
            page = ddb.scan(**kwargs)
            for raw in page["Items"]:
                item = from_ddb(raw)
                user = item_keys.user_id_of(str(item["PK"]))
                sk = str(item["SK"])
                media = item.get("media_id") or item_keys.media_id_of(sk)
                if sk.startswith((item_keys.MEDIA_PREFIX, item_keys.MEDIA_USE_PREFIX)) and _item_time(
                    item
                ) > datetime.min.replace(tzinfo=UTC):
                    found.setdefault((user, str(media)), []).append(item)
            if "LastEvaluatedKey" not in page:
                return found
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _age_records(
        self, uses: dict[tuple[str, str], list[dict]], shifts: dict[tuple[str, str], timedelta]
    ) -> None:
        dark = self.gateway.dark_regions
        spec = next(b for b in self.buckets if b.region not in dark)
        ddb = client("dynamodb", spec.region, self.endpoint_url)
        for media, shift in shifts.items():
            for item in uses[media]:
                name = (
                    "last_used_at" if str(item["SK"]).startswith(item_keys.MEDIA_USE_PREFIX) else "created_at"
                )
                aged = _iso(_item_time(item) - shift)
                ddb.update_item(
                    TableName=spec.table,
                    Key=to_ddb({"PK": item["PK"], "SK": item["SK"]}),
                    UpdateExpression="SET #t = :t",
                    ExpressionAttributeNames={"#t": name},
                    ExpressionAttributeValues={":t": {"S": aged}},
                )
                item[name] = aged


# ---- reading moto and the buckets' settings -----------------------------------------------------------
def _moto_bucket(bucket: str) -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[ACCOUNT_ID]["global"].buckets.get(bucket)


def _moto_key(bucket: str, key: str, version_id: str | None = None) -> Any:
    found = _moto_bucket(bucket)
    if found is None:
        return None
    if version_id is None:
        current = found.keys.get(key)
        return None if current is None or type(current).__name__ == "FakeDeleteMarker" else current
    for version in found.keys.getlist(key, []):
        if str(version.version_id) == version_id:
            return version
    return None


def _moto_objects(bucket: str) -> list[tuple[str, Any]]:
    """(key, current version) of every object of a bucket (delete markers left out), read in-process."""
    found = _moto_bucket(bucket)
    if found is None:
        return []
    out = []
    for name in list(found.keys.keys()):
        current = found.keys.get(name)
        if current is not None and type(current).__name__ != "FakeDeleteMarker":
            out.append((name, current))
    return out


def _transition_rules(s3: Any, bucket: str) -> list[tuple[str, int]]:
    """(prefix, days) of every enabled lifecycle transition into INTELLIGENT_TIERING of the bucket."""
    try:
        rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket).get("Rules", [])
    except ClientError:
        return []  # NoSuchLifecycleConfiguration
    found = []
    for rule in rules:
        if rule.get("Status") != "Enabled":
            continue
        prefix = (rule.get("Filter") or {}).get("Prefix", rule.get("Prefix", "")) or ""
        for transition in rule.get("Transitions", []):
            if transition.get("StorageClass") == "INTELLIGENT_TIERING" and "Days" in transition:
                found.append((prefix, int(transition["Days"])))
    return found


def _archive_tiers(gateway: MotoGateway, bucket: str) -> list[tuple[str, str, int]]:
    """(prefix, tier, days) of every enabled Intelligent-Tiering configuration's tiers (kept by the gateway)."""
    import xml.etree.ElementTree as ET

    found = []
    for document in gateway.kept_by_id(bucket, "intelligent-tiering").values():
        root = ET.fromstring(document)  # noqa: S314 (documents this machine's own tools put)
        fields = {el.tag.rsplit("}", 1)[-1]: el for el in root}
        if (fields.get("Status") is None) or (fields["Status"].text or "") != "Enabled":
            continue
        prefix = ""
        for el in root.iter():
            if el.tag.rsplit("}", 1)[-1] == "Prefix":
                prefix = el.text or ""
        for tiering in root.iter():
            if tiering.tag.rsplit("}", 1)[-1] == "Tiering":
                values = {el.tag.rsplit("}", 1)[-1]: el.text or "" for el in tiering}
                found.append((prefix, values.get("AccessTier", ""), int(values.get("Days", "0") or 0)))
    return found


def _due_tier(tiers: list[tuple[str, str, int]], key: str, idle_days: int) -> str | None:
    """The deepest tier due for an object idle `idle_days` (Deep Archive Access before Archive Access)."""
    due = [tier for prefix, tier, days in tiers if key.startswith(prefix) and days <= idle_days]
    for tier in reversed(ARCHIVE_TIERS):
        if tier in due:
            return tier
    return None


def _matches(target: dict, key: str) -> bool:
    rules = ((target.get("Filter") or {}).get("Key") or {}).get("FilterRules", [])
    for rule in rules:
        name, value = str(rule.get("Name", "")).lower(), str(rule.get("Value", ""))
        if name == "prefix" and not key.startswith(value):
            return False
        if name == "suffix" and not key.endswith(value):
            return False
    return True


def _plain_object_request(query: dict) -> bool:
    return all(name in _PLAIN or name.startswith(_PLAIN_PREFIXES) for name in query)


def _invalid_object_state(start_response: StartResponse, archived: Archived) -> list[bytes]:
    body = s3_error_body(
        "InvalidObjectState",
        "The operation is not valid for the object's access tier",
        StorageClass="INTELLIGENT_TIERING",
        AccessTier=archived.tier,
    )
    start_response("403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [body]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _item_time(item: dict) -> datetime:
    """The time of use an item records: an access record's last use, a media item's creation."""
    text = (
        item.get("last_used_at")
        if str(item.get("SK", "")).startswith(item_keys.MEDIA_USE_PREFIX)
        else item.get("created_at")
    )
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
