"""POST /me/provider-application: HTTP only; the rules are in `mobile_api.services.provider_application`."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from mobile_api import views
from mobile_api.deps import Deps
from mobile_api.errors import json_response
from mobile_api.identity import CONSUMERS, for_group, require_caller
from mobile_api.models import ProviderApplicationRequest
from mobile_api.services import provider_application as rules


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.post(
        "/me/provider-application",
        summary="Ask to become a provider (consumers); an operator approves or rejects it",
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
