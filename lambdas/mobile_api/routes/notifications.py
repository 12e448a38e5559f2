"""Provider-to-consumer notifications: accepted onto the queue (202), delivered by the notify worker."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Annotated

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.metrics import MetricUnit

from backend_core.keys import SAFE_ID
from backend_core.notifications import NotificationMessage
from mobile_api import cursors
from mobile_api.deps import Deps, now_iso
from mobile_api.errors import ApiError, error_doc, json_response
from mobile_api.identity import CONSUMERS, PROVIDERS, for_group, require_caller
from mobile_api.models import InboxPage, NotificationAccepted, NotificationRequest, Subscription

metrics = Metrics(namespace="MobileBackend", service="mobile-api")
PUSH_PAYLOAD_BYTES = 3500  # APNs allows 4 KB per push; keep room for the envelope
SQS_BATCH = 10


def enqueue(deps: Deps, messages: list[NotificationMessage]) -> None:
    for start in range(0, len(messages), SQS_BATCH):
        pending = {str(i): m for i, m in enumerate(messages[start : start + SQS_BATCH])}
        for _ in range(3):  # retry only the entries SQS refused
            out = deps.sqs.send_message_batch(
                QueueUrl=deps.settings.notify_queue_url,
                Entries=[{"Id": i, "MessageBody": m.model_dump_json()} for i, m in pending.items()],
            )
            pending = {f["Id"]: pending[f["Id"]] for f in out.get("Failed", [])}
            if not pending:
                break
        if pending:
            raise ApiError(503, "notification queue unavailable, retry with the same Idempotency-Key")


def notification_id_for(provider_id: str, idempotency_key: str | None, request_hash: str) -> str:
    """A retry with the same Idempotency-Key and body gets the same id, in either region: the idempotency
    record is per region (a retry served by the other region during a partition does not see it), but the
    inbox entry is keyed by this id, so both deliveries land on one entry and the push collapses on it."""
    if idempotency_key is None:
        return uuid.uuid4().hex
    return hashlib.sha256(f"{provider_id}\n{idempotency_key}\n{request_hash}".encode()).hexdigest()[:32]


def register(app: APIGatewayHttpResolver, deps: Deps) -> None:
    store = deps.store

    @app.post(
        "/providers/<id>/subscribe",
        summary="Follow a provider (consumers)",
        responses={
            200: {"description": "subscribed", "content": {"application/json": {"model": Subscription}}},
            **error_doc(401, 403, 404, 422),
        },
    )
    @for_group(CONSUMERS)
    def subscribe(id: Annotated[str, Path(pattern=SAFE_ID)]):
        caller = require_caller(app.current_event.raw_event)
        provider = store.get_profile(id)
        if not provider or provider.get("role") != "provider":
            raise ApiError(404, f"no provider {id}")
        store.subscribe(id, caller.user_id, now_iso())
        return json_response(200, {"provider_id": id, "subscribed": True})

    @app.post(
        "/notifications",
        summary="Notify one subscriber or all (providers); sent asynchronously",
        responses={
            202: {
                "description": "accepted",
                "content": {"application/json": {"model": NotificationAccepted}},
            },
            **error_doc(400, 401, 403, 404, 409, 413, 422, 503),
        },
    )
    @for_group(PROVIDERS)
    def notify(
        body: NotificationRequest,
        idempotency_key: Annotated[
            str | None, Header(alias="idempotency-key", pattern=SAFE_ID, description="Makes retries safe.")
        ] = None,
    ):
        caller = require_caller(app.current_event.raw_event)
        payload = body.model_dump(mode="json")
        if len(json.dumps({k: payload[k] for k in ("title", "body", "data")})) > PUSH_PAYLOAD_BYTES:
            raise ApiError(413, f"title, body and data together exceed {PUSH_PAYLOAD_BYTES} bytes")
        request_hash = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        notification_id = notification_id_for(caller.user_id, idempotency_key, request_hash)
        if idempotency_key:
            prior = store.claim_idempotency(caller.user_id, idempotency_key, request_hash, notification_id)
            if prior is not None:
                if prior.get("request_hash") != request_hash:
                    raise ApiError(
                        422, "Idempotency-Key was used for a different request", "idempotency_mismatch"
                    )
                if prior.get("status") != "completed":
                    raise ApiError(409, "a request with this Idempotency-Key is still in progress")
                return json_response(202, json.loads(prior["response_json"]), {"Idempotent-Replayed": "true"})
        try:
            if body.to is not None:
                if not store.is_subscriber(caller.user_id, body.to):
                    raise ApiError(404, f"{body.to} is not one of your subscribers")
                recipients = [body.to]
            else:
                recipients = list(store.subscribers(caller.user_id))
            created_at = now_iso()
            enqueue(
                deps,
                [
                    NotificationMessage(
                        notification_id=notification_id,
                        provider_id=caller.user_id,
                        recipient_id=r,
                        title=body.title,
                        body=body.body,
                        data=body.data or {},
                        created_at=created_at,
                    )
                    for r in recipients
                ],
            )
        except Exception:
            if idempotency_key:  # nothing was promised: let the retry run for real
                store.release_idempotency(caller.user_id, idempotency_key)
            raise
        response = {"id": notification_id, "recipients": len(recipients)}
        if idempotency_key:
            store.complete_idempotency(caller.user_id, idempotency_key, response)
        metrics.add_metric(name="NotificationsAccepted", unit=MetricUnit.Count, value=len(recipients))
        return json_response(202, response)

    @app.get(
        "/notifications",
        summary="Own inbox, newest first",
        responses={
            200: {
                "description": "a page of the inbox",
                "content": {"application/json": {"model": InboxPage}},
            },
            **error_doc(400, 401, 422),
        },
    )
    def inbox(
        cursor: Annotated[str | None, Query(max_length=400)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
    ):
        caller = require_caller(app.current_event.raw_event)
        items, last = store.inbox(caller.user_id, limit, cursors.inbox_position(cursor))
        return json_response(
            200,
            {
                "items": [
                    {
                        "id": i["notification_id"],
                        "provider_id": i["provider_id"],
                        "title": i["title"],
                        "body": i["body"],
                        "data": json.loads(i.get("data_json") or "{}"),
                        "created_at": i["created_at"],
                        "status": i.get("status", "pending"),
                    }
                    for i in items
                ],
                "next": cursors.inbox_cursor(last),
            },
        )
