"""Notifications (issue 18): people's preferences, organisations' webhooks, a cursor per recipient, and
each notification to send (an outbox of e-mails and webhook deliveries).

A notification row is written in the same transaction that moves its recipient's cursor past the
feed entries it carries, so no entry is lost or planned twice; its id is fixed at that moment, so a
delivery repeated after a crash carries the same id (Message-ID, webhook-id).
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from services.kernel.db import json_column, utc_column


class NotificationSetting(SQLModel, table=True):
    """A person's choice; no row means the defaults (Dutch, immediately)."""

    __tablename__ = "intake_notification_setting"
    user_id: str = Field(primary_key=True, max_length=40)
    language: str = Field(default="nl", max_length=2)  # nl | en
    frequency: str = Field(default="immediate", max_length=10)  # immediate | daily | off
    updated_at: datetime = Field(sa_column=utc_column())


class Webhook(SQLModel, table=True):
    """An organisation's HTTPS endpoint; the signing secret is stored encrypted under the server secret."""

    __tablename__ = "intake_webhook"
    webhook_id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(index=True, max_length=80)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=300)  # encrypted (organisations.secret_box)
    status: str = Field(default="active", max_length=10)  # active | disabled | deleted
    failures: int = Field(default=0)  # failed deliveries in a row
    last_error: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=utc_column())
    disabled_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class NotificationCursor(SQLModel, table=True):
    """How far a recipient ("user:<id>" or "webhook:<id>") has been planned in its organisation's feed."""

    __tablename__ = "intake_notification_cursor"
    recipient: str = Field(primary_key=True, max_length=60)
    org_id: str = Field(index=True, max_length=80)
    seq: int = Field(default=0)
    #: raised by a replay (cursor reset): the replayed entries get new ids, a crash's repeat keeps its id
    generation: int = Field(default=0)
    last_digest_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Notification(SQLModel, table=True):
    __tablename__ = "intake_notification"
    notification_id: str = Field(primary_key=True, max_length=40)
    recipient: str = Field(index=True, max_length=60)
    channel: str = Field(max_length=10)  # email | webhook
    org_id: str = Field(max_length=80)
    first_seq: int
    last_seq: int
    kind: str = Field(max_length=60)  # the entry's kind, or "digest"
    content: dict = Field(sa_column=json_column())  # the rendered e-mail, or the webhook's JSON body
    status: str = Field(default="pending", index=True, max_length=10)  # pending | sent | dropped
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
