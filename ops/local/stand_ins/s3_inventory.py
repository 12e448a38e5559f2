"""Stand-in for S3 Inventory (moto keeps inventory configurations but never delivers a report).

For each enabled inventory configuration of the media buckets (kept by the gateway as put), a report is written
the way S3 writes a Parquet inventory (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html):

    <prefix>/<source bucket>/<configuration id>/data/<uuid>.parquet              the objects, one row each
    <prefix>/<source bucket>/<configuration id>/<YYYY-MM-DDTHH-MMZ>/manifest.json  which data files, their schema
    <prefix>/<source bucket>/<configuration id>/hive/dt=<YYYY-MM-DD-HH-MM>/symlink.txt   for Athena

with the configured fields (current versions only, as configured), the storage class moto holds and the
Intelligent-Tiering access tier the archive stand-in knows (ARCHIVE / DEEP_ARCHIVE while archived; online,
by days since the last modification: FREQUENT, INFREQUENT after 30, ARCHIVE_INSTANT_ACCESS after 90, and
FREQUENT always under 128 KB, as Intelligent-Tiering tiers them).

Where it differs from AWS: S3 delivers daily (or weekly) at a time of its choosing, up to 48 hours for the
first report; here a report is written on demand (`ops local inventory`, `POST /inventory`), stamped with the
current hour. Objects are read from the emulator in-process (S3 lists them itself).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from backend_core.archival import INVENTORY_COLUMNS, TIERING_MIN_OBJECT_BYTES
from ops.local.aws import client
from ops.local.moto_gateway import MotoGateway
from ops.local.stand_ins.archive_tiers import ArchiveTiers, _aware, _moto_objects

log = logging.getLogger("ops.local.stand_ins.s3_inventory")
INVENTORY_TIER = {"ARCHIVE_ACCESS": "ARCHIVE", "DEEP_ARCHIVE_ACCESS": "DEEP_ARCHIVE"}


class InventoryReports:
    def __init__(
        self,
        gateway: MotoGateway,
        endpoint_url: str,
        buckets: list[tuple[str, str]],  # (region, source bucket)
        archive: ArchiveTiers | None,
    ) -> None:
        self.gateway, self.endpoint_url, self.buckets, self.archive = gateway, endpoint_url, buckets, archive
        self.reports = 0

    def deliver(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Write one report per enabled configuration of every source bucket; what was written."""
        now = now or datetime.now(UTC)
        written = []
        for region, source in self.buckets:
            if region in self.gateway.dark_regions:
                continue  # S3 of a dark region delivers nothing
            for config_id, document in sorted(self.gateway.kept_by_id(source, "inventory").items()):
                config = _parse(document)
                if not config["enabled"]:
                    continue
                written.append(self._report(region, source, config_id, config, now))
        self.reports += len(written)
        return written

    def _report(
        self, region: str, source: str, config_id: str, config: dict, now: datetime
    ) -> dict[str, Any]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        fields = set(config["fields"])
        columns = [
            (name, kind) for name, kind, field in INVENTORY_COLUMNS if field is None or field in fields
        ]
        rows: dict[str, list] = {name: [] for name, _ in columns}
        for key, obj in _moto_objects(source):
            if not key.startswith(config["filter_prefix"]):
                continue
            modified = _aware(obj.last_modified)
            values = {
                "bucket": source,
                "key": key,
                "size": int(obj.size),
                "last_modified_date": modified.replace(tzinfo=None),
                "e_tag": str(obj.etag).strip('"'),
                "storage_class": obj.storage_class or "STANDARD",
                "intelligent_tiering_access_tier": self._tier(source, key, obj, modified, now),
            }
            for name, _ in columns:
                rows[name].append(values[name])
        types = {
            "string": pa.string(),
            "bigint": pa.int64(),
            "timestamp": pa.timestamp("ms"),
            "boolean": pa.bool_(),
        }
        table = pa.table({name: pa.array(rows[name], type=types[kind]) for name, kind in columns})
        buffer = io.BytesIO()
        pq.write_table(table, buffer, compression="snappy")
        data = buffer.getvalue()
        destination = config["destination_bucket"]
        base = f"{config['prefix']}/{source}/{config_id}" if config["prefix"] else f"{source}/{config_id}"
        data_key = f"{base}/data/{uuid.uuid4()}.parquet"
        stamp_hour = now.replace(minute=0, second=0, microsecond=0)
        manifest_key = f"{base}/{stamp_hour:%Y-%m-%dT%H-%MZ}/manifest.json"
        symlink_key = f"{base}/hive/dt={stamp_hour:%Y-%m-%d-%H-%M}/symlink.txt"
        s3 = client("s3", self._region_of(destination, region), self.endpoint_url)
        s3.put_object(Bucket=destination, Key=data_key, Body=data)
        manifest = {
            "sourceBucket": source,
            "destinationBucket": f"arn:aws:s3:::{destination}",
            "version": "2016-11-30",
            "creationTimestamp": str(int(now.timestamp() * 1000)),
            "fileFormat": "Parquet",
            "fileSchema": _parquet_schema(columns),
            "files": [{"key": data_key, "size": len(data), "MD5checksum": hashlib.md5(data).hexdigest()}],  # noqa: S324 (S3's own field)
        }
        body = json.dumps(manifest, indent=2).encode()
        s3.put_object(Bucket=destination, Key=manifest_key, Body=body)
        s3.put_object(
            Bucket=destination,
            Key=manifest_key.replace("manifest.json", "manifest.checksum"),
            Body=hashlib.md5(body).hexdigest().encode(),  # noqa: S324 (S3's own field)
        )
        s3.put_object(Bucket=destination, Key=symlink_key, Body=f"s3://{destination}/{data_key}\n".encode())
        log.info("inventory of %s: %d objects -> s3://%s/%s", source, table.num_rows, destination, data_key)
        return {
            "source_bucket": source,
            "configuration_id": config_id,
            "objects": table.num_rows,
            "manifest": f"s3://{destination}/{manifest_key}",
            "partition": f"dt={stamp_hour:%Y-%m-%d-%H-%M}",
        }

    def _tier(self, source: str, key: str, obj: Any, modified: datetime, now: datetime) -> str | None:
        if (obj.storage_class or "STANDARD") != "INTELLIGENT_TIERING":
            return None
        archived = self.archive.archive_state(source, key, str(obj.version_id)) if self.archive else None
        if archived is not None and archived.restore_due is None:
            return INVENTORY_TIER.get(archived.tier, archived.tier)
        idle = (now - modified).days
        if int(obj.size) < TIERING_MIN_OBJECT_BYTES or idle < 30:
            return "FREQUENT"
        return "INFREQUENT" if idle < 90 else "ARCHIVE_INSTANT_ACCESS"

    def _region_of(self, bucket: str, default: str) -> str:
        from ops.local.stand_ins.archive_tiers import _moto_bucket

        found = _moto_bucket(bucket)
        return found.region_name if found is not None else default


def _parse(document: bytes) -> dict[str, Any]:
    root = ET.fromstring(document)  # noqa: S314 (configurations this machine's own tools put)
    destination = _child(root, "Destination")
    filters = _child(root, "Filter")
    return {
        "enabled": _text(root, "IsEnabled").lower() == "true",
        "destination_bucket": _text(destination, "Bucket").removeprefix("arn:aws:s3:::"),
        "prefix": _text(destination, "Prefix").rstrip("/"),
        "filter_prefix": _text(filters, "Prefix"),
        "format": _text(destination, "Format"),
        "fields": [el.text or "" for el in root.iter() if _name(el) == "Field"],
    }


def _name(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _child(root: ET.Element | None, name: str) -> ET.Element | None:
    if root is None:
        return None
    return next((el for el in root.iter() if _name(el) == name), None)


def _text(root: ET.Element | None, name: str) -> str:
    found = _child(root, name)
    return (found.text or "") if found is not None else ""


def _parquet_schema(columns: list[tuple[str, str]]) -> str:
    kinds = {
        "string": "optional binary {} (STRING)",
        "bigint": "optional int64 {}",
        "timestamp": "optional int64 {} (TIMESTAMP(MILLIS,true))",
        "boolean": "optional boolean {}",
    }
    fields = "; ".join(kinds[kind].format(name) for name, kind in columns)
    return f"message s3.inventory {{ {fields}; }}"
