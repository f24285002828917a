"""The matcher records when people and homes arrived and left (event time), for the replay (issue 21)."""
from __future__ import annotations

from datetime import timedelta

from contracts import events as ev
from services.matcher.adapters.orm import Candidate, Unit
from tests.unit.matcher.test_lifecycle import T0, candidate, feed, uow, vacancy  # noqa: F401 - fixture

LATER = T0 + timedelta(hours=5)


def rows(uow, cls, key):
    with uow() as u:
        row = u.session.get(cls, key)
        u.session.expunge(row)
        return row


def test_arrival_is_the_events_time_and_a_correction_keeps_it(uow):
    feed(uow, candidate("c1", at=T0), vacancy("corp-a:u1", at=T0 + timedelta(minutes=3)))
    feed(uow, vacancy("corp-a:u1", rooms=2, at=LATER))  # corrected data, same vacancy
    assert rows(uow, Candidate, "c1").arrived_at == T0
    unit = rows(uow, Unit, "corp-a:u1")
    assert (unit.arrived_at, unit.withdrawn_at, unit.rooms) == (T0 + timedelta(minutes=3), None, 2)


def test_withdrawal_and_a_new_vacancy_in_the_same_unit(uow):
    feed(uow, vacancy("corp-a:u1", at=T0), candidate("c1", at=T0))
    feed(uow, ev.VacancyWithdrawn(occurred_at=LATER, producer="corp-a", unit_id="corp-a:u1", corporation="corp-a",
                                  region="R01", reason="sold"),
         ev.CandidateWithdrawn(occurred_at=LATER, producer="sh", candidate_id="c1", region="R01",
                               reason="found a home"))
    assert rows(uow, Unit, "corp-a:u1").withdrawn_at == LATER
    assert rows(uow, Candidate, "c1").withdrawn_at == LATER
    again = LATER + timedelta(days=30)
    feed(uow, vacancy("corp-a:u1", at=again))
    unit = rows(uow, Unit, "corp-a:u1")
    assert (unit.arrived_at, unit.withdrawn_at, unit.status) == (again, None, "open")


def test_an_erased_person_keeps_no_times(uow):
    c = candidate("c1", at=T0)
    feed(uow, c, ev.PersonErased(occurred_at=LATER, producer="intake", person_ref=c.person_ref))
    row = rows(uow, Candidate, "c1")
    assert (row.status, row.arrived_at, row.withdrawn_at, row.profile) == ("withdrawn", None, None, {})
