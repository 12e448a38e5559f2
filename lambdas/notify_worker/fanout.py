"""One page of a broadcast (`BroadcastJob`): the next `page_size` subscribers of the provider (a Query of its
partition after the job's `start_key`, never a Scan), their inbox entries and pushes, then the next page's job.

Order, and why a crash or retry anywhere neither loses nor duplicates a recipient:
1. the checkpoint says the page is done -> a duplicate job: do nothing;
2. Query the page (consistent read);
3. inbox: a consistent BatchGetItem finds the entries that exist; the missing ones are written with
   BatchWriteItem (an entry is keyed by notification and recipient, so writing it twice leaves one);
4. pushes: per recipient with an enabled device, claimed per region before pushing (at most once per region);
   entries are marked `sent`;
5. the next page's job is enqueued (carrying the page's LastEvaluatedKey);
6. the checkpoint advances.
A crash before 5 leaves this job to SQS's retry, which redoes 1-6 idempotently; a crash between 5 and 6 may
run the next page twice, idempotently. The chain never skips a page: the next job is only sent after this
page's recipients are all in the inbox.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from backend_core.broadcast_store import BroadcastStore
from backend_core.device_store import Device
from backend_core.inbox_store import InboxEntry, InboxStatus
from backend_core.notifications import BroadcastJob
from backend_core.push import PushChannel
from backend_core.subscription_store import SubscriptionStore
from notify_worker.worker import Delivery, Recipients, push_to_devices

LOOKUP_THREADS = 8  # concurrent device Queries of one page (boto3 clients are thread-safe)


@dataclass(frozen=True)
class JobQueue:
    """This region's notify queue: where the next page's job goes."""

    sqs: Any
    url: str

    def send(self, job: BroadcastJob) -> None:
        self.sqs.send_message(QueueUrl=self.url, MessageBody=job.model_dump_json())


@dataclass(frozen=True)
class FanOut:
    subscriptions: SubscriptionStore
    recipients: Recipients
    checkpoints: BroadcastStore
    queue: JobQueue
    channel: PushChannel


@dataclass
class PageResult:
    recipients: int = 0  # subscribers on the page
    new_entries: int = 0  # inbox entries this attempt wrote
    pushes: int = 0  # devices that took a push
    duplicate: bool = False  # the page was already done: nothing happened
    next_page: int | None = None  # the page whose job was enqueued
    disabled: int = 0


def run_page(fan: FanOut, job: BroadcastJob, now: str) -> PageResult:
    """Deliver one page of the broadcast (see the module docstring). Raises what DynamoDB, SNS or SQS raise
    (the job is then retried by SQS); ValueError for a start key outside the provider's subscribers."""
    result = PageResult()
    if fan.checkpoints.checkpoint(job.notification_id).pages_done >= job.page:
        result.duplicate = True
        return result
    page = fan.subscriptions.subscribers_page(job.provider_id, job.page_size, job.start_key)
    result.recipients = len(page.consumer_ids)
    statuses = fan.recipients.inbox.statuses(page.consumer_ids, job.notification_id)
    open_ids = [r for r in page.consumer_ids if statuses.get(r) is not InboxStatus.SENT]
    with ThreadPoolExecutor(max_workers=LOOKUP_THREADS) as pool:  # one Query each: I/O bound
        device_lists = list(pool.map(fan.recipients.devices.list_for, open_ids))
    to_push: list[tuple[str, list[Device]]] = []
    new: list[InboxEntry] = []
    for recipient, listed in zip(open_ids, device_lists, strict=True):
        status = statuses.get(recipient)
        devices = [d for d in listed if d.enabled]
        if devices or status is InboxStatus.PENDING:  # pending: an earlier attempt stopped before `finish`
            to_push.append((recipient, devices))
        if status is None:  # no entry yet; one without a device to push to is done at once
            new.append(_entry(job, recipient, InboxStatus.PENDING if devices else InboxStatus.SENT))
    fan.recipients.inbox.put_new(new)
    result.new_entries = len(new)
    for recipient, devices in to_push:
        delivery = Delivery()
        push_to_devices(fan.recipients, fan.channel, job.for_recipient(recipient), devices, delivery)
        fan.recipients.inbox.finish(recipient, job.notification_id, delivery.delivered)
        result.pushes += delivery.delivered
        result.disabled += delivery.disabled
    if page.last_key is not None:
        fan.queue.send(job.next_page(page.last_key))
        result.next_page = job.page + 1
    fan.checkpoints.advance(job.notification_id, job.page, result.recipients, now, last=page.last_key is None)
    return result


def _entry(job: BroadcastJob, recipient: str, status: InboxStatus) -> InboxEntry:
    return InboxEntry(
        recipient_id=recipient,
        notification_id=job.notification_id,
        provider_id=job.provider_id,
        title=job.title,
        body=job.body,
        data=job.data,
        created_at=job.created_at,
        status=status,
        delivered_devices=None if status is InboxStatus.PENDING else 0,
    )
