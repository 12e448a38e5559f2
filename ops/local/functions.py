"""Find and build the Lambda functions the local stack runs in-process, one instance per region.

Each function package exposes `create_handler(settings) -> handler`, where settings is the
package's pydantic Settings model; configuration is per region, never process-wide env vars.
Packages are imported lazily, so the stack still runs while a package does not exist yet.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("ops.local.functions")
Handler = Callable[[dict, Any], Any]
_FACTORY_MODULES = ("app", "handler", "main", "")  # where a package may put create_handler
_SETTINGS_MODULES = ("settings", "config", "app", "handler", "")


def _import(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):  # the package itself is missing, not a dependency
            return None
        raise


def find_factory(package: str) -> tuple[Callable[[Any], Handler], type | None] | None:
    """(create_handler, Settings model or None) of `package`, or None when it is not there."""
    if _import(package) is None:
        return None
    factory = None
    for module_name in _FACTORY_MODULES:
        module = _import(f"{package}.{module_name}" if module_name else package)
        if module is not None and callable(getattr(module, "create_handler", None)):
            factory = module.create_handler
            break
    if factory is None:
        return None
    settings_cls = None
    for module_name in _SETTINGS_MODULES:
        module = _import(f"{package}.{module_name}" if module_name else package)
        candidate = getattr(module, "Settings", None) if module else None
        if inspect.isclass(candidate) and hasattr(candidate, "model_fields"):
            settings_cls = candidate
            break
    return factory, settings_cls


def build_settings(settings_cls: type | None, values: dict[str, Any]) -> Any:
    """The package's Settings built from `values` (only the fields it declares)."""
    if settings_cls is None:
        return values
    fields = settings_cls.model_fields  # type: ignore[attr-defined]
    allows_extra = (getattr(settings_cls, "model_config", {}) or {}).get("extra") == "allow"
    data = values if allows_extra else {k: v for k, v in values.items() if k in fields}
    return settings_cls(**data)


def check_spec(spec: str) -> None:
    """Import what a 'module:factory' spec names (a missing package is fine: it has a fallback)."""
    if ":" in spec:
        module_name, attr = spec.split(":", 1)
        if not callable(getattr(importlib.import_module(module_name), attr, None)):
            raise AttributeError(f"{module_name} has no callable {attr}")


def load_handler(
    spec: str, values: dict[str, Any], fallback: Callable[[Any], Handler] | None
) -> tuple[Handler, str] | None:
    """Build a handler from `spec` ('module:factory' or a package name); fall back when absent."""
    if ":" in spec:
        module_name, attr = spec.split(":", 1)
        return getattr(importlib.import_module(module_name), attr)(values), spec
    found = find_factory(spec)
    if found is None:
        if fallback is None:
            return None
        log.warning("%s not found; serving %s", spec, fallback.__module__)
        return fallback(values), fallback.__module__
    factory, settings_cls = found
    return factory(build_settings(settings_cls, values)), f"{spec}.create_handler"
