"""An answer field shown once (a webhook's secret, a new token: Operation.shown_once) is never kept with the stored
idempotent answer: the first call answers it, a replay of the same key answers it null, and no stored row holds it.
The service layer's own road (dispatch.execute, run_idempotent, the unit of work) on the intake's tables in SQLite."""
from __future__ import annotations

import secrets

from sqlmodel import select

from services.intake.adapters.orm import IdempotencyRecord
from services.intake.domain.answer_parts import Answer
from services.intake.service_layer import administration, dispatch
from services.intake.service_layer.operation_types import Call, Operation
from services.intake.service_layer.operations import OPERATIONS
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import Idempotency, IntakeUnitOfWork

CALLER = Caller(org_id="org-1", role="shelter", municipality=None, region="R07")


class Made(Answer):
    made_id: str
    secret: str | None


def made(secret: str):
    def run(call: Call, uow: IntakeUnitOfWork):
        with uow:
            return uow.finish(201, {"made_id": "m-1", "secret": secret})
    return Operation("POST", "/made", "makeOne", "Make one", "made", (), run, Made, success=(201,), write=True,
                     idempotent=True, shown_once=("secret",))


def stored(engine) -> list[IdempotencyRecord]:
    with IntakeUnitOfWork(engine) as uow:
        return list(uow.session.exec(select(IdempotencyRecord)).all())


def test_a_replay_answers_without_the_secret_and_no_stored_answer_holds_it(engine):
    secret = "whsec_" + secrets.token_urlsafe(24)
    op = made(secret)
    call = Call(caller=CALLER, make_uow=lambda idem=None: IntakeUnitOfWork(engine, idem), secret="pseudonyms",
                idem=Idempotency(CALLER.org_id, "http:key-1", "hash-of-the-request"))
    first = dispatch.execute(op, call)
    again = dispatch.execute(op, call)
    assert first == (201, {"made_id": "m-1", "secret": secret}, False)
    assert again == (201, {"made_id": "m-1", "secret": None}, True)
    (row,) = stored(engine)
    assert row.body == {"made_id": "m-1"} and secret not in repr(row.body)


def test_an_operation_without_shown_once_keeps_its_whole_answer(engine):
    op = made("not-a-secret")
    plain = Operation(op.method, op.path, op.operation_id, op.summary, op.tag, op.roles, op.run, op.response,
                      success=op.success, write=True)
    call = Call(caller=CALLER, make_uow=lambda idem=None: IntakeUnitOfWork(engine, idem), secret="pseudonyms",
                idem=Idempotency(CALLER.org_id, "form:key-2", "hash"))
    assert dispatch.execute(plain, call)[1]["secret"] == "not-a-secret"
    assert dispatch.execute(plain, call) == (201, {"made_id": "m-1", "secret": "not-a-secret"}, True)


def test_the_operations_that_answer_a_secret_or_a_token_name_it_shown_once():
    by_id = {op.operation_id: op for op in OPERATIONS}
    assert by_id["registerWebhook"].shown_once == ("secret",) and by_id["registerWebhook"].idempotent
    assert administration.ISSUE_TOKEN.shown_once == ("token",)
    assert administration.CREATE_ORGANISATION.shown_once == ("token",)
    # Every answer with a secret, a token or an enrolment code names it shown once (so a key never stores it).
    ops = [*OPERATIONS, administration.ISSUE_TOKEN, administration.CREATE_ORGANISATION]
    secretive = {op.operation_id: tuple(sorted({"secret", "token", "enrolment_code"} & set(op.response.model_fields)))
                 for op in ops}
    assert {op.operation_id: op.shown_once for op in ops if op.shown_once} == \
        {name: fields for name, fields in secretive.items() if fields}
    assert set(secretive) >= {"createUser", "resetUserPassword"} and secretive["createUser"] == ("enrolment_code",)
    # Not on the inbound topic: its result notice would carry the whole answer onto Kafka.
    assert not [op.operation_id for op in ops if op.shown_once and op.command]
