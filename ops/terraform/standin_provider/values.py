"""What the stand-in answers instead of AWS: planned values, data-source placeholders, deprecation warnings.

Values are the decoded msgpack of Terraform's DynamicValue: dicts for objects and blocks, lists for
lists and sets, dicts for maps, `UNKNOWN` for values only known after apply. All functions are pure
and walk a value alongside its schema block (the JSON schema document's shape).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import msgpack
from msgpack.ext import ExtType


class _Unknown:
    """A value Terraform will only know after apply (cty's unknown)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()
_CTY_UNKNOWN_EXT = 0  # plain unknown
_CTY_REFINED_UNKNOWN_EXT = 12  # unknown with refinements (e.g. "not null"); treated as plain unknown


def _ext_hook(code: int, data: bytes) -> Any:
    if code in (_CTY_UNKNOWN_EXT, _CTY_REFINED_UNKNOWN_EXT):
        return UNKNOWN
    return ExtType(code, data)


def _default(value: Any) -> Any:
    if value is UNKNOWN:
        return ExtType(_CTY_UNKNOWN_EXT, b"\x00")
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(raw: bytes) -> Any:
    return msgpack.unpackb(raw, ext_hook=_ext_hook, raw=False, strict_map_key=False) if raw else None


def encode(value: Any) -> bytes:
    return msgpack.packb(value, default=_default, use_bin_type=False)


def _blocks(value: Any, nesting: str) -> list[Any]:
    """The element objects of a nested block value, whatever its nesting mode."""
    if value is None or value is UNKNOWN:
        return []
    if nesting in ("single", "group"):
        return [value]
    if nesting == "map":
        return list(value.values())
    return list(value)


def mark_computed_unknown(value: dict | None, block: dict) -> dict | None:
    """Planned new state of a resource being created: computed attributes left null become unknown."""
    if value is None:
        return None
    planned = dict(value)
    for name, spec in block.get("attributes", {}).items():
        if spec.get("computed") and planned.get(name) is None:
            planned[name] = UNKNOWN
        elif "nested_type" in spec and isinstance(planned.get(name), (dict, list)):
            nested = spec["nested_type"]
            planned[name] = _map_nested(planned[name], nested["nesting_mode"], nested, mark_computed_unknown)
    for name, nested in block.get("block_types", {}).items():
        if name in planned and planned[name] not in (None, UNKNOWN):
            planned[name] = _map_nested(
                planned[name], nested["nesting_mode"], nested["block"], mark_computed_unknown
            )
    return planned


def _map_nested(value: Any, nesting: str, block: dict, fn: Any) -> Any:
    if nesting in ("single", "group"):
        return fn(value, block)
    if nesting == "map":
        return {key: fn(item, block) for key, item in value.items()}
    return [fn(item, block) for item in value]


# Data sources whose answers steer counts or names get realistic placeholders; the rest get empty values.
_ACCOUNT_ID = "123456789012"


def _placeholder_for(type_name: str, attribute: str, spec_type: Any, region: str) -> Any:
    known = {
        "account_id": _ACCOUNT_ID,
        "partition": "aws",
        "dns_suffix": "amazonaws.com",
        "region": region,
        "name": region if type_name == "aws_region" else None,
        "names": [f"{region}{zone}" for zone in "abc"] if type_name == "aws_availability_zones" else None,
        "zone_ids": [f"use1-az{n}" for n in (1, 2, 3)] if type_name == "aws_availability_zones" else None,
        "arn": f"arn:aws:iam::{_ACCOUNT_ID}:placeholder/{type_name}",
        "json": json.dumps({"Version": "2012-10-17", "Statement": []})
        if type_name.endswith("policy_document")
        else None,
    }
    placeholder = known.get(attribute)
    if placeholder is not None and _fits(placeholder, spec_type):
        return placeholder
    return _empty_of(spec_type)


def _fits(value: Any, spec_type: Any) -> bool:
    """A named placeholder only where its type matches the attribute's (a `region` may be a set)."""
    if spec_type == "string":
        return isinstance(value, str)
    if isinstance(spec_type, list) and spec_type[0] in ("list", "set") and spec_type[1] == "string":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return False


def _empty_of(spec_type: Any) -> Any:
    if spec_type == "string":
        return ""
    if spec_type == "number":
        return 0
    if spec_type == "bool":
        return False
    if isinstance(spec_type, list) and spec_type[0] in ("list", "set"):
        return []
    if isinstance(spec_type, list) and spec_type[0] == "map":
        return {}
    return None


def fill_data_source(type_name: str, config: dict | None, block: dict, region: str) -> dict:
    """Data-source read offline: configured values kept, computed ones answered with placeholders."""
    state = dict(config or {})
    for name, spec in block.get("attributes", {}).items():
        if spec.get("computed") and state.get(name) is None:
            state[name] = (
                None if "nested_type" in spec else _placeholder_for(type_name, name, spec["type"], region)
            )
    if state.get("id") in (None, ""):
        state["id"] = f"{type_name}-placeholder"
    return state


@dataclass(frozen=True)
class Deprecation:
    path: tuple[str | int, ...]
    message: str


def deprecations(value: Any, block: dict, path: tuple[str | int, ...] = ()) -> list[Deprecation]:
    """Every deprecated attribute or block that the configuration sets."""
    found: list[Deprecation] = []
    if not isinstance(value, dict):
        return found
    for name, spec in block.get("attributes", {}).items():
        if value.get(name) is not None and spec.get("deprecated"):
            found.append(Deprecation((*path, name), _deprecation_text(name, spec)))
    for name, nested in block.get("block_types", {}).items():
        inner = nested["block"]
        items = _blocks(value.get(name), nested["nesting_mode"])
        if items and inner.get("deprecated"):
            found.append(Deprecation((*path, name), _deprecation_text(name, inner)))
        for index, item in enumerate(items):
            step: tuple[str | int, ...] = (
                (name,) if nested["nesting_mode"] in ("single", "group") else (name, index)
            )
            found += deprecations(item, inner, path + step)
    return found


def _deprecation_text(name: str, spec: dict) -> str:
    description = (spec.get("description") or "").strip()
    return f'"{name}" is deprecated in hashicorp/aws 6.47.0.' + (f" {description}" if description else "")


def normalise_state(value: Any, block: dict) -> Any:
    """Stored state shaped to the current schema, as the real provider's UpgradeResourceState does:
    attributes it lacks become null, blocks it lacks become empty, keys the schema no longer has go."""
    if not isinstance(value, dict):
        return value
    shaped: dict[str, Any] = {name: value.get(name) for name in block.get("attributes", {})}
    for name, nested in block.get("block_types", {}).items():
        mode, inner = nested["nesting_mode"], nested["block"]
        current = value.get(name)
        if mode in ("single", "group"):
            shaped[name] = normalise_state(current, inner) if isinstance(current, dict) else None
        elif mode == "map":
            items = current if isinstance(current, dict) else {}
            shaped[name] = {key: normalise_state(item, inner) for key, item in items.items()}
        else:
            items = current if isinstance(current, list) else []
            shaped[name] = [normalise_state(item, inner) for item in items]
    return shaped
