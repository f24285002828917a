"""An organisation's webhooks (registered, listed, deleted, replayed) and a person's notification settings.

A webhook's URL is checked against server-side request forgery when it is registered (and again at
every delivery, notify_delivery/webhook_sender). Its signing secret is shown once and stored only
encrypted under the server secret. A replay sets the webhook's cursor back: the entries after it are
queued again with new ids (a new generation), and a disabled webhook is active again.
"""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sqlmodel import delete, func, select

from services.intake.adapters.notifications_orm import Notification, NotificationCursor, NotificationSetting, Webhook
from services.intake.adapters.orm import Change
from services.intake.adapters.webhook_sender import resolve_checked
from services.intake.domain import webhook_signing, webhook_targets
from services.intake.domain.errors import Forbidden, Invalid, NotFound
from services.intake.service_layer.common import Result, audit, new_id, now
from services.intake.service_layer.notify_delivery import webhook_secrets
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.config import settings

#: Webhooks an organisation may have at once.
MAX_WEBHOOKS = 5


def view(hook: Webhook, cursor: NotificationCursor | None, last_delivered_at: datetime | None = None
         ) -> dict[str, Any]:
    return {"webhook_id": hook.webhook_id, "url": hook.url, "status": hook.status, "failures": hook.failures,
            "last_error": hook.last_error, "cursor": cursor.seq if cursor else 0, "created_at": hook.created_at,
            "disabled_at": hook.disabled_at, "last_delivered_at": last_delivered_at}


def last_delivery(uow: IntakeUnitOfWork, webhook_id: str) -> datetime | None:
    """When the receiver last took an entry (sent notifications are kept notify_delivery.KEEP, 30 days)."""
    return uow.session.exec(select(func.max(Notification.sent_at)).where(
        Notification.recipient == f"webhook:{webhook_id}", Notification.status == "sent")).one()


def check_url(url: str) -> None:
    """400 naming ``url`` when it is not https or resolves to an address the product may not call."""
    try:
        asyncio.run(resolve_checked(url, settings().webhook_allow_loopback))
    except webhook_targets.RefusedTarget as exc:
        raise Invalid("webhook URL refused", [{"field": "url", "reason": str(exc)}]) from None


def register(uow: IntakeUnitOfWork, caller: Caller, body) -> Result:
    check_url(body.url)
    secret = webhook_signing.new_secret()
    with uow:
        s = uow.session
        live = s.exec(select(func.count()).select_from(Webhook).where(Webhook.org_id == caller.org_id,
                                                                      Webhook.status != "deleted")).one()
        if live >= MAX_WEBHOOKS:
            raise Invalid("too many webhooks", [{"field": "url", "reason": f"at most {MAX_WEBHOOKS} per organisation"}])
        hook = Webhook(webhook_id=new_id("whk"), org_id=caller.org_id, url=body.url,
                       secret=webhook_secrets().encrypt(secret.encode()).decode(), created_at=now())
        # It hears what happens from now on: its cursor starts at the feed's end.
        end = s.exec(select(func.max(Change.seq))).one() or 0
        cursor = NotificationCursor(recipient=f"webhook:{hook.webhook_id}", org_id=caller.org_id, seq=end)
        s.add(hook)
        s.add(cursor)
        audit(uow, caller, "webhook.register", hook.webhook_id)
        # finish: with an idempotency key its answer is kept too (without the secret: registerWebhook.shown_once)
        return uow.finish(201, {**view(hook, cursor), "secret": secret})


def _own(uow: IntakeUnitOfWork, caller: Caller, webhook_id: str) -> Webhook:
    hook = uow.session.get(Webhook, webhook_id)
    if hook is None or hook.org_id != caller.org_id or hook.status == "deleted":
        raise NotFound("no such webhook")
    return hook


def list_webhooks(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    with uow:
        hooks = uow.session.exec(select(Webhook).where(Webhook.org_id == caller.org_id, Webhook.status != "deleted")
                                 .order_by(Webhook.created_at)).all()
        return {"items": [view(h, uow.session.get(NotificationCursor, f"webhook:{h.webhook_id}"),
                               last_delivery(uow, h.webhook_id)) for h in hooks]}


def delete_webhook(uow: IntakeUnitOfWork, caller: Caller, webhook_id: str) -> Result:
    with uow:
        hook = _own(uow, caller, webhook_id)
        hook.status = "deleted"
        uow.session.add(hook)
        uow.session.exec(delete(Notification).where(Notification.recipient == f"webhook:{webhook_id}",
                                                    Notification.status == "pending"))
        audit(uow, caller, "webhook.delete", webhook_id)
        uow.commit()
        return 200, view(hook, uow.session.get(NotificationCursor, f"webhook:{webhook_id}"),
                         last_delivery(uow, webhook_id))


def replay(uow: IntakeUnitOfWork, caller: Caller, webhook_id: str, body) -> Result:
    with uow:
        s = uow.session
        hook = _own(uow, caller, webhook_id)
        recipient = f"webhook:{webhook_id}"
        # The cursor first, locked: a planning under way finishes, then its notifications go too.
        cursor = s.exec(select(NotificationCursor).where(NotificationCursor.recipient == recipient)
                        .with_for_update()).one()
        s.exec(delete(Notification).where(Notification.recipient == recipient, Notification.status == "pending"))
        cursor.seq, cursor.generation = body.cursor, cursor.generation + 1
        hook.status, hook.failures, hook.last_error, hook.disabled_at = "active", 0, None, None
        s.add(cursor)
        s.add(hook)
        audit(uow, caller, "webhook.replay", webhook_id)
        uow.commit()
        return 200, view(hook, cursor, last_delivery(uow, webhook_id))


def _person(caller: Caller) -> str:
    if caller.user_id is None:
        raise Forbidden("notification settings are a signed-in person's own")
    return caller.user_id


def get_settings(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    user_id = _person(caller)
    with uow:
        row = uow.session.get(NotificationSetting, user_id)
        return {"language": row.language, "frequency": row.frequency} if row else \
            {"language": "nl", "frequency": "immediate"}


def set_settings(uow: IntakeUnitOfWork, caller: Caller, body) -> Result:
    user_id = _person(caller)
    with uow:
        row = uow.session.get(NotificationSetting, user_id) or NotificationSetting(user_id=user_id, updated_at=now())
        row.language, row.frequency, row.updated_at = body.language, body.frequency, now()
        uow.session.add(row)
        audit(uow, caller, "notification-settings.set", user_id)
        uow.commit()
        return 200, {"language": row.language, "frequency": row.frequency}
