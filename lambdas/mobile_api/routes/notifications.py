"""POST and DELETE /providers/{id}/subscribe, GET /subscriptions, POST and GET /notifications: HTTP only; the rules are in
`mobile_api.services.notifications` (accepted onto the queue with 202, delivered by the notify worker)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.metrics import MetricUnit

from backend_core.item_keys import SAFE_ID
from mobile_api import cursors, views
from mobile_api.deps import Deps
from mobile_api.errors import json_response
from mobile_api.identity import CONSUMERS, PROVIDERS, for_group, require_caller
from mobile_api.models import (
    NotificationRequest,
)
from mobile_api.services import notifications as rules

metrics = Metrics(namespace="MobileBackend", service="mobile-api")


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    @app.post(
        "/providers/<id>/subscribe",
        summary="Follow a provider (consumers)",
    )
    @for_group(CONSUMERS)
    def subscribe(id: Annotated[str, Path(pattern=SAFE_ID)]):
        caller = require_caller(app.current_event.raw_event)
        subscription = rules.subscribe(deps.profiles, deps.subscriptions, caller, id, deps.clock)
        return json_response(200, views.subscription(subscription))

    @app.delete(
        "/providers/<id>/subscribe",
        summary="Stop following a provider (consumers); idempotent",
    )
    @for_group(CONSUMERS)
    def unsubscribe(id: Annotated[str, Path(pattern=SAFE_ID)]):
        caller = require_caller(app.current_event.raw_event)
        removed = rules.unsubscribe(deps.subscriptions, caller, id)
        return json_response(200, views.unsubscribed(id, removed))

    @app.get(
        "/subscriptions",
        summary="The providers the caller follows (consumers), by provider id, paged",
    )
    @for_group(CONSUMERS)
    def subscriptions(
        cursor: Annotated[str | None, Query(max_length=400)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
    ):
        caller = require_caller(app.current_event.raw_event)
        page = rules.following(deps.subscriptions, caller, limit, cursors.following_position(cursor))
        return json_response(
            200,
            {
                "items": [views.followed(s) for s in page.subscriptions],
                "next": cursors.following_cursor(page.next_provider),
            },
        )

    @app.post(
        "/notifications",
        summary="Notify one subscriber or all (providers); sent asynchronously",
    )
    @for_group(PROVIDERS)
    def notify(
        body: NotificationRequest,
        idempotency_key: Annotated[
            str | None, Header(alias="idempotency-key", pattern=SAFE_ID, description="Makes retries safe.")
        ] = None,
    ):
        caller = require_caller(app.current_event.raw_event)
        draft = rules.Draft(to=body.to, title=body.title, body=body.body, data=body.data)
        accepted = rules.notify(
            deps.subscriptions,
            deps.idempotency,
            deps.notify_queue,
            caller,
            draft,
            idempotency_key,
            deps.clock,
        )
        if accepted.replayed:
            return json_response(202, views.accepted(accepted), {"Idempotent-Replayed": "true"})
        metrics.add_metric(name="NotificationsAccepted", unit=MetricUnit.Count, value=accepted.recipients)
        return json_response(202, views.accepted(accepted))

    @app.get(
        "/notifications",
        summary="Own inbox, newest first",
    )
    def inbox(
        cursor: Annotated[str | None, Query(max_length=400)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
    ):
        caller = require_caller(app.current_event.raw_event)
        page = rules.inbox(deps.inbox, caller.user_id, limit, cursors.inbox_position(cursor))
        return json_response(
            200,
            {
                "items": [views.inbox_entry(e) for e in page.entries],
                "next": cursors.inbox_cursor(page.next_position),
            },
        )
