"""Planning notifications from the change feed: per recipient a cursor, moved in the same transaction
that writes the notifications for the entries it passes (notify_delivery.py sends them).

Recipients are the active people whose role cares about an entry (e-mail, domain/notifications.py)
and the organisation's active webhooks (every entry). A new recipient starts at the feed's current
end: it hears what happens from then on (a webhook's cursor can be reset for a replay).
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

from sqlmodel import func, select

from contracts.vocabulary import UserStatus
from services.intake.adapters import mail
from services.intake.adapters.accounts_orm import User
from services.intake.adapters.notifications_orm import Notification, NotificationCursor, NotificationSetting, Webhook
from services.intake.adapters.orm import Change, OfferRecord
from services.intake.domain import notifications as rules
from services.intake.service_layer.notify_digest import collect_digest
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

#: A quiet recipient's cursor is moved up once it lags this far, so the next scan starts near the end.
LAG_BUMP = 500
SCAN_LIMIT = 2000


class FeedHorizon:
    """How far the feed can be read (domain.notifications.readable_up_to), remembered between cycles."""

    def __init__(self) -> None:
        self.horizon: int | None = None
        self.holes: dict[int, float] = {}

    def advance(self, uow: IntakeUnitOfWork, now_s: float, wait_s: float) -> int:
        with uow:
            s = uow.session
            if self.horizon is None:  # from the lowest cursor of an active recipient, else the feed's end
                live = [f"webhook:{h}" for h in s.exec(select(Webhook.webhook_id).where(Webhook.status == "active"))]
                live += [f"user:{u}" for u in s.exec(select(User.user_id).where(User.status == UserStatus.ACTIVE))]
                low = s.exec(select(func.min(NotificationCursor.seq))
                             .where(NotificationCursor.recipient.in_(live))).one() if live else None
                self.horizon = low if low is not None else (s.exec(select(func.max(Change.seq))).one() or 0)
            while True:
                seqs = list(s.exec(select(Change.seq).where(Change.seq > self.horizon).order_by(Change.seq)
                                   .limit(SCAN_LIMIT)).all())
                before, self.horizon = self.horizon, rules.readable_up_to(self.horizon, seqs, self.holes, now_s,
                                                                          wait_s)
                if len(seqs) < SCAN_LIMIT or self.horizon == before:
                    return self.horizon


def _recipients(s) -> list[tuple[str, str, object]]:
    users = s.exec(select(User).where(User.status == UserStatus.ACTIVE)).all()
    hooks = s.exec(select(Webhook).where(Webhook.status == "active")).all()
    return [(f"user:{u.user_id}", u.org_id, u) for u in users if u.role in rules.INTERESTS] + \
           [(f"webhook:{h.webhook_id}", h.org_id, h) for h in hooks]


def plan(uow: IntakeUnitOfWork, horizon: int, now: datetime, base_url: str) -> int:
    """Notifications for every entry up to ``horizon`` each recipient has not passed yet; cursors moved
    with them in one transaction. Returns how many notifications were written or extended."""
    with uow:
        s = uow.session
        recipients = _recipients(s)
        # Locked: a replay (webhooks.replay) moving a cursor meanwhile waits, and is not overwritten.
        cursors = {c.recipient: c for c in s.exec(select(NotificationCursor).with_for_update()).all()}
        keys = {k for k, _, _ in recipients}
        for key in [k for k in cursors if k.startswith("user:") and k not in keys]:
            s.delete(cursors.pop(key))  # disabled or reset: starts at the feed's end when active again
        for key, org_id, _ in recipients:
            if key not in cursors:
                cursors[key] = NotificationCursor(recipient=key, org_id=org_id, seq=horizon)
                s.add(cursors[key])
        active = [(k, o, r) for k, o, r in recipients if cursors[k].seq < horizon]
        if not active:
            uow.commit()
            return 0
        low = min(cursors[k].seq for k, _, _ in active)
        orgs = {o for _, o, _ in active}
        entries: dict[str, list[Change]] = defaultdict(list)
        for row in s.exec(select(Change).where(Change.seq > low, Change.seq <= horizon, Change.org_id.in_(orgs))
                          .order_by(Change.seq)).all():
            entries[row.org_id].append(row)
        settings = {r.user_id: r for r in s.exec(select(NotificationSetting)).all()}
        deadlines = _deadlines(s, [e for rows in entries.values() for e in rows])
        written = 0
        for key, org_id, who in active:
            cursor = cursors[key]
            fresh = [e for e in entries[org_id] if e.seq > cursor.seq]
            if isinstance(who, Webhook):
                written += _plan_webhook(s, cursor, fresh, now)
            else:
                written += _plan_email(s, cursor, who, settings.get(who.user_id), fresh, now, base_url, deadlines)
            if fresh:
                cursor.seq = fresh[-1].seq
            elif horizon - cursor.seq > LAG_BUMP:
                cursor.seq = horizon
            s.add(cursor)
        uow.commit()
        return written


def _deadlines(s, rows: list[Change]) -> dict[str, datetime]:
    ids = {e.data.get("offer_id") for e in rows if e.kind == "offer.made"} - {None}
    if not ids:
        return {}
    rows = s.exec(select(OfferRecord.offer_id, OfferRecord.expires_at).where(OfferRecord.offer_id.in_(ids))).all()
    return {offer_id: expires_at for offer_id, expires_at in rows}


def entry_view(e: Change) -> dict:
    """The entry as GET /v1/changes shows it."""
    return {"seq": e.seq, "kind": e.kind, "occurred_at": e.occurred_at.isoformat(), "data": e.data}


def _plan_webhook(s, cursor: NotificationCursor, fresh: list[Change], now: datetime) -> int:
    for e in fresh:
        body = json.dumps({"type": e.kind, "timestamp": e.occurred_at.isoformat(), "data": entry_view(e)},
                          separators=(",", ":"), sort_keys=True)
        s.add(Notification(notification_id=rules.notification_id(cursor.recipient, cursor.generation, e.seq, e.seq),
                           recipient=cursor.recipient, channel="webhook", org_id=cursor.org_id, first_seq=e.seq,
                           last_seq=e.seq, kind=e.kind, content={"body": body}, created_at=now))
    return len(fresh)


def _plan_email(s, cursor, user: User, setting: NotificationSetting | None, fresh: list[Change], now: datetime,
                base_url: str, deadlines: dict[str, datetime]) -> int:
    language = setting.language if setting else (getattr(user, "language", None) or "nl")  # screens' (issue 16)
    frequency = setting.frequency if setting else "immediate"
    wanted = [e for e in fresh if rules.cares(user.role, e.kind)]
    if frequency == "off":
        return 0
    lines = [rules.line(e.seq, e.kind, e.data, language, deadlines.get(e.data.get("offer_id")), user.role)
             for e in wanted]
    if frequency == "daily":
        return collect_digest(s, cursor, lines, wanted, now)
    for e, ln in zip(wanted, lines):
        s.add(Notification(notification_id=rules.notification_id(cursor.recipient, cursor.generation, e.seq, e.seq),
                           recipient=cursor.recipient, channel="email", org_id=cursor.org_id, first_seq=e.seq,
                           last_seq=e.seq, kind=e.kind, content=mail.render(ln.subject, [ln], language, base_url),
                           created_at=now))
    return len(wanted)
