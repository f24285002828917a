"""Why a vacancy stays free, as its corporation sees it (handlers and projection on an SQLite file)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from contracts import events as ev
from services.intake.adapters.orm import Change
from services.intake.domain import commands as cmd
from services.intake.service_layer import projections, vacancies
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

CORP = Caller("corp-a", "corporation", None, None)
T = datetime(2026, 5, 1, 9, tzinfo=UTC)


def publish(engine, rooms=1):
    body = cmd.PublishVacancy.model_validate({
        "unit_id": "u1", "municipality": "GM0363", "region": "R01", "neighbourhood": "BU03630001",
        "kind": "regular", "rooms": rooms, "places": 1, "available_from": "2026-05-01"})
    return vacancies.publish_vacancy(IntakeUnitOfWork(engine), CORP, body)


def apply(engine, event):
    projections.handle(event, IntakeUnitOfWork(engine))


def vacancy(engine):
    return vacancies.get_vacancy(IntakeUnitOfWork(engine), CORP, "u1")


def not_offered(reason, at=T):
    return ev.VacancyNotOffered(producer="matcher", occurred_at=at, unit_id="corp-a:u1", corporation="corp-a",
                                region="R01", reason=reason, places_left=1)


def test_the_reason_shows_on_the_vacancy_and_in_the_feed_until_an_offer_or_a_new_publication(engine):
    publish(engine)
    apply(engine, not_offered("agreement_full"))
    v = vacancy(engine)
    since = v["not_offered_since"]
    assert v["not_offered_reason"] == "agreement_full" and since.replace(tzinfo=since.tzinfo or UTC) == T
    with Session(engine) as s:
        feed = s.exec(select(Change).where(Change.org_id == "corp-a")).all()
    assert [(c.kind, c.data) for c in feed] == [
        ("vacancy.not_offered", {"vacancy_id": "u1", "reason": "agreement_full", "places_left": 1})]
    # Corrected data: the reason is cleared until the matcher's next round tells it again.
    publish(engine, rooms=2)
    assert vacancy(engine)["not_offered_reason"] is None
    apply(engine, not_offered("no_eligible_candidate", T + timedelta(hours=1)))
    assert vacancy(engine)["not_offered_reason"] == "no_eligible_candidate"
    apply(engine, ev.OfferMade(producer="matcher", occurred_at=T + timedelta(hours=2), offer_id="off-1",
                               round_id="r1", candidate_id="c1", shelter="sh", unit_id="corp-a:u1",
                               corporation="corp-a", region="R01", priority=1, explanation={},
                               expires_at=T + timedelta(days=3)))
    assert vacancy(engine)["not_offered_reason"] is None and vacancy(engine)["not_offered_since"] is None
