"""Everything a route needs, built once per handler from settings (no process-global configuration)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backend_core import aws
from backend_core.conversation_store import ConversationStore
from backend_core.device_store import DeviceStore
from backend_core.erasure_store import ErasureStore
from backend_core.idempotency_store import IdempotencyStore
from backend_core.inbox_store import InboxStore
from backend_core.media_store import MediaStore
from backend_core.profile_store import ProfileStore
from backend_core.provider_application_store import ProviderApplicationStore
from backend_core.push import PushChannel
from backend_core.subscription_store import SubscriptionStore
from backend_core.sync_store import SyncStore
from mobile_api.cdn_signing import CdnUrlSigner
from mobile_api.clock import Clock, system_clock
from mobile_api.services.media import MediaAccess
from mobile_api.services.notifications import NotifyQueue
from mobile_api.services.profile import ClaimsSynced
from mobile_api.settings import Settings


@dataclass
class Deps:
    """The stores, clients and clock one handler's routes use, built once per handler (`from_settings`)."""

    settings: Settings
    dynamodb: Any
    profiles: ProfileStore
    devices: DeviceStore
    media: MediaStore
    subscriptions: SubscriptionStore
    idempotency: IdempotencyStore
    inbox: InboxStore
    sync: SyncStore
    provider_applications: ProviderApplicationStore
    erasures: ErasureStore
    conversations: ConversationStore
    cdn_signer: CdnUrlSigner | None = None  # None: no CDN (local stack) or signing not configured
    clock: Clock = system_clock
    claims_synced: ClaimsSynced = field(default_factory=ClaimsSynced)
    # S3, SNS and SQS clients are made on first use: most requests (sync, profile, inbox) need only DynamoDB,
    # and each client parses its service model (tens of ms), which a cold start would pay before answering.
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = aws.client(service, self.settings)
        return self._clients[service]

    @property
    def s3(self) -> Any:
        return self._client("s3")

    @s3.setter
    def s3(self, client: Any) -> None:
        self._clients["s3"] = client

    @property
    def sns(self) -> Any:
        return self._client("sns")

    @sns.setter
    def sns(self, client: Any) -> None:
        self._clients["sns"] = client

    @property
    def sqs(self) -> Any:
        return self._client("sqs")

    @sqs.setter
    def sqs(self, client: Any) -> None:
        self._clients["sqs"] = client

    @classmethod
    def from_settings(cls, settings: Settings) -> Deps:
        dynamodb = aws.client("dynamodb", settings)
        table = settings.table_name
        return cls(
            settings=settings,
            dynamodb=dynamodb,
            profiles=ProfileStore(dynamodb, table),
            devices=DeviceStore(dynamodb, table),
            media=MediaStore(dynamodb, table),
            subscriptions=SubscriptionStore(dynamodb, table, settings.region, settings.write_regions),
            idempotency=IdempotencyStore(dynamodb, table),
            inbox=InboxStore(dynamodb, table),
            sync=SyncStore(dynamodb, table, settings.region, settings.write_regions),
            provider_applications=ProviderApplicationStore(dynamodb, table),
            erasures=ErasureStore(dynamodb, table),
            conversations=ConversationStore(dynamodb, table, settings.region, settings.write_regions),
            cdn_signer=cdn_signer(settings),
        )

    # Built per request from the clients above, so a client swapped after construction is the one used.
    @property
    def push(self) -> PushChannel:
        return PushChannel(self.sns, self.settings.region, self.settings.platform_app_arns)

    @property
    def media_access(self) -> MediaAccess:
        return MediaAccess(self.media, self.s3, self.cdn_signer, self.settings)

    @property
    def notify_queue(self) -> NotifyQueue:
        return NotifyQueue(self.sqs, self.settings.notify_queue_url)


def cdn_signer(settings: Settings) -> CdnUrlSigner | None:
    if not (settings.cdn_domain and settings.cdn_key_pair_id and settings.cdn_signing_key_secret_arn):
        return None
    return CdnUrlSigner(
        settings.cdn_domain,
        settings.cdn_key_pair_id,
        settings.cdn_signing_key_secret_arn,
        lambda: aws.client("secretsmanager", settings),
    )
