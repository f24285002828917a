"""Running one operation of the table for an authenticated caller: the part every entrance shares.

The HTTP API (entrypoints/views.py) and the screens (entrypoints/screens/) both come through here, so
who may run what, the idempotent write, and the audit of refusals and of personal reads exist once.
The entrances only translate: they parse and validate the request their own way, then call ``execute``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from services.intake.domain import accounts as account_rules
from services.intake.domain.errors import Forbidden, IntakeError, NotFound
from services.intake.service_layer import common, idempotency
from services.intake.service_layer.operation_types import Call, Operation
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def audited(op: Operation) -> bool:
    """Writes, and reads of candidates' personal data, are audited, refused or not."""
    return op.write or op.personal


def record_of(params: dict[str, str]) -> str:
    return next(iter(params.values()), "-")


_PATH_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,79}")


def check_path(params: dict[str, str]) -> None:
    """An id in a path that no record can have answers 404 before anything is looked up."""
    for name, value in params.items():
        if not _PATH_VALUE.fullmatch(value):
            raise NotFound(f"no such {name.removesuffix('_id')}")


def authorise(op: Operation, caller: Caller, params: dict[str, str], make_uow: Callable[[], IntakeUnitOfWork]
              ) -> None:
    """The organisation's role, then (for a person) the person's role: refused with 403, audited."""
    if op.roles and caller.role not in op.roles:
        refused = Forbidden(f"this action is for the role(s): {', '.join(op.roles)}")
    elif caller.user_id is not None and not account_rules.may_use(caller.user_role, op.tag):
        # A person does no more than the organisation's token, narrowed by their role.
        refused = Forbidden("this action is not for the person's role")
    else:
        return
    if audited(op):
        common.audit_apart(make_uow(), caller, op.operation_id, record_of(params), "refused:403")
    raise refused


def execute(op: Operation, call: Call) -> tuple[int, Any, bool]:
    """(status, answer, replayed) of an authorised, parsed call; an IntakeError after auditing a refusal."""
    def run():
        if not op.write:
            return (op.success[0], op.run(call, call.make_uow())), False
        # What is shown once is not stored with the answer: a replay answers without it.
        idem = replace(call.idem, withheld=op.shown_once) if call.idem is not None else None
        return idempotency.run_idempotent(call.make_uow, idem, lambda uow: op.run(call, uow))

    try:
        (status, payload), replayed = run()
    except IntakeError as exc:
        if audited(op) and exc.status in (403, 404, 409, 422):
            common.audit_apart(call.make_uow(), call.caller, op.operation_id, record_of(call.params),
                               f"refused:{exc.status}")
        raise
    if replayed:  # the stored answer lacks what is shown once: answered null, the field still there
        payload = {**dict.fromkeys(op.shown_once), **payload}
    if op.personal and not op.write:
        # Who read which candidate's data is logged like a write (special categories of personal data).
        common.audit_apart(call.make_uow(), call.caller, op.operation_id, record_of(call.params), "ok")
    return status, op.response.model_validate(payload).model_dump(mode="json"), replayed
