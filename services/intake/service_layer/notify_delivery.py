"""What the notifier records about deliveries: which notifications are due, that one was sent, that one
failed (and when to try again), and that a webhook failing too often is disabled, with a notice.

A notification is marked sent only after the receiver took it: a crash in between sends it again, with
the same id (at least once, recognisably the same).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import delete, func, select

from services.intake.adapters.accounts_orm import User
from services.intake.adapters.notifications_orm import Notification, Webhook
from services.intake.service_layer.organisations import secret_box
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

#: Sent and dropped notifications are kept this long (for questions about what went out), then deleted.
KEEP = timedelta(days=30)
#: An e-mail that could not be handed to the SMTP server waits this long, doubling, up to an hour.
EMAIL_RETRY = timedelta(seconds=30)
EMAIL_RETRY_MAX = timedelta(hours=1)


def webhook_secrets():
    return secret_box(b"intake/webhook-secret/v1")


def due_emails(uow: IntakeUnitOfWork, now: datetime, limit: int = 50) -> list[tuple[str, str, dict, int]]:
    """(id, address, content, attempts so far) of e-mails to send now; those to people disabled since are
    dropped."""
    with uow:
        s = uow.session
        rows = s.exec(select(Notification).where(Notification.channel == "email", Notification.status == "pending")
                      .order_by(Notification.created_at).limit(limit)).all()
        out = []
        for n in rows:
            if n.next_attempt_at is not None and n.next_attempt_at > now:
                continue
            user = s.get(User, n.recipient.removeprefix("user:"))
            if user is None or user.status != "active":
                n.status = "dropped"
                s.add(n)
                continue
            out.append((n.notification_id, user.email, n.content, n.attempts))
        uow.commit()
        return out


def mark_sent(uow: IntakeUnitOfWork, notification_id: str, now: datetime) -> None:
    with uow:
        n = uow.session.get(Notification, notification_id)
        if n is None:  # replayed or deleted meanwhile: the replay sends it again under a new id
            return
        n.status, n.sent_at, n.attempts = "sent", now, n.attempts + 1
        uow.session.add(n)
        if n.channel == "webhook":
            hook = uow.session.get(Webhook, n.recipient.removeprefix("webhook:"))
            hook.failures, hook.last_error = 0, None
            uow.session.add(hook)
        uow.commit()


def email_failed(uow: IntakeUnitOfWork, notification_id: str, now: datetime) -> None:
    with uow:
        n = uow.session.get(Notification, notification_id)
        n.attempts += 1
        n.next_attempt_at = now + min(EMAIL_RETRY * 2 ** (n.attempts - 1), EMAIL_RETRY_MAX)
        uow.session.add(n)
        uow.commit()


def prune(uow: IntakeUnitOfWork, now: datetime) -> None:
    with uow:
        uow.session.exec(delete(Notification).where(Notification.status.in_(("sent", "dropped")),
                                                    Notification.created_at < now - KEEP))
        uow.commit()


def pending_counts(uow: IntakeUnitOfWork) -> dict[str, int]:
    with uow:
        rows = uow.session.exec(select(Notification.channel, func.count()).where(Notification.status == "pending")
                                .group_by(Notification.channel)).all()
        return {"email": 0, "webhook": 0, **dict(rows)}


def webhooks_with_work(uow: IntakeUnitOfWork) -> list[str]:
    with uow:
        s = uow.session
        pending = set(s.exec(select(Notification.recipient).where(Notification.channel == "webhook",
                                                                  Notification.status == "pending")).all())
        active = set(s.exec(select(Webhook.webhook_id).where(Webhook.status == "active")).all())
        return sorted(h for h in active if f"webhook:{h}" in pending)


def next_delivery(uow: IntakeUnitOfWork, webhook_id: str) -> tuple[str, str, str, bytes, int] | None:
    """(notification id, url, secret, body, failures so far) of the webhook's oldest pending entry."""
    with uow:
        s = uow.session
        hook = s.get(Webhook, webhook_id)
        if hook is None or hook.status != "active":
            return None
        n = s.exec(select(Notification).where(Notification.recipient == f"webhook:{webhook_id}",
                                              Notification.status == "pending")
                   .order_by(Notification.first_seq).limit(1)).first()
        if n is None:
            return None
        secret = webhook_secrets().decrypt(hook.secret.encode()).decode()
        return n.notification_id, hook.url, secret, n.content["body"].encode(), hook.failures


def still_to_deliver(uow: IntakeUnitOfWork, webhook_id: str, notification_id: str) -> bool:
    """Whether a delivery waiting for its retry is still wanted (not replayed, deleted or disabled meanwhile)."""
    with uow:
        hook, n = uow.session.get(Webhook, webhook_id), uow.session.get(Notification, notification_id)
        return hook is not None and hook.status == "active" and n is not None and n.status == "pending"


def webhook_failed(uow: IntakeUnitOfWork, webhook_id: str, notification_id: str, error: str,
                   max_attempts: int, now: datetime) -> bool:
    """Count a failed delivery; at ``max_attempts`` in a row the webhook is disabled and its
    organisation hears of it (a ``webhook.disabled`` feed entry: its admins get an e-mail). True then."""
    with uow:
        s = uow.session
        hook = s.get(Webhook, webhook_id)
        hook.failures, hook.last_error = hook.failures + 1, error[:200]
        n = s.get(Notification, notification_id)
        if n is not None:  # (None: replayed meanwhile; the failure still counts for the webhook)
            n.attempts += 1
            s.add(n)
        disabled = hook.failures >= max_attempts and hook.status == "active"
        if disabled:
            hook.status, hook.disabled_at = "disabled", now
            uow.notify(hook.org_id, "webhook.disabled", now, webhook_id=webhook_id, failures=hook.failures)
        s.add(hook)
        uow.commit()
        return disabled
