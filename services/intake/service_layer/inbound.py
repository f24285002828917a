"""Signed commands from partners that stream (housing.inbound.v1): same models, rules and handlers as HTTP.

A message is accepted only when its ``hm-signature`` is the HMAC-SHA256 of its value under
the signing key of the active token named by ``hm-key-id``, and the envelope's org_id
equals both the signer and the message key. Then the body is validated with the HTTP
request model of the command, the caller's role and ownership are checked by the same
handler, and the command runs once per command_id. The partner hears the result on its
outbound feed (``command.accepted`` / ``command.rejected``); every rejected message also
goes to the dead-letter topic with its reason.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from contracts.inbound import KEY_ID_HEADER, SIGNATURE_HEADER, InboundCommand, sign
from services.intake.domain import rules
from services.intake.domain.errors import IntakeError
from services.intake.service_layer import common, idempotency
from services.intake.service_layer.organisations import Caller, signer
from services.intake.service_layer.unit_of_work import Idempotency, IntakeUnitOfWork
from services.kernel.deadletters import describe_validation_error

RESULT_IDS = ("candidate_id", "vacancy_id", "offer_id", "report_id", "status")


class Rejected(Exception):
    """The message is refused: ``reason`` names fields and rules, never values."""

    def __init__(self, reason: str, caller: Caller | None = None, command: InboundCommand | None = None) -> None:
        super().__init__(reason)
        self.reason, self.caller, self.command = reason, caller, command


@dataclass
class Accepted:
    caller: Caller
    command: InboundCommand
    status: int
    body: dict[str, Any]
    replayed: bool


def _request_hash(c: InboundCommand) -> str:
    canonical = json.dumps({"command": c.command, "target": c.target, "body": c.body}, sort_keys=True,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def verify(make_uow: Callable[..., IntakeUnitOfWork], key: bytes | None, value: bytes,
           headers: dict[str, bytes]) -> tuple[Caller, InboundCommand]:
    kid, signature = headers.get(KEY_ID_HEADER), headers.get(SIGNATURE_HEADER)
    if not kid or not signature:
        raise Rejected(f"unsigned: headers {KEY_ID_HEADER} and {SIGNATURE_HEADER} are required")
    found = signer(make_uow(None), kid.decode(errors="replace")[:16])
    if found is None:
        raise Rejected(f"{KEY_ID_HEADER}: unknown or revoked key")
    caller, signing_key = found
    if not hmac.compare_digest(sign(signing_key, value).encode(), signature.strip()):
        raise Rejected(f"{SIGNATURE_HEADER}: does not match the message")
    try:
        command = InboundCommand.model_validate_json(value, strict=True)
    except ValidationError as exc:
        raise Rejected("envelope: " + describe_validation_error(exc), caller) from None
    if command.org_id != caller.org_id or (key or b"").decode(errors="replace") != caller.org_id:
        raise Rejected("org_id: must equal the signer and the message key", caller, command)
    return caller, command


def execute(make_uow: Callable[..., IntakeUnitOfWork], secret: str, caller: Caller,
            command: InboundCommand) -> Accepted:
    from services.intake.service_layer.operation_types import Call
    from services.intake.service_layer.operations import COMMANDS

    op = COMMANDS[command.command]
    if op.roles and caller.role not in op.roles:
        raise Rejected(f"command: for the role(s) {', '.join(op.roles)}", caller, command)
    if "bsn" in command.body:
        raise Rejected("body.bsn: a BSN never travels on a topic; send person_ref from POST /v1/person-references",
                       caller, command)
    if (op.target is None) != (command.target is None):
        raise Rejected("target: required for this command" if op.target else "target: not used by this command",
                       caller, command)
    body = None
    try:
        if op.request is not None:
            # Rules about today judge by the date the command is handled (not the partner's sent_at,
            # which the partner chooses), in Amsterdam.
            body = op.request.model_validate_json(json.dumps(command.body), strict=True,
                                                  context=rules.context_at(common.now()))
        elif command.body:
            raise Rejected("body: this command takes an empty body", caller, command)
    except ValidationError as exc:
        raise Rejected("body: " + describe_validation_error(exc).replace("; ", "; body."), caller, command) from None
    idem = Idempotency(caller.org_id, f"kafka:{command.command_id}", _request_hash(command))

    def uow_with_notice(i: Idempotency | None) -> IntakeUnitOfWork:
        uow = make_uow(i)

        def notice(u: IntakeUnitOfWork, status: int, result: dict[str, Any]) -> None:
            ids = {k: result[k] for k in RESULT_IDS if isinstance(result.get(k), (str, int, bool))}
            u.notify(caller.org_id, "command.accepted", datetime.now(UTC), command_id=str(command.command_id),
                     command=command.command, http_status=status, **ids)
        uow.on_finish = notice
        return uow

    call = Call(caller=caller, make_uow=uow_with_notice, secret=secret, body=body,
                params={op.target: command.target} if op.target else {}, idem=idem, channel="kafka")
    try:
        (status, result), replayed = idempotency.run_idempotent(uow_with_notice, idem, lambda uow: op.run(call, uow))
    except IntakeError as exc:
        raise Rejected(f"{exc.status} {exc.title}: {exc.one_line()}", caller, command) from None
    return Accepted(caller, command, status, result, replayed)


def handle_inbound(make_uow: Callable[..., IntakeUnitOfWork], secret: str, key: bytes | None, value: bytes,
                   headers: dict[str, bytes], max_bytes: int) -> Accepted:
    """Verify, validate, authorise and run one inbound message; raises Rejected with the reason."""
    if len(value) > max_bytes:
        # before the signature: a huge message costs nothing more than its length
        raise Rejected(f"message: larger than the limit of {max_bytes} bytes")
    caller, command = verify(make_uow, key, value, headers)
    return execute(make_uow, secret, caller, command)


def record_rejection(make_uow: Callable[..., IntakeUnitOfWork], rejected: Rejected,
                     dead_letter: str | None = None) -> None:
    """An authenticated partner hears why its command was refused, and where its message lies on the
    dead-letter topic (``partition:offset``, for `housing-match dlq replay --letter`); the refusal is audited."""
    if rejected.caller is None:
        return
    uow = make_uow(None)
    with uow:
        common.audit(uow, rejected.caller, rejected.command.command if rejected.command else "inbound",
                rejected.command.target or "-" if rejected.command else "-", "refused", "kafka")
        data = {"reason": rejected.reason[:500]}
        if rejected.command is not None:
            data.update(command_id=str(rejected.command.command_id), command=rejected.command.command)
        if dead_letter is not None:
            data["dead_letter"] = dead_letter
        uow.notify(rejected.caller.org_id, "command.rejected", datetime.now(UTC), **data)
        uow.commit()
