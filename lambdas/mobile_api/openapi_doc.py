"""The OpenAPI document's side of the API: the response bodies and what each route answers.

Only `mobile_api.app.openapi_json` imports this module, so the function that serves requests never builds these
models: Powertools reads a route's `responses` only to describe it (the answers are built by `mobile_api.views`,
whose shapes these models document, and the function validates no response against them). The routes therefore
register without `responses`, and `openapi_json` attaches `ROUTE_RESPONSES` to each route before generating the
document. Fields may be added, never renamed (see docs/architecture.md "The API").
tests/unit/lambdas/test_lambda_openapi_drift.py checks the committed lambdas/mobile_api/openapi.json against the
generated document, that every route of the route table is described here, and that the function never loads
this module.
"""

from __future__ import annotations

from typing import Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from pydantic import BaseModel, Field

from mobile_api.errors import CODES
from mobile_api.resolver import registered_routes, route_key


class ErrorBody(BaseModel):
    error: str = Field(description="Machine-readable code, e.g. not_found, conflict, invalid.")
    message: str


class Health(BaseModel):
    status: Literal["ok"]
    region: str


class Profile(BaseModel):
    user_id: str
    email: str | None = None
    display_name: str | None = None
    role: Literal["consumer", "provider"]
    groups: list[str]
    created_at: str
    updated_at: str


class SyncItem(BaseModel):
    collection: str
    id: str
    data: dict[str, Any] | None
    version: int
    updated_at: str
    deleted: bool
    seq: int = Field(description="Position in the user's change feed of the region named by `origin`.")
    origin: str = Field(description="The region whose change log `seq` counts (both regions take writes).")


class SyncConflict(ErrorBody):
    current: SyncItem | None


class SyncPage(BaseModel):
    items: list[SyncItem]
    next: str | None = Field(description="Cursor to pass as `since` next time; null before the first change.")
    has_more: bool


class UploadTarget(BaseModel):
    url: str
    fields: dict[str, str]


class UploadGrant(BaseModel):
    id: str
    upload: UploadTarget
    expires_in: int


class MediaLink(BaseModel):
    id: str
    url: str
    content_type: str
    size: int
    expires_in: int


class MediaRestoring(BaseModel):
    id: str
    status: Literal["restoring"]
    retry_after: int = Field(description="Seconds until the object is expected back; ask again then.")


class Device(BaseModel):
    id: str
    platform: str
    enabled: bool
    registered_at: str


class Subscription(BaseModel):
    provider_id: str
    subscribed: bool


class Unsubscribed(BaseModel):
    provider_id: str
    subscribed: bool = Field(description="Always false: the caller no longer follows the provider.")
    removed: bool = Field(
        description="True when this call ended the subscription; false when there was none."
    )


class FollowedProvider(BaseModel):
    provider_id: str
    subscribed_at: str = Field(description="ISO-8601 UTC.")


class SubscriptionsPage(BaseModel):
    items: list[FollowedProvider]
    next: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class NotificationAccepted(BaseModel):
    id: str
    recipients: int


class InboxEntry(BaseModel):
    id: str
    provider_id: str
    title: str
    body: str
    data: dict[str, Any]
    created_at: str
    status: str


class InboxPage(BaseModel):
    items: list[InboxEntry]
    next: str | None


class ProviderApplication(BaseModel):
    status: Literal["pending", "approved", "rejected"]
    business_name: str
    about: str | None
    requested_at: str
    decided_at: str | None = Field(description="When an operator approved or rejected it.")
    reason: str | None = Field(description="The operator's reason for a rejection.")


class AccountDeletion(BaseModel):
    status: Literal["deleting"] = Field(
        description="The account and everything it owns are being erased in both regions; sign the user out."
    )
    requested_at: str


class ChatMessage(BaseModel):
    id: str
    sender_id: str
    recipient_id: str
    text: str | None = Field(description="null when the sender deleted their account (`sender_deleted`).")
    media_id: str | None
    created_at: str = Field(
        description="When the region that accepted it did (ISO-8601 UTC); the thread's order."
    )
    sender_deleted: bool = Field(description="The sender deleted their account: the content is gone.")


class MessagePage(BaseModel):
    items: list[ChatMessage] = Field(description="Newest first.")
    next: str | None = Field(description="Cursor of the next (older) page; null on the last page.")


class ConversationSummary(BaseModel):
    peer_id: str
    peer_deleted: bool = Field(description="The peer deleted their account; the thread stays readable.")
    last_message_id: str
    last_sender_id: str
    last_at: str
    preview: str | None = Field(description="The last message's first 100 characters; null once erased.")
    unread: int = Field(description="The peer's messages after your read receipt, at most 99.")
    unread_capped: bool = Field(
        description="True when counting stopped early (100 messages looked at): there may be more (show 99+)."
    )
    read_up_to: str | None = Field(description="The message id you have read up to.")
    peer_read_up_to: str | None = Field(description="The message id the peer has read up to.")


class ConversationPage(BaseModel):
    items: list[ConversationSummary] = Field(description="Most recent first.")
    next: str | None


class ReadReceipt(BaseModel):
    peer_id: str
    read_up_to: str = Field(description="The message id read up to: the furthest receipt, never moved back.")
    read_at: str
    unread: int
    unread_capped: bool


def json_body(description: str, model: type[BaseModel]) -> dict[str, Any]:
    """One OpenAPI response entry: `description` and a JSON body shaped as `model`."""
    return {"description": description, "content": {"application/json": {"model": model}}}


def error_doc(*statuses: int) -> dict[int, dict[str, Any]]:
    """OpenAPI response entries for the error statuses a route can answer."""
    return {s: json_body(CODES.get(s, "error"), ErrorBody) for s in statuses}


_item = json_body("the item", SyncItem)
_conflict = json_body("stale version; `current` is the server's item", SyncConflict)

# Route key (as backend_core.api_routes spells it) -> Powertools' `responses` of that route.
ROUTE_RESPONSES: dict[str, dict[int, dict[str, Any]]] = {
    "GET /health": {200: json_body("ok", Health)},
    "GET /me": {
        200: json_body("profile", Profile),
        **error_doc(401),
    },
    "PUT /me": {
        200: json_body("profile", Profile),
        **error_doc(400, 401, 422),
    },
    "PUT /sync/{collection}/{id}": {200: _item, 409: _conflict, **error_doc(400, 401, 410, 413, 422, 503)},
    "DELETE /sync/{collection}/{id}": {200: _item, 409: _conflict, **error_doc(401, 404, 410, 422, 503)},
    "GET /sync": {
        200: json_body("a page of changes", SyncPage),
        **error_doc(400, 401, 422),
    },
    "POST /media/uploads": {
        201: json_body("upload grant", UploadGrant),
        **error_doc(400, 401, 413, 422),
    },
    "GET /media/{id}": {
        200: json_body("download link", MediaLink),
        202: json_body(
            "the object was archived: it is being restored (the owner is notified when it is back); "
            "ask again after `retry_after` seconds",
            MediaRestoring,
        ),
        **error_doc(401, 404, 422, 503),
    },
    "POST /devices": {
        201: json_body("device", Device),
        **error_doc(400, 401, 422),
    },
    "DELETE /devices/{id}": {204: {"description": "removed"}, **error_doc(401, 404, 422)},
    "POST /providers/{id}/subscribe": {
        200: json_body("subscribed", Subscription),
        **error_doc(401, 403, 404, 422),
    },
    "DELETE /providers/{id}/subscribe": {
        200: json_body("not subscribed (any more)", Unsubscribed),
        **error_doc(401, 403, 422),
    },
    "GET /subscriptions": {
        200: json_body("a page of subscriptions", SubscriptionsPage),
        **error_doc(400, 401, 403, 422),
    },
    "POST /notifications": {
        202: json_body("accepted", NotificationAccepted),
        **error_doc(400, 401, 403, 404, 409, 413, 422, 503),
    },
    "GET /notifications": {
        200: json_body("a page of the inbox", InboxPage),
        **error_doc(400, 401, 422),
    },
    "POST /me/provider-application": {
        200: json_body("already pending: the stored application", ProviderApplication),
        202: json_body("recorded, pending an operator's decision", ProviderApplication),
        **error_doc(400, 401, 403, 409, 410, 422, 503),
    },
    "DELETE /me": {
        202: json_body("deletion under way (also for a repeated request)", AccountDeletion),
        **error_doc(401),
    },
    "POST /conversations/{peer_id}/messages": {
        201: json_body("sent", ChatMessage),
        **error_doc(400, 401, 403, 404, 413, 422),
    },
    "GET /conversations": {
        200: json_body("a page of conversations", ConversationPage),
        **error_doc(400, 401, 422),
    },
    "GET /conversations/{peer_id}/messages": {
        200: json_body("a page of messages", MessagePage),
        **error_doc(400, 401, 404, 422),
    },
    "POST /conversations/{peer_id}/read": {
        200: json_body("the receipt as it stands", ReadReceipt),
        **error_doc(400, 401, 404, 422),
    },
    "GET /conversations/{peer_id}/messages/{message_id}/media": {
        200: json_body("download link", MediaLink),
        202: json_body(
            "the object was archived: it is being restored; ask again after `retry_after` seconds",
            MediaRestoring,
        ),
        **error_doc(401, 404, 422, 503),
    },
}


def describe_responses(app: APIGatewayHttpResolver) -> None:
    """Attach `ROUTE_RESPONSES` to the resolver's routes (before the OpenAPI document is generated from them);
    KeyError for a route with no entry."""
    for route in registered_routes(app):
        route.responses = ROUTE_RESPONSES[route_key(route)]
