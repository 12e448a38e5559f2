"""Build the Lambda functions the local stack runs in-process, one instance per region.

Each function package (lambdas/<package>) exposes `create_handler(settings) -> handler` in `<package>.app` and
its pydantic `Settings` in `<package>.settings`; configuration is per region, never process-wide env vars.
A package that fails to import fails the stack's start (its traceback in the stack's log): there is no
fallback and no guessing where a package keeps its factory.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Handler = Callable[[dict, Any], Any]


@dataclass(frozen=True)
class FunctionPackage:
    """One function package, imported: its factory and its Settings model."""

    package: str
    create_handler: Callable[[Any], Handler]
    settings_model: Any  # a pydantic model class (backend_core.settings.FunctionSettings' subclass)

    @property
    def spec(self) -> str:
        return f"{self.package}.app:create_handler"

    def build(self, values: dict[str, Any]) -> Handler:
        """A handler configured with `values` (the stack's function settings; keys a Settings model does not
        declare are ignored, as pydantic ignores them)."""
        return self.create_handler(self.settings_model.model_validate(values))


def import_function(package: str) -> FunctionPackage:
    """Import `package.app` and `package.settings`; the import's own error propagates (ImportError, or
    whatever the module raised), and AttributeError names a missing `create_handler` or `Settings`."""
    app = importlib.import_module(f"{package}.app")
    settings = importlib.import_module(f"{package}.settings")
    factory = getattr(app, "create_handler", None)
    model = getattr(settings, "Settings", None)
    if not callable(factory):
        raise AttributeError(f"{package}.app has no create_handler")
    if model is None or not hasattr(model, "model_validate"):
        raise AttributeError(f"{package}.settings has no pydantic Settings model")
    return FunctionPackage(package, factory, model)
