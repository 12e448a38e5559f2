"""The tfplugin6 Provider service of the stand-in: schema, validation, plan, data reads; never apply."""

from __future__ import annotations

import json
from typing import Any

from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc

from ops.terraform.provider_schema import PROVIDER_VERSION, load_schema
from ops.terraform.standin_provider import values
from ops.terraform.standin_provider.schema_conversion import cached_provider_schema_response

_OFFLINE = "The offline stand-in for hashicorp/aws"


def _dynamic(value: Any) -> pb.DynamicValue:
    return pb.DynamicValue(msgpack=values.encode(value))


def _read(dynamic: pb.DynamicValue) -> Any:
    if dynamic.json:
        return json.loads(dynamic.json)
    return values.decode(dynamic.msgpack)


def _error(summary: str, detail: str = "") -> pb.Diagnostic:
    return pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)


def _path(steps: tuple[str | int, ...]) -> pb.AttributePath:
    return pb.AttributePath(
        steps=[
            pb.AttributePath.Step(element_key_int=s)
            if isinstance(s, int)
            else pb.AttributePath.Step(attribute_name=s)
            for s in steps
        ]
    )


def _deprecation_warnings(config: Any, block: dict) -> list[pb.Diagnostic]:
    return [
        pb.Diagnostic(
            severity=pb.Diagnostic.WARNING,
            summary="Argument is deprecated",
            detail=found.message,
            attribute=_path(found.path),
        )
        for found in values.deprecations(config, block)
    ]


class StandInProvider(rpc.ProviderServicer):
    """Answers Terraform from the real provider schema, with no cloud behind it."""

    def __init__(self) -> None:
        self._schema = load_schema()
        self._region = "us-east-1"
        self._default_tags: dict[str, str] = {}

    # --- schema -------------------------------------------------------------------------------
    def GetMetadata(self, request, context):
        return pb.GetMetadata.Response(
            server_capabilities=pb.ServerCapabilities(plan_destroy=True),
            resources=[
                pb.GetMetadata.ResourceMetadata(type_name=n) for n in self._schema["resource_schemas"]
            ],
            data_sources=[
                pb.GetMetadata.DataSourceMetadata(type_name=n) for n in self._schema["data_source_schemas"]
            ],
        )

    def GetProviderSchema(self, request, context):
        return cached_provider_schema_response()

    def GetFunctions(self, request, context):
        return pb.GetFunctions.Response()

    # --- validation ---------------------------------------------------------------------------
    def ValidateProviderConfig(self, request, context):
        block = self._schema["provider"]["block"]
        return pb.ValidateProviderConfig.Response(
            diagnostics=_deprecation_warnings(_read(request.config), block)
        )

    def ValidateResourceConfig(self, request, context):
        block = self._schema["resource_schemas"][request.type_name]["block"]
        return pb.ValidateResourceConfig.Response(
            diagnostics=_deprecation_warnings(_read(request.config), block)
        )

    def ValidateDataResourceConfig(self, request, context):
        block = self._schema["data_source_schemas"][request.type_name]["block"]
        return pb.ValidateDataResourceConfig.Response(
            diagnostics=_deprecation_warnings(_read(request.config), block)
        )

    def ConfigureProvider(self, request, context):
        config = _read(request.config) or {}
        if isinstance(config.get("region"), str):
            self._region = config["region"]
        for default_tags in config.get("default_tags") or []:
            if isinstance(default_tags, dict) and isinstance(default_tags.get("tags"), dict):
                self._default_tags.update(
                    {k: v for k, v in default_tags["tags"].items() if isinstance(v, str)}
                )
        return pb.ConfigureProvider.Response()

    # --- state --------------------------------------------------------------------------------
    def UpgradeResourceState(self, request, context):
        if not request.raw_state.json:
            return pb.UpgradeResourceState.Response(
                diagnostics=[
                    _error(f"{_OFFLINE} cannot read flatmap state", "Upgrade it with the real provider.")
                ]
            )
        block = self._schema["resource_schemas"][request.type_name]["block"]
        upgraded = values.normalise_state(json.loads(request.raw_state.json), block)
        return pb.UpgradeResourceState.Response(upgraded_state=_dynamic(upgraded))

    def ReadResource(self, request, context):
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def PlanResourceChange(self, request, context):
        proposed = _read(request.proposed_new_state)
        prior = _read(request.prior_state)
        if proposed is None:  # destroy
            return pb.PlanResourceChange.Response(planned_state=request.proposed_new_state)
        block = self._schema["resource_schemas"][request.type_name]["block"]
        # Create: computed values are unknown. Update: Terraform's proposal already carries the prior values.
        planned = values.mark_computed_unknown(proposed, block) if prior is None else dict(proposed)
        diagnostics = []
        if prior is not None and proposed != prior:
            diagnostics.append(
                pb.Diagnostic(
                    severity=pb.Diagnostic.WARNING,
                    summary="Replacement cannot be predicted offline",
                    detail=f"{_OFFLINE} does not know which arguments force a new {request.type_name}; "
                    "with the real provider this change may be a replacement.",
                )
            )
        attributes = block.get("attributes", {})
        # As the real provider does at plan time: region defaults to the provider's, tags_all merges default_tags.
        if "region" in attributes and proposed.get("region") is None:
            planned["region"] = self._region
        if "tags_all" in attributes and isinstance(proposed.get("tags"), (dict, type(None))):
            planned["tags_all"] = {**self._default_tags, **(proposed.get("tags") or {})}
        return pb.PlanResourceChange.Response(planned_state=_dynamic(planned), diagnostics=diagnostics)

    def ApplyResourceChange(self, request, context):
        return pb.ApplyResourceChange.Response(
            diagnostics=[
                _error(
                    f"{_OFFLINE} cannot apply",
                    f"{_OFFLINE} {PROVIDER_VERSION} only serves the schema for offline checks. "
                    "Apply with the real provider: run `make apply` where the Terraform registry is reachable.",
                )
            ]
        )

    def ImportResourceState(self, request, context):
        return pb.ImportResourceState.Response(
            diagnostics=[
                _error(f"{_OFFLINE} cannot import", "Import needs the real provider and AWS credentials.")
            ]
        )

    def MoveResourceState(self, request, context):
        return pb.MoveResourceState.Response(
            diagnostics=[_error(f"{_OFFLINE} cannot move resource state across types")]
        )

    def ReadDataSource(self, request, context):
        block = self._schema["data_source_schemas"][request.type_name]["block"]
        state = values.fill_data_source(request.type_name, _read(request.config), block, self._region)
        return pb.ReadDataSource.Response(state=_dynamic(state))

    def CallFunction(self, request, context):
        return pb.CallFunction.Response(error=pb.FunctionError(text=f"{_OFFLINE} has no provider functions"))

    def StopProvider(self, request, context):
        return pb.StopProvider.Response()
