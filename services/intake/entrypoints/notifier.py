"""The notifier: a process of the intake that sends e-mails and webhooks from the change feed.

Each cycle it (1) finds how far the feed is safe to read, (2) plans: moves every recipient's cursor
and writes the notifications for the entries passed, in one transaction, (3) closes due digests,
(4) sends due e-mails and, per webhook, its pending deliveries in order, each retried with
exponential back-off (tenacity) and the failure count kept in the database, so a restart goes on
counting. One notifier sends at a time (a lease, like the outbox relay); others stand by.
The process around it (health, metrics, start): notifier_process.py.
"""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from services.intake.adapters import mail
from services.intake.adapters.webhook_sender import DeliveryFailed, client_tls, deliver
from services.intake.service_layer import notify, notify_delivery as records
from services.intake.service_layer.notify_digest import close_digests
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel import metrics
from services.kernel.config import Settings
from services.kernel.db import Lease

log = logging.getLogger("intake.notifier")


def _now() -> datetime:
    return datetime.now(UTC)


class Notifier:
    def __init__(self, engine, conf: Settings) -> None:
        self.engine, self.conf = engine, conf
        self.horizon = notify.FeedHorizon()
        self.lease = Lease(engine, "intake-notifier")
        self.tls = client_tls(conf.webhook_ca_file)
        self.webhook_tasks: dict[str, asyncio.Task] = {}
        self.failing: set[str] = set()  # webhooks whose last delivery failed (the alert's gauge)
        self.pruned_at = float("-inf")

    def uow(self) -> IntakeUnitOfWork:
        return IntakeUnitOfWork(self.engine)

    async def cycle(self) -> None:
        conf = self.conf
        horizon = await asyncio.to_thread(self.horizon.advance, self.uow(), time.monotonic(), conf.notify_gap_wait_s)
        await asyncio.to_thread(notify.plan, self.uow(), horizon, _now(), conf.notify_base_url)
        await asyncio.to_thread(close_digests, self.uow(), _now(), conf.notify_base_url, conf.notify_digest_hour)
        if conf.smtp_host:
            await self.send_emails()
        for webhook_id in await asyncio.to_thread(records.webhooks_with_work, self.uow()):
            task = self.webhook_tasks.get(webhook_id)
            if task is None or task.done():
                self.webhook_tasks[webhook_id] = asyncio.create_task(self.drain_webhook(webhook_id))
        metrics.WEBHOOKS_FAILING.set(len(self.failing))
        for channel, n in (await asyncio.to_thread(records.pending_counts, self.uow())).items():
            metrics.NOTIFICATIONS_PENDING.labels(channel=channel).set(n)
        if time.monotonic() - self.pruned_at > 3600:
            await asyncio.to_thread(records.prune, self.uow(), _now())
            self.pruned_at = time.monotonic()

    async def send_emails(self) -> None:
        for notification_id, address, content, attempts in await asyncio.to_thread(records.due_emails, self.uow(),
                                                                                   _now()):
            msg = mail.build(content, address, notification_id, self.conf)
            if attempts:
                metrics.NOTIFICATIONS_RETRIED.labels(channel="email").inc()
            try:
                await asyncio.to_thread(mail.send, msg, self.conf)
            except Exception as exc:  # noqa: BLE001 - SMTP down or refusing: try again later
                log.warning("e-mail %s not sent (%s); trying again later", notification_id, type(exc).__name__)
                metrics.NOTIFICATIONS_FAILED.labels(channel="email").inc()
                await asyncio.to_thread(records.email_failed, self.uow(), notification_id, _now())
                continue
            await asyncio.to_thread(records.mark_sent, self.uow(), notification_id, _now())
            metrics.NOTIFICATIONS_SENT.labels(channel="email").inc()

    async def drain_webhook(self, webhook_id: str) -> None:
        """The webhook's pending deliveries, oldest first; the next waits until this one is taken."""
        conf = self.conf
        while (job := await asyncio.to_thread(records.next_delivery, self.uow(), webhook_id)) is not None:
            notification_id, url, secret, body, failures = job

            async def failed(state) -> None:
                metrics.NOTIFICATIONS_RETRIED.labels(channel="webhook").inc()

            try:
                async for attempt in AsyncRetrying(
                        stop=stop_after_attempt(max(1, conf.webhook_max_attempts - failures)),
                        wait=wait_exponential(multiplier=conf.webhook_retry_base_s, exp_base=conf.webhook_retry_factor,
                                              max=conf.webhook_retry_max_s),
                        retry=retry_if_exception_type(DeliveryFailed), before_sleep=failed, reraise=True):
                    with attempt:
                        if attempt.retry_state.attempt_number > 1 and not await asyncio.to_thread(
                                records.still_to_deliver, self.uow(), webhook_id, notification_id):
                            return  # replayed, deleted or disabled while waiting for the retry
                        try:
                            await deliver(url, secret, notification_id, body, tls=self.tls,
                                          allow_loopback=conf.webhook_allow_loopback, timeout_s=conf.webhook_timeout_s)
                        except DeliveryFailed as exc:
                            metrics.NOTIFICATIONS_FAILED.labels(channel="webhook").inc()
                            log.warning("webhook %s: delivery %s failed: %s", webhook_id, notification_id, exc)
                            self.failing.add(webhook_id)
                            if await asyncio.to_thread(records.webhook_failed, self.uow(), webhook_id,
                                                       notification_id, str(exc), conf.webhook_max_attempts, _now()):
                                metrics.WEBHOOKS_DISABLED.inc()
                                self.failing.discard(webhook_id)
                                log.warning("webhook %s disabled after %d failures", webhook_id,
                                            conf.webhook_max_attempts)
                                return
                            raise
            except DeliveryFailed:
                return  # the count in the database decides; the next cycle starts this webhook again
            self.failing.discard(webhook_id)
            await asyncio.to_thread(records.mark_sent, self.uow(), notification_id, _now())
            metrics.NOTIFICATIONS_SENT.labels(channel="webhook").inc()

    async def run(self) -> None:
        while True:
            try:
                # Checked every cycle: a lease lost with its connection (a database restart) may be another's now.
                held = await asyncio.to_thread(self.lease.still_held if self.lease.held else self.lease.try_acquire)
                if held:
                    await self.cycle()
                else:
                    for task in self.webhook_tasks.values():
                        task.cancel()
            except Exception:  # noqa: BLE001 - a database hiccup: go on next cycle
                log.exception("notifier cycle failed; trying again")
            await asyncio.sleep(self.conf.notify_poll_s)
