"""Stand-in for what Firehose does to usage events and moto does not: prefix expressions and record
format conversion.

moto's Firehose writes every PutRecord/PutRecordBatch call as one raw object (the records' bytes
concatenated) under `<Prefix as written>YYYY/MM/DD/HH/<stream>-<version>-<time>-<uuid>`: it expands no
`!{...}` expression and converts nothing. For every delivery stream whose S3 prefix holds an expression,
this stand-in takes those raw objects and delivers them the way Firehose does:

- buffering: a buffer is delivered when its oldest record is `BufferingHints.IntervalInSeconds` old or
  it holds `SizeInMBs` (`flush()` delivers at once: tests, `ops local firehose flush`);
- prefix: `!{timestamp:<java pattern>}` is the arrival time of the oldest record in the object (UTC),
  `!{firehose:random-string}` and `!{firehose:error-output-type}` as documented; any other expression is
  refused (AWS refuses it when the stream is created);
- conversion (`DataFormatConversionConfiguration.Enabled`): each JSON record is deserialised with the
  Hive JSON rules against the Glue table of `SchemaConfiguration` (read from Glue at each delivery, as
  Firehose does), and the buffer becomes one Parquet object (compression from `ParquetSerDe`);
- processing (`ProcessingConfiguration`): `Decompression` (GZIP) and `CloudWatchLogProcessing` with
  `DataMessageExtraction`, as a CloudWatch Logs subscription needs them: each record is decompressed, each
  `DATA_MESSAGE`'s log events become one record each (their `message`), `CONTROL_MESSAGE`s are dropped; a
  record that does not decompress goes to the error prefix as `decompression-failed`, compressed, as Firehose
  does (developer guide, "Troubleshoot decompression in Firehose");
- a record that fails conversion is written to the error prefix (`format-conversion-failed`) in
  Firehose's error document format with its raw data, never dropped; the rest of the buffer is delivered.

Where it differs from AWS (ops/local/README.md lists them): arrival time is the raw object's
LastModified (one-second resolution, the time moto received the call); record boundaries are recovered
by decoding JSON documents one after another, because moto concatenates records (our producers end each
record with a newline, so a malformed record costs only itself); error codes are the stand-in's own
(`StandIn.*`); a stream without an expression in its prefix is left as moto wrote it.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import logging
import re
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from botocore.exceptions import BotoCoreError, ClientError

from ops.analytics.schema import TableSchema
from ops.local.aws import client
from ops.local.idle import IdleWait, WaitForChange
from ops.local.parts import LoopPart

log = logging.getLogger("ops.local.stand_ins.firehose_conversion")
POLL_SECONDS = 2.0  # at most one look per POLL_SECONDS while records arrive
IDLE_CAP_SECONDS = 60.0  # idle, look at least this often (ops/local/idle.py)
STREAMS_REFRESH_SECONDS = 30.0  # how long the list of delivery streams is reused between polls
ERROR_TYPE = "format-conversion-failed"
DECOMPRESSION_ERROR_TYPE = "decompression-failed"
_EXPRESSION = re.compile(r"!\{([^}:]+):([^}]*)\}")
INT_RANGE = {"tinyint": (-(2**7), 2**7 - 1), "smallint": (-(2**15), 2**15 - 1), "int": (-(2**31), 2**31 - 1)}
INT_RANGE["bigint"] = (-(2**63), 2**63 - 1)


class PrefixError(ValueError):
    """A prefix expression Firehose would refuse (or the stand-in cannot evaluate)."""


class ConversionError(ValueError):
    """A record the Hive JSON deserialiser cannot convert to the table's schema."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# ---- Java DateTimeFormatter (prefixes) and Joda (timestamp formats) subsets ------------------------
_JAVA_FIELDS = {
    "yyyy": "%Y",
    "uuuu": "%Y",
    "yy": "%y",
    "MM": "%m",
    "dd": "%d",
    "HH": "%H",
    "mm": "%M",
    "ss": "%S",
}
_PATTERN_TOKEN = re.compile(r"'[^']*'|([A-Za-z])\1*|[^A-Za-z']+")


def _tokens(pattern: str) -> list[str]:
    """Quoted literals, runs of one pattern letter ('yyyy', 'SSS', 'ZZ'), and other literals."""
    return [m.group(0) for m in _PATTERN_TOKEN.finditer(pattern)]


def format_java(pattern: str, moment: datetime) -> str:
    """`moment` formatted with a Java DateTimeFormatter pattern (the subset prefixes use)."""
    out = []
    for token in _tokens(pattern):
        if token.startswith("'"):
            out.append(token[1:-1] or "'")
        elif token[0].isalpha():
            if token not in _JAVA_FIELDS:
                raise PrefixError(f"unsupported timestamp pattern letter(s) {token!r} in {pattern!r}")
            out.append(moment.strftime(_JAVA_FIELDS[token]))
        else:
            out.append(token)
    return "".join(out)


def evaluate_prefix(prefix: str, arrival: datetime, error_output_type: str | None = None) -> str:
    """Firehose's evaluation of `!{namespace:value}` expressions for one S3 object."""

    def one(match: re.Match[str]) -> str:
        namespace, value = match.group(1), match.group(2)
        if namespace == "timestamp":
            return format_java(value, arrival.astimezone(UTC))
        if namespace == "firehose" and value == "random-string":
            return uuid.uuid4().hex[:11]
        if namespace == "firehose" and value == "error-output-type":
            if error_output_type is None:
                raise PrefixError("!{firehose:error-output-type} is allowed in the error output prefix only")
            return error_output_type
        raise PrefixError(f"unsupported prefix expression {match.group(0)!r}")

    return _EXPRESSION.sub(one, prefix)


class TimestampParser:
    """Hive JSON SerDe timestamps: the configured Joda patterns in order, or `millis`; without any,
    java.sql.Timestamp's `yyyy-MM-dd HH:mm:ss[.fffffffff]`. Returns naive UTC datetimes."""

    _JODA = {
        "yyyy": r"(?P<year>\d{4})",
        "MM": r"(?P<month>\d{2})",
        "dd": r"(?P<day>\d{2})",
        "HH": r"(?P<hour>\d{2})",
        "mm": r"(?P<minute>\d{2})",
        "ss": r"(?P<second>\d{2})",
        "Z": r"(?P<offset>Z|[+-]\d{4})",
        "ZZ": r"(?P<offset>Z|[+-]\d{2}:\d{2})",
    }

    def __init__(self, formats: Iterable[str] = ()) -> None:
        self.formats = list(formats) or ["yyyy-MM-dd HH:mm:ss.SSSSSSSSS", "yyyy-MM-dd HH:mm:ss"]
        self._parsers: list[re.Pattern[str] | None] = [self._compile(f) for f in self.formats]

    def _compile(self, pattern: str) -> re.Pattern[str] | None:
        if pattern == "millis":
            return None
        parts = []
        for token in _tokens(pattern):
            if token.startswith("'"):
                parts.append(re.escape(token[1:-1]))
            elif token[0].isalpha():
                if set(token) == {"S"}:
                    parts.append(r"(?P<fraction>\d{1,9})")
                elif token in self._JODA:
                    parts.append(self._JODA[token])
                else:
                    raise ValueError(f"unsupported Joda pattern letter(s) {token!r} in {pattern!r}")
            else:
                parts.append(re.escape(token))
        return re.compile("".join(parts) + r"\Z")

    def parse(self, value: Any) -> datetime:
        for parser in self._parsers:
            if parser is None:  # millis: epoch milliseconds, a number or digits
                if isinstance(value, int) and not isinstance(value, bool):
                    return datetime(1970, 1, 1) + timedelta(milliseconds=value)
                if isinstance(value, str) and value.isdigit():
                    return datetime(1970, 1, 1) + timedelta(milliseconds=int(value))
                continue
            if not isinstance(value, str):
                continue
            match = parser.match(value)
            if match is None:
                continue
            parts = match.groupdict()
            try:
                moment = datetime(
                    int(parts["year"]),
                    int(parts["month"]),
                    int(parts["day"]),
                    int(parts.get("hour") or 0),
                    int(parts.get("minute") or 0),
                    int(parts.get("second") or 0),
                    int((parts.get("fraction") or "0").ljust(6, "0")[:6]),
                )
            except ValueError:
                continue
            offset = parts.get("offset")
            if offset and offset != "Z":
                sign = 1 if offset[0] == "+" else -1
                digits = offset[1:].replace(":", "")
                moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            return moment
        raise ConversionError(
            "StandIn.TimestampFormat", f"timestamp {value!r} matches none of {', '.join(self.formats)}"
        )


# ---- records --------------------------------------------------------------------------------------
def split_records(body: bytes) -> list[tuple[bytes, Any]]:
    """(raw bytes, decoded JSON or a ConversionError) for each record in a raw object of moto's."""
    text = body.decode("utf-8", errors="surrogateescape")
    decoder = json.JSONDecoder()
    records: list[tuple[bytes, Any]] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            return records
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end + 1
            error = ConversionError("StandIn.MalformedJson", f"not JSON: {exc.msg}")
            records.append((text[pos:end].encode("utf-8", errors="surrogateescape"), error))
            pos = end
            continue
        raw = text[pos:end].encode("utf-8", errors="surrogateescape")
        if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in text[pos:end]):
            value = ConversionError("StandIn.MalformedJson", "not UTF-8")
        records.append((raw, value))
        pos = end


def extract_messages(envelopes: list[tuple[bytes, Any]]) -> list[tuple[bytes, Any]]:
    """Firehose's CloudWatch Logs message extraction: each log event of a DATA_MESSAGE becomes one record (its
    `message`, decoded as JSON here for the conversion); CONTROL_MESSAGEs are dropped; anything else is a
    record that fails conversion as it is."""
    records: list[tuple[bytes, Any]] = []
    for raw, envelope in envelopes:
        if not isinstance(envelope, dict) or "messageType" not in envelope:
            records.append(
                (raw, ConversionError("StandIn.NotCloudWatchLogs", "not a CloudWatch Logs message"))
            )
            continue
        if envelope["messageType"] != "DATA_MESSAGE":
            continue
        for event in envelope.get("logEvents") or []:
            message = str(event.get("message", ""))
            records += split_records(message.encode()) or [(message.encode(), None)]
    return records


def convert_record(value: Any, schema: TableSchema, timestamps: TimestampParser) -> dict[str, Any]:
    """One JSON record as the table's row (Hive JSON rules: keys case-insensitive, missing -> null,
    unknown keys ignored, a value that does not fit its column's type fails the whole record)."""
    if isinstance(value, ConversionError):
        raise value
    if not isinstance(value, dict):
        raise ConversionError(
            "StandIn.NotAnObject", f"record is a JSON {type(value).__name__}, not an object"
        )
    lowered = {str(k).lower(): v for k, v in value.items()}
    row: dict[str, Any] = {}
    for name, glue_type in schema.columns.items():
        raw = lowered.get(name.lower())
        row[name] = None if raw is None else _coerce(name, glue_type, raw, timestamps)
    return row


def _coerce(name: str, glue_type: str, raw: Any, timestamps: TimestampParser) -> Any:
    def mismatch() -> ConversionError:
        return ConversionError("StandIn.TypeMismatch", f"{name}: {raw!r} is not a {glue_type}")

    if glue_type == "string":
        if isinstance(raw, dict | list):
            raise mismatch()
        text = raw if isinstance(raw, str) else json.dumps(raw)
        try:  # a lone surrogate ("\ud800" in the JSON) has no UTF-8 form: Parquet cannot hold it
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ConversionError("StandIn.InvalidUtf8", f"{name}: not valid Unicode text") from None
        return text
    if glue_type in INT_RANGE:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise mismatch()
        if isinstance(raw, float) and not raw.is_integer():
            raise mismatch()
        low, high = INT_RANGE[glue_type]
        if not low <= int(raw) <= high:
            raise ConversionError("StandIn.TypeMismatch", f"{name}: {raw!r} is out of range for {glue_type}")
        return int(raw)
    if glue_type in ("double", "float"):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise mismatch()
        return float(raw)
    if glue_type == "boolean":
        if not isinstance(raw, bool):
            raise mismatch()
        return raw
    if glue_type == "timestamp":
        return timestamps.parse(raw)
    if glue_type == "date":
        try:
            return datetime.strptime(raw, "%Y-%m-%d").date()
        except (TypeError, ValueError):
            raise mismatch() from None
    raise ConversionError(
        "StandIn.UnsupportedType", f"{name}: Glue type {glue_type} is not supported locally"
    )


def parquet_bytes(rows: list[dict[str, Any]], schema: TableSchema, compression: str = "SNAPPY") -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=schema.arrow_schema())
    sink = io.BytesIO()
    codec = {"UNCOMPRESSED": "none", "SNAPPY": "snappy", "GZIP": "gzip", "HADOOP_SNAPPY": "snappy"}
    pq.write_table(table, sink, compression=codec.get(compression.upper(), "snappy"))
    return sink.getvalue()


def object_name(stream: str, version: str, moment: datetime) -> str:
    """Firehose's object name: <stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<random>."""
    return f"{stream}-{version}-{moment.astimezone(UTC):%Y-%m-%d-%H-%M-%S}-{uuid.uuid4()}"


# ---- delivery streams ----------------------------------------------------------------------------
@dataclass
class StreamConfig:
    name: str
    region: str
    version: str
    bucket: str
    prefix: str
    error_prefix: str
    convert: bool
    interval_seconds: int
    size_bytes: int
    schema_ref: dict[str, str] = field(default_factory=dict)
    timestamp_formats: list[str] = field(default_factory=list)
    compression: str = "SNAPPY"
    decompress: bool = False  # a Decompression processor (GZIP)
    extract_messages: bool = False  # a CloudWatchLogProcessing processor with DataMessageExtraction

    @classmethod
    def from_description(cls, region: str, description: dict) -> StreamConfig | None:
        """The stand-in's view of a stream; None when there is nothing to stand in for."""
        (destination,) = description["Destinations"][:1] or [{}]
        s3 = destination.get("ExtendedS3DestinationDescription")
        if not s3 or "!{" not in (s3.get("Prefix") or ""):
            return None
        conversion = s3.get("DataFormatConversionConfiguration") or {}
        hive = ((conversion.get("InputFormatConfiguration") or {}).get("Deserializer") or {}).get(
            "HiveJsonSerDe"
        )
        parquet = ((conversion.get("OutputFormatConfiguration") or {}).get("Serializer") or {}).get(
            "ParquetSerDe"
        )
        hints = s3.get("BufferingHints") or {}
        processing = s3.get("ProcessingConfiguration") or {}
        processors = {
            p.get("Type"): {q["ParameterName"]: q["ParameterValue"] for q in p.get("Parameters") or []}
            for p in (processing.get("Processors") or [])
            if processing.get("Enabled", True)
        }
        decompression = processors.get("Decompression")
        return cls(
            name=description["DeliveryStreamName"],
            region=region,
            version=str(description.get("VersionId", "1")),
            bucket=s3["BucketARN"].split(":::", 1)[1],
            prefix=s3["Prefix"],
            error_prefix=s3.get("ErrorOutputPrefix") or "",
            convert=bool(conversion.get("Enabled", bool(conversion))) and parquet is not None,
            interval_seconds=int(hints.get("IntervalInSeconds", 300)),
            size_bytes=int(hints.get("SizeInMBs", 5)) * 2**20,
            schema_ref=conversion.get("SchemaConfiguration") or {},
            timestamp_formats=list((hive or {}).get("TimestampFormats") or []),
            compression=(parquet or {}).get("Compression", "SNAPPY"),
            decompress=decompression is not None
            and decompression.get("CompressionFormat", "GZIP").upper() == "GZIP",
            extract_messages=str(
                processors.get("CloudWatchLogProcessing", {}).get("DataMessageExtraction", "false")
            ).lower()
            == "true",
        )

    def check(self) -> None:
        """What CreateDeliveryStream validates and moto does not."""
        evaluate_prefix(self.prefix, datetime.now(UTC))
        if "!{firehose:error-output-type}" not in self.error_prefix:
            raise PrefixError(
                f"{self.name}: a prefix with expressions needs an ErrorOutputPrefix with !{{firehose:error-output-type}}"
            )
        evaluate_prefix(self.error_prefix, datetime.now(UTC), ERROR_TYPE)


@dataclass
class Delivery:
    stream: str
    raw_objects: int = 0
    records: int = 0
    failed: int = 0
    keys: list[str] = field(default_factory=list)


def wakes_firehose(service: str, resource: str) -> bool:
    """Only records fill a buffer (the gateway's change signal); its own deliveries to S3 do not wake it."""
    return service == "firehose"


class FirehoseConversion(LoopPart):
    """The running stand-in: polls each region's delivery streams and delivers buffers that are due (a part of
    the stack: `ops.local.parts.Part`)."""

    name = "firehose_conversion"

    def __init__(
        self,
        endpoint: str,
        regions: Iterable[str],
        clock: Callable[[], float] = time.time,
        wait_for_change: WaitForChange | None = None,
    ) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.regions = list(regions)
        self.clock = clock
        self.lock = threading.Lock()
        self.delivered = {"objects": 0, "records": 0, "failed": 0}
        self.problems: dict[str, str] = {}  # stream -> why it cannot be delivered (shown by status)
        self.crashed: str | None = None
        self.last_error: str | None = None  # the last transient failure (a dark region), for status
        # Records are writes (they wake it); a buffer's interval ending is not: next_due says when.
        self.idle = IdleWait(
            self._stop, wait_for_change, base=POLL_SECONDS, cap=IDLE_CAP_SECONDS, min_gap=POLL_SECONDS
        )
        self.next_due: float | None = None  # clock() time the oldest buffered records are due
        self._streams: tuple[float, list[StreamConfig]] = (float("-inf"), [])

    # ---- lifecycle ----
    def start(self) -> Self:
        # One conversion now, with the rest of startup (and frozen with it, stack_process): pyarrow loads
        # pandas and its compute functions on the first one, ~0.5-1.5 s of CPU that the first delivery, 60 s
        # after the first request, would otherwise pay in what is meant to be idle time.
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist([{"warm": 1}]), io.BytesIO())
        return super().start()

    @property
    def alive(self) -> bool:
        return super().alive and self.crashed is None and not self.problems

    def status(self) -> dict[str, Any]:
        return {
            "healthy": self.alive,
            "crashed": self.crashed,
            **self.delivered,
            "problems": dict(self.problems),
        }

    def _run(self) -> None:
        delivered, failed = False, False
        while True:
            due_in = None if self.next_due is None else self.next_due - self.clock()
            self.idle.after(busy=delivered, due_in=due_in)
            if self._stop.is_set():
                return
            if not (self.idle.woken or failed or due_in is not None):
                # No record came since a look that left nothing buffered (records are writes, which wake
                # it, and a buffer's interval is `next_due`): listing the streams and buckets would find nothing.
                delivered = False
                continue
            failed = True
            try:
                delivered = bool(self.deliver(force=False))
                self.crashed = None
                failed = False
            except (ClientError, BotoCoreError, OSError) as exc:  # a dark region: try again next poll
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("firehose stand-in poll failed: %s", exc)
            except Exception as exc:  # keep polling; status shows it
                log.exception("firehose stand-in poll failed")
                self.crashed = f"{type(exc).__name__}: {exc}"

    # ---- delivery ----
    def streams(self, fresh: bool = False) -> list[StreamConfig]:
        """The streams to stand in for (re-read every STREAMS_REFRESH_SECONDS, or now with fresh=True)."""
        read_at, cached = self._streams
        if not fresh and time.monotonic() - read_at < STREAMS_REFRESH_SECONDS:
            return cached
        found = []
        for region in self.regions:
            firehose = client("firehose", region, self.endpoint)
            for name in firehose.list_delivery_streams(Limit=10000)["DeliveryStreamNames"]:
                description = firehose.describe_delivery_stream(DeliveryStreamName=name)
                config = StreamConfig.from_description(region, description["DeliveryStreamDescription"])
                if config is not None:
                    found.append(config)
        self._streams = (time.monotonic(), found)
        return found

    def deliver(self, force: bool = True) -> list[Delivery]:
        """Deliver every buffer that is due (all of them with force=True)."""
        with self.lock:
            results = []
            self.next_due = None
            # Streams of both regions write to the one analytics bucket under the same prefix and name, and
            # moto's raw objects do not say which region wrote them: the first such stream delivers them all.
            for stream in self.streams(fresh=force):
                try:
                    stream.check()
                except PrefixError as exc:
                    self.problems[stream.name] = str(exc)
                    continue
                self.problems.pop(stream.name, None)
                result = self._deliver_stream(stream, force)
                if result.raw_objects:
                    results.append(result)
            self.crashed = None
            return results

    def _deliver_stream(self, stream: StreamConfig, force: bool) -> Delivery:
        s3 = client("s3", stream.region, self.endpoint)
        pending = [
            obj
            for page in s3.get_paginator("list_objects_v2").paginate(
                Bucket=stream.bucket, Prefix=stream.prefix
            )
            for obj in page.get("Contents", [])
        ]
        result = Delivery(stream.name)
        if not pending:
            return result
        pending.sort(key=lambda o: (o["LastModified"], o["Key"]))
        oldest = pending[0]["LastModified"]
        due = self.clock() - oldest.timestamp() >= stream.interval_seconds
        if not (force or due or sum(o["Size"] for o in pending) >= stream.size_bytes):
            due_at = oldest.timestamp() + stream.interval_seconds
            self.next_due = due_at if self.next_due is None else min(self.next_due, due_at)
            return result
        schema = self._schema(stream) if stream.convert else None
        timestamps = TimestampParser(stream.timestamp_formats)
        good: list[Any] = []
        failed: list[dict[str, Any]] = []
        now_ms = int(self.clock() * 1000)
        undecompressed: list[dict[str, Any]] = []
        for obj in pending:
            body = s3.get_object(Bucket=stream.bucket, Key=obj["Key"])["Body"].read()
            arrival_ms = int(obj["LastModified"].timestamp() * 1000)
            if stream.decompress:
                try:  # moto concatenates a batch's records: a multi-member gzip stream
                    body = gzip.decompress(body)
                except (OSError, EOFError, zlib.error) as exc:
                    error = ConversionError("StandIn.Decompression", f"not GZIP: {exc}")
                    undecompressed.append(
                        _error_document(stream, body, error, arrival_ms, now_ms, obj["Key"], 0)
                    )
                    continue
            if schema is None:  # prefix expansion only: the bytes go through unchanged
                good.append(body)
                continue
            records = split_records(body)
            if stream.extract_messages:
                records = extract_messages(records)
            for index, (raw, value) in enumerate(records):
                try:
                    good.append(convert_record(value, schema, timestamps))
                except ConversionError as exc:
                    failed.append(_error_document(stream, raw, exc, arrival_ms, now_ms, obj["Key"], index))
        if good:
            key = evaluate_prefix(stream.prefix, oldest) + object_name(stream.name, stream.version, oldest)
            data = parquet_bytes(good, schema, stream.compression) if schema is not None else b"".join(good)
            s3.put_object(Bucket=stream.bucket, Key=key, Body=data)
            result.keys.append(key)
        if failed:
            key = evaluate_prefix(stream.error_prefix, oldest, ERROR_TYPE) + object_name(
                stream.name, stream.version, oldest
            )
            body = "".join(json.dumps(doc, separators=(",", ":")) + "\n" for doc in failed)
            s3.put_object(Bucket=stream.bucket, Key=key, Body=body.encode())
            result.keys.append(key)
        if undecompressed:
            key = evaluate_prefix(stream.error_prefix, oldest, DECOMPRESSION_ERROR_TYPE) + object_name(
                stream.name, stream.version, oldest
            )
            body = "".join(json.dumps(doc, separators=(",", ":")) + "\n" for doc in undecompressed)
            s3.put_object(Bucket=stream.bucket, Key=key, Body=body.encode())
            result.keys.append(key)
        # Delivered first, then the raw objects go: a crash in between repeats records (at-least-once,
        # as Firehose), it never loses them.
        for start in range(0, len(pending), 1000):
            s3.delete_objects(
                Bucket=stream.bucket,
                Delete={"Objects": [{"Key": o["Key"]} for o in pending[start : start + 1000]], "Quiet": True},
            )
        result.raw_objects = len(pending)
        result.records = len(good) if schema is not None else 0
        result.failed = len(failed) + len(undecompressed)
        self.delivered["objects"] += len(result.keys)
        self.delivered["records"] += result.records
        self.delivered["failed"] += result.failed
        log.info("firehose %s: %d raw objects -> %s", stream.name, len(pending), result.keys)
        return result

    def _schema(self, stream: StreamConfig) -> TableSchema:
        ref = stream.schema_ref
        glue = client("glue", ref.get("Region") or stream.region, self.endpoint)
        table = glue.get_table(DatabaseName=ref["DatabaseName"], Name=ref["TableName"])["Table"]
        table.setdefault("DatabaseName", ref["DatabaseName"])
        return TableSchema.from_glue(table)


def _error_document(
    stream: StreamConfig, raw: bytes, exc: ConversionError, arrival_ms: int, now_ms: int, key: str, index: int
) -> dict[str, Any]:
    """Firehose's document for a record that failed format conversion (developer guide, "Handling
    errors for data format conversion"); sequence numbers are the raw object and the record's index."""
    ref = stream.schema_ref
    return {
        "attemptsMade": 1,
        "arrivalTimestamp": arrival_ms,
        "ErrorCode": exc.code,
        "ErrorMessage": str(exc),
        "attemptEndingTimestamp": now_ms,
        "rawData": base64.b64encode(raw).decode(),
        "sequenceNumber": key.rsplit("/", 1)[-1],
        "subSequenceNumber": index,
        "dataCatalogTable": {
            "catalogId": None,
            "databaseName": ref.get("DatabaseName"),
            "tableName": ref.get("TableName"),
            "region": ref.get("Region"),
            "versionId": "LATEST",
            "catalogArn": None,
        },
    }
