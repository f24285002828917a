"""The daily digest: lines collected per person (a notification with status 'collecting'), rendered in
the person's language and queued once the digest hour (NOTIFY_DIGEST_HOUR, Amsterdam) has come."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from services.intake.adapters import mail
from services.intake.adapters.accounts_orm import User
from services.intake.adapters.notifications_orm import Notification, NotificationCursor, NotificationSetting
from services.intake.domain import notifications as rules
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def collect_digest(s, cursor, lines, wanted, now) -> int:
    """A digest collects lines (status 'collecting'); close_digests makes it due at the digest hour."""
    if not lines:
        return 0
    digest = s.exec(select(Notification).where(Notification.recipient == cursor.recipient,
                                               Notification.status == "collecting")).first()
    if digest is None:
        first = wanted[0].seq
        digest = Notification(notification_id=rules.notification_id(cursor.recipient, cursor.generation, first, 0),
                              recipient=cursor.recipient, channel="email", org_id=cursor.org_id, first_seq=first,
                              last_seq=first, kind="digest", content={"lines": []}, status="collecting",
                              created_at=now)
    digest.content = {"lines": digest.content["lines"] + [{**ln.__dict__, "fields": list(ln.fields)}
                                                          for ln in lines]}
    digest.last_seq = wanted[-1].seq
    s.add(digest)
    return len(lines)


def close_digests(uow: IntakeUnitOfWork, now: datetime, base_url: str, digest_hour: int) -> int:
    """Every collecting digest whose hour has come is rendered (in the person's language) and queued."""
    with uow:
        s = uow.session
        closed = 0
        for digest in s.exec(select(Notification).where(Notification.status == "collecting")).all():
            cursor = s.get(NotificationCursor, digest.recipient)
            if cursor is None:  # the person is no longer active
                digest.status = "dropped"
                s.add(digest)
                continue
            if not rules.digest_due(cursor.last_digest_at or digest.created_at, now, digest_hour):
                continue
            user_id = digest.recipient.removeprefix("user:")
            setting = s.get(NotificationSetting, user_id)
            # the notification setting, else the screens' language (issue 16), else Dutch
            language = setting.language if setting else (getattr(s.get(User, user_id), "language", None) or "nl")
            kept = [rules.Line(**{**d, "fields": tuple(map(tuple, d["fields"]))}) for d in digest.content["lines"]]
            digest.content = mail.render(rules.digest_subject(language, len(kept)), kept, language, base_url)
            digest.status, cursor.last_digest_at = "pending", now
            s.add(digest)
            s.add(cursor)
            closed += 1
        uow.commit()
        return closed
