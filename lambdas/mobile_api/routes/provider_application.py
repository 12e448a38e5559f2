"""POST /me/provider-application: HTTP only; the rules are in `mobile_api.services.provider_application`."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from mobile_api import views
from mobile_api.deps import Deps
from mobile_api.errors import error_doc, json_response
from mobile_api.identity import CONSUMERS, for_group, require_caller
from mobile_api.models import ProviderApplication, ProviderApplicationRequest
from mobile_api.services import provider_application as rules


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.post(
        "/me/provider-application",
        summary="Ask to become a provider (consumers); an operator approves or rejects it",
        responses={
            200: {
                "description": "already pending: the stored application",
                "content": {"application/json": {"model": ProviderApplication}},
            },
            202: {
                "description": "recorded, pending an operator's decision",
                "content": {"application/json": {"model": ProviderApplication}},
            },
            **error_doc(400, 401, 403, 409, 410, 422, 503),
        },
    )
    @for_group(CONSUMERS)
    def apply_as_provider(request: ProviderApplicationRequest):
        caller = require_caller(app.current_event.raw_event)
        application, created = rules.apply(
            deps.provider_applications,
            caller,
            request.business_name,
            request.about,
            deps.clock,
            deps.erasures,
        )
        return json_response(202 if created else 200, views.provider_application(application))
