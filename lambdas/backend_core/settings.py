"""Typed function configuration, read once from the environment in AWS and passed explicitly elsewhere.

The local stack runs one API front per region in one process, so nothing below may read process-global
environment variables except `from_env`, which only the module-level `lambda_handler`s call.
"""

from __future__ import annotations

import os
import typing
from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo


class PlatformApps(BaseModel):
    model_config = ConfigDict(frozen=True)
    apns: str | None = Field(None, description="SNS platform application ARN for APNs (iOS).")
    fcm: str | None = Field(None, description="SNS platform application ARN for FCM (Android).")


class FunctionSettings(BaseModel):
    """What every function needs to reach its resources; each function's Settings subclasses it. Variable names
    come from the field names (`env_vars()`)."""

    model_config = ConfigDict(frozen=True)

    region: str
    endpoint_url: str | None = Field(None, description="AWS emulator URL; None in AWS.")
    env_name: str = "local"
    table_name: str
    media_bucket: str = ""
    cdn_domain: str | None = Field(None, description="CloudFront domain for downloads; None locally.")
    cdn_key_pair_id: str | None = Field(
        None, description="CloudFront public key id that signs download URLs."
    )
    cdn_signing_key_secret_arn: str | None = Field(
        None, description="Secrets Manager secret holding the URL-signing RSA private key (PEM)."
    )
    notify_queue_url: str = ""
    usage_stream_name: str = Field("", description="Firehose delivery stream of usage events; empty = off.")
    platform_app_arns: PlatformApps = PlatformApps()
    regions: tuple[str, ...] = Field(
        (),
        description="Every region that takes writes (the global table's replicas), primary first; empty = "
        "this region only. Sync keeps one copy and one change log per region.",
    )

    @property
    def write_regions(self) -> tuple[str, ...]:
        """The regions that take writes, this one included."""
        if not self.regions:
            return (self.region,)
        return self.regions if self.region in self.regions else (*self.regions, self.region)

    @classmethod
    def env_vars(cls) -> dict[str, tuple[str, ...]]:
        """The function's environment contract: variable name -> field path, read by field name (TABLE_NAME ->
        `table_name`; a nested model's field as FIELD_SUB: PLATFORM_APP_ARNS_APNS -> `platform_app_arns.apns`).
        `region` comes from Lambda's own AWS_REGION; a field marked `not_from_env` is set in code only.
        Terraform's environment map of each function is checked against it (tests/terraform/test_plan_contract.py)."""
        found: dict[str, tuple[str, ...]] = {}
        for name, field in cls.model_fields.items():
            if name == "region" or _not_from_env(field):
                continue
            nested = field.annotation if isinstance(field.annotation, type) else None
            if nested is not None and issubclass(nested, BaseModel):
                for sub in nested.model_fields:
                    found[f"{name}_{sub}".upper()] = (name, sub)
            else:
                found[name.upper()] = (name,)
        return found

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """The settings from an environment (os.environ by default), each field from its variable in
        `env_vars()`: an empty or absent variable leaves an optional field None and any other field at its
        default; a tuple is comma-separated. pydantic's ValidationError names what is missing or wrong."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {
            "region": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        }
        for var, path in cls.env_vars().items():
            raw = env.get(var)
            if raw is None:
                continue
            owner = cls.model_fields[path[0]]
            annotation = owner.annotation
            if len(path) == 2:
                annotation = owner.annotation.model_fields[path[1]].annotation  # type: ignore[union-attr]
            value = _from_text(raw, annotation)
            if value is _UNSET:
                continue
            if len(path) == 2:
                values.setdefault(path[0], {})[path[1]] = value
            else:
                values[path[0]] = value
        return cls(**values)


_UNSET = object()


def not_from_env(default: Any, description: str = "") -> Any:
    """A field set in code (or by the local stack) only: never read from the environment."""
    return Field(default, description=description, json_schema_extra={"from_env": False})


def _not_from_env(field: FieldInfo) -> bool:
    extra = field.json_schema_extra
    return isinstance(extra, dict) and extra.get("from_env") is False


def _from_text(raw: str, annotation: Any) -> Any:
    """An environment variable's text as the field takes it; _UNSET: leave the field at its default."""
    if typing.get_origin(annotation) is tuple:
        return tuple(part for part in raw.split(",") if part)
    if raw == "":  # Terraform writes an unset optional value as ""
        if type(None) in typing.get_args(annotation):
            return None
        return "" if annotation is str else _UNSET
    return raw


# The environment every function reads (AWS_REGION is set by Lambda itself); each function's own additions
# are in its Settings (`Settings.env_vars()`).
ENV_VARS = tuple(FunctionSettings.env_vars())
