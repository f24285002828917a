"""An answer after the offer's deadline is refused at the boundary, by the answer's own time: on HTTP and on the
inbound topic alike (one service-layer rule), whether or not the matcher has expired the offer yet."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from contracts import events as ev
from contracts import topics
from contracts.inbound import InboundCommand
from services.intake.adapters.orm import OfferRecord, Outbox
from services.intake.domain.errors import Conflict, OfferExpired
from services.intake.service_layer import inbound, offers, projections
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

SHELTER = Caller("sh-a", "shelter", None, None)
CORP = Caller("corp-a", "corporation", None, None)


def offer_made(engine, expires_in: timedelta, offer_id: str = "off-1") -> None:
    now = datetime.now(UTC)
    projections.handle(ev.OfferMade(producer="matcher", occurred_at=now - timedelta(hours=1), offer_id=offer_id,
                                    round_id="r1", candidate_id="c1", shelter="sh-a", unit_id="corp-a:u1",
                                    corporation="corp-a", region="R01", priority=1, explanation={},
                                    expires_at=now + expires_in), IntakeUnitOfWork(engine))


def answer(engine, caller=SHELTER, kind="acceptance", reason=None):
    return offers.answer_offer(IntakeUnitOfWork(engine), caller, "off-1", kind, reason)


def answers_sent(engine) -> int:
    with Session(engine) as s:
        return len(s.exec(select(Outbox).where(Outbox.topic == topics.OFFER_RESPONSES.name)).all())


def test_an_answer_before_the_deadline_is_taken(engine):
    offer_made(engine, timedelta(minutes=5))
    status, body = answer(engine)
    assert status == 200 and body["person_answer"] == "accepted" and answers_sent(engine) == 1


@pytest.mark.parametrize("caller,kind,reason", [(SHELTER, "acceptance", None), (SHELTER, "decline", "other"),
                                                (CORP, "confirmation", None), (CORP, "rejection", "other")])
def test_an_answer_after_the_deadline_is_refused_before_the_matcher_expired_the_offer(engine, caller, kind, reason):
    offer_made(engine, timedelta(seconds=-1))  # deadline passed; no OfferExpired has arrived
    with pytest.raises(OfferExpired) as exc:
        answer(engine, caller, kind, reason)
    assert (exc.value.status, exc.value.title) == (409, "Offer expired")
    assert "expired" in exc.value.detail and [e["field"] for e in exc.value.errors] == ["offer_id"]
    assert answers_sent(engine) == 0
    with Session(engine) as s:  # the refusal left no answer on the offer
        rec = s.get(OfferRecord, "off-1")
        assert (rec.person_answer, rec.corporation_answer, rec.status) == (None, None, "open")


def test_an_offer_the_matcher_expired_is_refused_as_expired_too(engine):
    offer_made(engine, timedelta(minutes=5))
    projections.handle(ev.OfferExpired(producer="matcher", occurred_at=datetime.now(UTC), offer_id="off-1",
                                       region="R01"), IntakeUnitOfWork(engine))
    with pytest.raises(OfferExpired):
        answer(engine)


def test_other_closed_offers_keep_their_own_conflict(engine):
    offer_made(engine, timedelta(minutes=5))
    projections.handle(ev.OfferWithdrawn(producer="matcher", occurred_at=datetime.now(UTC), offer_id="off-1",
                                         region="R01", reason="vacancy withdrawn"), IntakeUnitOfWork(engine))
    with pytest.raises(Conflict) as exc:
        answer(engine)
    assert not isinstance(exc.value, OfferExpired) and exc.value.detail == "the offer is withdrawn"


def test_the_same_answer_given_in_time_is_still_answered_the_same_after_the_deadline(engine, monkeypatch):
    offer_made(engine, timedelta(minutes=5))
    assert answer(engine)[0] == 200
    later = datetime.now(UTC) + timedelta(minutes=10)
    monkeypatch.setattr(offers, "now", lambda: later)
    assert answer(engine)[0] == 200 and answers_sent(engine) == 1  # a resend, not a new answer


def test_the_inbound_command_path_refuses_a_late_answer_with_the_same_rule(engine):
    offer_made(engine, timedelta(seconds=-1))
    command = InboundCommand(command_id=uuid.uuid4(), org_id="sh-a", command="offer.accept", target="off-1",
                             sent_at=datetime.now(UTC) - timedelta(minutes=5))  # a partner's clock is not trusted
    with pytest.raises(inbound.Rejected) as exc:
        inbound.execute(lambda idem=None: IntakeUnitOfWork(engine, idem), "secret", SHELTER, command)
    assert exc.value.reason.startswith("409 Offer expired: the offer expired") and "offer_id" in exc.value.reason
    assert answers_sent(engine) == 0
