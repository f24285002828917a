"""The operations of issue 18 in the one operation table (operations.py appends these): an organisation's
webhooks (its token or its administrators) and a person's own notification settings. None of these is a
command on the inbound topic."""
from __future__ import annotations

from typing import Any

from contracts.vocabulary import Role
from services.intake.domain import notification_models as m
from services.intake.service_layer import webhooks
from services.intake.service_layer.common import Result
from services.intake.service_layer.operation_types import Call, Operation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def list_webhooks(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return webhooks.list_webhooks(uow, call.caller)


def register_webhook(call: Call, uow: IntakeUnitOfWork) -> Result:
    return webhooks.register(uow, call.caller, call.body)


def delete_webhook(call: Call, uow: IntakeUnitOfWork) -> Result:
    return webhooks.delete_webhook(uow, call.caller, call.params["webhook_id"])


def replay_webhook(call: Call, uow: IntakeUnitOfWork) -> Result:
    return webhooks.replay(uow, call.caller, call.params["webhook_id"], call.body)


def get_settings(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return webhooks.get_settings(uow, call.caller)


def set_settings(call: Call, uow: IntakeUnitOfWork) -> Result:
    return webhooks.set_settings(uow, call.caller, call.body)


#: Every organisation's people set their own; an organisation's token has no settings (403, documented so).
PEOPLE = tuple(Role)

NOTIFICATION_OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/webhooks", "listWebhooks", "The organisation's webhooks", "webhooks", (), list_webhooks,
              m.WebhookList),
    Operation("POST", "/webhooks", "registerWebhook", "Register an HTTPS endpoint for the change feed", "webhooks",
              (), register_webhook, m.WebhookWithSecret, success=(201,), request=m.RegisterWebhook, write=True,
              idempotent=True, shown_once=("secret",),
              description="Every change-feed entry of the organisation from now on is POSTed to the URL, signed "
                          "(Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature; API.md). The "
                          "secret is answered this once: a retry with the same Idempotency-Key registers nothing "
                          "and answers `secret: null` (header `Idempotent-Withheld: secret`). A URL that is not "
                          "https, or whose host resolves to a loopback, private, link-local, multicast or reserved "
                          "address, is refused (400, url)."),
    Operation("DELETE", "/webhooks/{webhook_id}", "deleteWebhook", "Delete a webhook; nothing more is sent to it",
              "webhooks", (), delete_webhook, m.Webhook, write=True),
    Operation("POST", "/webhooks/{webhook_id}/replay", "replayWebhook",
              "Deliver again from a feed cursor (also enables a disabled webhook)", "webhooks", (), replay_webhook,
              m.Webhook, request=m.ReplayWebhook, write=True,
              description="Every entry after `cursor` is queued again, with new webhook ids; failures start at 0."),
    Operation("GET", "/notification-settings", "getNotificationSettings", "The signed-in person's e-mail settings",
              "notification-settings", PEOPLE, get_settings, m.NotificationSettingsAnswer,
              description="Language (nl, en) and frequency (immediate, daily, off). A person's own: an "
                          "organisation's token gets 403."),
    Operation("PUT", "/notification-settings", "setNotificationSettings", "Set the signed-in person's e-mail "
              "settings", "notification-settings", PEOPLE, set_settings, m.NotificationSettingsAnswer,
              request=m.NotificationSettings, write=True),
)
