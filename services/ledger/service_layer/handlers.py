"""The ledger's handlers: journal every placement event once, keep the de-duplicated places current.

The consumed event id is stored in the same transaction as the journal entry
(the inbox), so a redelivered event -- after a rebalance, or a broker that
started again at offset 0 -- never counts twice.
"""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from contracts import events as ev
from services.ledger.adapters.orm import AgreementTarget, Entry, Org, Place, Token
from services.ledger.domain.places import MOVE_IN_TOLERANCE_DAYS, strategy_of, unit_key
from services.ledger.service_layer.unit_of_work import LedgerUnitOfWork


def handle(event: ev.Event, uow: LedgerUnitOfWork) -> None:
    with uow:
        if uow.seen(event):
            return
        HANDLERS[type(event)](event, uow)
        uow.mark_processed(event)
        uow.commit()


def _journal(uow: LedgerUnitOfWork, event: ev.Event, kind: str, source: str, **cols) -> None:
    uow.session.add(Entry(event_id=str(event.event_id), kind=kind, source=source, recorded_at=event.occurred_at,
                          data=event.model_dump(mode="json", exclude={"person_ref"}), **cols))


def _record_placement(uow: LedgerUnitOfWork, event: ev.PlacementFacts, source: str, report_id: str,
                      kind: str) -> None:
    key = unit_key(event.bag_id, event.corporation, event.unit_id)
    _journal(uow, event, kind, source, report_id=report_id, person_ref=event.person_ref, unit_key=key)
    s = uow.session
    tolerance = timedelta(days=MOVE_IN_TOLERANCE_DAYS)
    same = [p for p in s.exec(select(Place).where(Place.person_ref == event.person_ref,
                                                  Place.unit_key == key)).all()
            if abs(p.move_in_date - event.move_in_date) <= tolerance]
    ref = {"source": source, "report_id": report_id}
    if same:
        place = same[0]
        if ref not in place.sources:
            place.sources = [*place.sources, ref]
        if place.status == "retracted":
            place.status = "realised"
        # The matcher knows the person's stay; keep its facts where a monitor had none.
        for f in ("days_in_shelter", "youth", "household_size", "children", "neighbourhood"):
            if getattr(place, f) is None and getattr(event, f) is not None:
                setattr(place, f, getattr(event, f))
        s.add(place)
        return
    s.add(Place(person_ref=event.person_ref, unit_key=key, region=event.region, municipality=event.municipality,
                corporation=event.corporation, neighbourhood=event.neighbourhood,
                strategy=strategy_of(event.unit_kind), unit_kind=event.unit_kind, housing_first=event.housing_first,
                move_in_date=event.move_in_date, days_in_shelter=event.days_in_shelter, youth=event.youth,
                household_size=event.household_size, children=event.children, sources=[ref]))


def placement_confirmed(event: ev.PlacementConfirmed, uow: LedgerUnitOfWork) -> None:
    _record_placement(uow, event, "matcher", event.placement_id, "confirmed")


def placement_reported(event: ev.PlacementReported, uow: LedgerUnitOfWork) -> None:
    _record_placement(uow, event, event.source, event.report_id, "reported")


def placement_retracted(event: ev.PlacementRetracted, uow: LedgerUnitOfWork) -> None:
    _journal(uow, event, "retracted", event.source, report_id=event.report_id)
    ref = {"source": event.source, "report_id": event.report_id}
    for place in _places_with(uow, ref):
        place.sources = [r for r in place.sources if r != ref]
        if not place.sources:
            place.status = "retracted"
        uow.session.add(place)


def _places_with(uow: LedgerUnitOfWork, ref: dict) -> list[Place]:
    entry = uow.session.exec(select(Entry).where(Entry.source == ref["source"], Entry.report_id == ref["report_id"],
                                                 Entry.person_ref != None)).first()  # noqa: E711
    if entry is None:
        return []
    return [p for p in uow.session.exec(select(Place).where(Place.person_ref == entry.person_ref)).all()
            if ref in p.sources]


def placement_ended(event: ev.PlacementEnded, uow: LedgerUnitOfWork) -> None:
    key = unit_key(event.bag_id, event.corporation, event.unit_id)
    _journal(uow, event, "ended", event.producer, person_ref=event.person_ref, unit_key=key)
    for place in uow.session.exec(select(Place).where(Place.person_ref == event.person_ref,
                                                      Place.unit_key == key)).all():
        place.ended_on = event.end_date
        uow.session.add(place)


def organisation_registered(event: ev.OrganisationRegistered, uow: LedgerUnitOfWork) -> None:
    org = uow.session.get(Org, event.org_id) or Org(org_id=event.org_id, role=event.role)
    org.role, org.municipality, org.region = event.role, event.municipality, event.region
    uow.session.add(org)


def token_issued(event: ev.ApiTokenIssued, uow: LedgerUnitOfWork) -> None:
    if uow.session.get(Token, event.token_hash) is None:
        uow.session.add(Token(token_hash=event.token_hash, org_id=event.org_id))


def token_revoked(event: ev.ApiTokenRevoked, uow: LedgerUnitOfWork) -> None:
    tok = uow.session.get(Token, event.token_hash) or Token(token_hash=event.token_hash, org_id=event.org_id)
    tok.revoked = True
    uow.session.add(tok)


def agreement_registered(event: ev.AgreementRegistered, uow: LedgerUnitOfWork) -> None:
    row = uow.session.get(AgreementTarget, (event.corporation, event.municipality, event.period))
    row = row or AgreementTarget(corporation=event.corporation, municipality=event.municipality,
                                 period=event.period, region=event.region, max_places=event.max_places)
    row.max_places = event.max_places
    uow.session.add(row)


HANDLERS = {
    ev.PlacementConfirmed: placement_confirmed,
    ev.PlacementReported: placement_reported,
    ev.PlacementRetracted: placement_retracted,
    ev.PlacementEnded: placement_ended,
    ev.OrganisationRegistered: organisation_registered,
    ev.ApiTokenIssued: token_issued,
    ev.ApiTokenRevoked: token_revoked,
    ev.AgreementRegistered: agreement_registered,
}
