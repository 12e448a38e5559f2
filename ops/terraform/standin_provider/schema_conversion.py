"""Convert the provider schema JSON (`terraform providers schema -json` shape) into tfplugin6 messages.

Converting 1,600+ resource schemas takes about a second, and Terraform starts the provider several
times per command, so the serialized GetProviderSchema response is cached on disk, keyed by the
schema file's content hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from google.protobuf.message import DecodeError
from tf.gen import tfplugin_pb2 as pb

from ops.terraform.provider_schema import load_schema, schema_path

_BLOCK_NESTING = {
    "single": pb.Schema.NestedBlock.SINGLE,
    "list": pb.Schema.NestedBlock.LIST,
    "set": pb.Schema.NestedBlock.SET,
    "map": pb.Schema.NestedBlock.MAP,
    "group": pb.Schema.NestedBlock.GROUP,
}
_OBJECT_NESTING = {
    "single": pb.Schema.Object.SINGLE,
    "list": pb.Schema.Object.LIST,
    "set": pb.Schema.Object.SET,
    "map": pb.Schema.Object.MAP,
}
_KIND = {"plain": pb.PLAIN, "markdown": pb.MARKDOWN}


def _attribute(name: str, spec: dict) -> pb.Schema.Attribute:
    attribute = pb.Schema.Attribute(
        name=name,
        description=spec.get("description", ""),
        description_kind=_KIND.get(spec.get("description_kind", "plain"), pb.PLAIN),
        required=bool(spec.get("required")),
        optional=bool(spec.get("optional")),
        computed=bool(spec.get("computed")),
        sensitive=bool(spec.get("sensitive")),
        deprecated=bool(spec.get("deprecated")),
    )
    if "nested_type" in spec:
        nested = spec["nested_type"]
        attribute.nested_type.CopyFrom(
            pb.Schema.Object(
                attributes=[_attribute(n, s) for n, s in sorted(nested.get("attributes", {}).items())],
                nesting=_OBJECT_NESTING[nested["nesting_mode"]],
            )
        )
    else:
        # cty types travel as their JSON encoding, exactly as the schema document spells them.
        attribute.type = json.dumps(spec["type"], separators=(",", ":")).encode()
    return attribute


def block_message(block: dict) -> pb.Schema.Block:
    return pb.Schema.Block(
        attributes=[_attribute(n, s) for n, s in sorted(block.get("attributes", {}).items())],
        block_types=[
            pb.Schema.NestedBlock(
                type_name=name,
                block=block_message(nested.get("block", {})),
                nesting=_BLOCK_NESTING[nested["nesting_mode"]],
                min_items=int(nested.get("min_items", 0)),
                max_items=int(nested.get("max_items", 0)),
            )
            for name, nested in sorted(block.get("block_types", {}).items())
        ],
        description=block.get("description", ""),
        description_kind=_KIND.get(block.get("description_kind", "plain"), pb.PLAIN),
        deprecated=bool(block.get("deprecated")),
    )


def schema_message(entry: dict) -> pb.Schema:
    return pb.Schema(version=int(entry.get("version", 0)), block=block_message(entry["block"]))


def build_provider_schema_response() -> pb.GetProviderSchema.Response:
    schema = load_schema()
    return pb.GetProviderSchema.Response(
        provider=schema_message(schema["provider"]),
        resource_schemas={n: schema_message(e) for n, e in schema["resource_schemas"].items()},
        data_source_schemas={n: schema_message(e) for n, e in schema["data_source_schemas"].items()},
        server_capabilities=pb.ServerCapabilities(plan_destroy=True, get_provider_schema_optional=False),
    )


def _cache_file() -> Path:
    """Keyed by the schema file, this converter and the protobuf modules: any of them changing rebuilds it."""
    key = hashlib.sha256(schema_path().read_bytes())
    key.update(Path(__file__).read_bytes())
    key.update(Path(pb.__file__).read_bytes())
    digest = key.hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "mobile-backend-toolkit" / f"aws-schema-{digest}-{pb.DESCRIPTOR.name}.pb"


def cached_provider_schema_response() -> pb.GetProviderSchema.Response:
    """The GetProviderSchema answer, converted once per schema file and then read from disk."""
    cache = _cache_file()
    if cache.is_file():
        response = pb.GetProviderSchema.Response()
        try:
            response.ParseFromString(cache.read_bytes())
            return response
        except DecodeError:  # a damaged cache file is rebuilt, never fatal
            pass
    response = build_provider_schema_response()
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(response.SerializeToString())
    partial.replace(cache)  # atomic: concurrent provider processes never read half a file
    return response
