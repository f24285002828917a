"""What the webhook and notification-setting operations take and answer (issue 18): strict models, as
account_models.py is for the people operations."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from contracts.types import Identifier
from services.intake.domain.commands import Command
from services.intake.domain.responses import Answer, Timestamp


class RegisterWebhook(Command):
    url: str = Field(min_length=9, max_length=2000, description="An https:// URL whose host resolves to public "
                                                                "addresses only")


class ReplayWebhook(Command):
    cursor: int = Field(ge=0, le=2**31 - 1, description="Deliver again every feed entry after this sequence "
                                                        "number (0: the whole feed)")


class Webhook(Answer):
    webhook_id: Identifier
    url: str
    status: Literal["active", "disabled", "deleted"]
    failures: int = Field(description="Failed deliveries in a row")
    last_error: str | None = Field(description="Why the last delivery failed (never the body)")
    cursor: int = Field(description="The feed's sequence number up to which entries are queued for delivery")
    created_at: Timestamp
    disabled_at: Timestamp | None
    last_delivered_at: Timestamp | None = Field(
        description="When the receiver last took an entry, within the last 30 days (null: none)")


class WebhookWithSecret(Webhook):
    secret: str | None = Field(description="The signing secret (whsec_…), shown this once: null when the answer "
                                           "is replayed for the same Idempotency-Key (it is never stored)")


class WebhookList(Answer):
    items: list[Webhook]


class NotificationSettings(Command):
    language: Literal["nl", "en"] = Field(default="nl", description="Language of the person's e-mails")
    frequency: Literal["immediate", "daily", "off"] = Field(
        default="immediate", description="Every change at once, a daily digest (NOTIFY_DIGEST_HOUR), or none")


class NotificationSettingsAnswer(Answer):
    language: Literal["nl", "en"]
    frequency: Literal["immediate", "daily", "off"]
