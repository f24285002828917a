"""The ledger's handlers: journal every placement event once, keep the de-duplicated places current.

The consumed event id is stored in the same transaction as the journal entry (the inbox), so a
redelivered event -- after a rebalance, or a broker that started again at offset 0 -- never
counts twice. After journalling, the places of the person concerned are re-derived from that
person's entries by the same pure fold the reports use (domain/journal.py), so the
``ledger_place`` cache always equals the fold, whatever order events arrived in.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from sqlalchemy import delete, tuple_, update
from sqlmodel import select

from contracts import events as ev
from services.ledger.adapters.orm import AgreementTarget, Entry, Erasure, NeighbourhoodLimit, Org, Place, Token
from services.ledger.domain import journal as jr
from services.ledger.service_layer.unit_of_work import LedgerUnitOfWork
from services.kernel.config import settings
from services.kernel.uow import apply_in_batch


def handle(event: ev.Event, uow: LedgerUnitOfWork) -> None:
    handle_batch([event], uow)


def handle_batch(events: list[ev.Event], uow: LedgerUnitOfWork) -> None:
    """Journal a batch in one transaction; each person's places are re-derived once, at the end."""
    def apply(event: ev.Event, uow: LedgerUnitOfWork) -> None:
        HANDLERS[type(event)](event, uow)

    def refresh_pending(uow: LedgerUnitOfWork) -> None:
        refresh_persons(uow, sorted(uow.cache.pop(_PENDING, set())))

    def prefetch(events: list[ev.Event], uow: LedgerUnitOfWork) -> None:
        # Whether anyone in the batch was erased before: one query, not one per report.
        refs = {e.person_ref for e in events if isinstance(getattr(e, "person_ref", None), str)}
        uow.prefetch(Erasure, Erasure.ref_digest, {_digest(r) for r in refs})

    apply_in_batch(uow, events, apply, prefetch, before_commit=refresh_pending)


_PENDING = ("ledger", "persons to refresh")


# --- journal ---------------------------------------------------------------------------

def _digest(person_ref: str) -> str:
    return hmac.new(settings().pseudonym_secret.encode(), b"ledger-erasure:" + person_ref.encode(),
                    hashlib.sha256).hexdigest()


def _live_ref(uow: LedgerUnitOfWork, person_ref: str) -> str:
    """The reference to journal under: the tombstone when the person was erased already."""
    erased = uow.get(Erasure, _digest(person_ref))
    return erased.tombstone if erased else person_ref


def _journal(uow: LedgerUnitOfWork, event: ev.Event, kind: str, source: str, source_kind: str = "",
             report_id: str | None = None, person_ref: str | None = None) -> None:
    uow.session.add(Entry(event_id=str(event.event_id), kind=kind, source=source, source_kind=source_kind,
                          report_id=report_id, person_ref=person_ref, occurred_at=event.occurred_at,
                          recorded_at=datetime.now(UTC),
                          data=event.model_dump(mode="json", exclude={"person_ref"})))


def to_domain(row: Entry) -> jr.Entry:
    return jr.Entry(event_id=row.event_id, kind=row.kind, occurred_at=row.occurred_at, source=row.source,
                    source_kind=row.source_kind, report_id=row.report_id, person_ref=row.person_ref, data=row.data)


def refresh_person(uow: LedgerUnitOfWork, person_ref: str, now: bool = False) -> None:
    """Rewrite one person's cached places from the fold over that person's entries (at the end of the batch)."""
    if now:
        refresh_persons(uow, [person_ref])
    else:
        uow.cache.setdefault(_PENDING, set()).add(person_ref)


def refresh_persons(uow: LedgerUnitOfWork, refs: list[str]) -> None:
    """Re-derive the cached places of several persons: a handful of queries, however many persons."""
    if not refs:
        return
    s = uow.session
    own_by_person: dict[str, list[Entry]] = {r: [] for r in refs}
    for chunk in _chunks(refs, 500):
        for e in s.exec(select(Entry).where(Entry.person_ref.in_(chunk))).all():
            own_by_person[e.person_ref].append(e)
    report_keys = {(e.source, e.report_id) for es in own_by_person.values() for e in es
                   if e.kind in (jr.CONFIRMED, jr.REPORTED)}
    retractions: dict[tuple[str, str], list[Entry]] = {}
    for chunk in _chunks(sorted(report_keys), 500):
        for r in s.exec(select(Entry).where(Entry.kind == jr.RETRACTED,
                                            tuple_(Entry.source, Entry.report_id).in_(chunk))).all():
            retractions.setdefault((r.source, r.report_id), []).append(r)
    for chunk in _chunks(refs, 500):
        s.exec(delete(Place).where(Place.person_ref.in_(chunk)))
    for ref in refs:
        own = own_by_person[ref]
        keys = {(e.source, e.report_id) for e in own if e.kind in (jr.CONFIRMED, jr.REPORTED)}
        extra = [r for k in keys for r in retractions.get(k, ()) if r.person_ref != ref]
        view = jr.fold([to_domain(e) for e in [*own, *extra]])
        for p in view.places:
            s.add(place_row(p))


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def place_row(p: jr.PlaceView) -> Place:
    return Place(person_ref=p.person_ref, unit_key=p.unit_key, region=p.region, municipality=p.municipality,
                 corporation=p.corporation, neighbourhood=p.neighbourhood, strategy=p.strategy,
                 unit_kind=p.unit_kind, housing_first=p.housing_first, move_in_date=p.move_in_date,
                 days_in_shelter=p.days_in_shelter, youth=p.youth, household_size=p.household_size,
                 children=p.children, sources=[list(x) for x in p.sources], status=p.status, ended_on=p.ended_on)


def place_view(row: Place) -> jr.PlaceView:
    return jr.PlaceView(person_ref=row.person_ref, unit_key=row.unit_key, status=row.status, strategy=row.strategy,
                        unit_kind=row.unit_kind, region=row.region, municipality=row.municipality,
                        corporation=row.corporation, neighbourhood=row.neighbourhood,
                        housing_first=row.housing_first, move_in_date=row.move_in_date,
                        days_in_shelter=row.days_in_shelter, youth=row.youth, household_size=row.household_size,
                        children=row.children, sources=tuple(tuple(x) for x in row.sources),
                        ended_on=row.ended_on)


# --- placement events ------------------------------------------------------------------

def placement_confirmed(event: ev.PlacementConfirmed, uow: LedgerUnitOfWork) -> None:
    ref = _live_ref(uow, event.person_ref)
    _journal(uow, event, jr.CONFIRMED, jr.MATCHER, jr.MATCHER, event.placement_id, ref)
    refresh_person(uow, ref)


def placement_reported(event: ev.PlacementReported, uow: LedgerUnitOfWork) -> None:
    ref = _live_ref(uow, event.person_ref)
    _journal(uow, event, jr.REPORTED, event.source, event.source_kind.value, event.report_id, ref)
    refresh_person(uow, ref)


def placement_retracted(event: ev.PlacementRetracted, uow: LedgerUnitOfWork) -> None:
    """A compensating entry; the report it names may not have arrived yet (then nothing changes now)."""
    ref = _live_ref(uow, event.person_ref)
    _journal(uow, event, jr.RETRACTED, event.source, report_id=event.report_id, person_ref=ref)
    # The report decides whose it is (a retraction naming the wrong person still retracts that report).
    # No autoflush: a report earlier in this batch has queued its own person's refresh already, so only
    # reports of earlier batches need finding, and flushing the batch for each retraction was costly.
    with uow.session.no_autoflush:
        persons = uow.session.exec(select(Entry.person_ref).where(
            Entry.source == event.source, Entry.report_id == event.report_id,
            Entry.kind.in_((jr.CONFIRMED, jr.REPORTED)))).all()
    for ref in sorted({p for p in persons if p} | {ref}):
        refresh_person(uow, ref)


def placement_ended(event: ev.PlacementEnded, uow: LedgerUnitOfWork) -> None:
    ref = _live_ref(uow, event.person_ref)
    _journal(uow, event, jr.ENDED, event.producer, person_ref=ref)
    refresh_person(uow, ref)


def totals_reported(event: ev.PlacementTotalsReported, uow: LedgerUnitOfWork) -> None:
    _journal(uow, event, jr.TOTALS, event.source, event.source_kind.value)


def person_erased(event: ev.PersonErased, uow: LedgerUnitOfWork) -> None:
    """Replace the reference by a tombstone everywhere; every count stays as it was."""
    s = uow.session
    digest = _digest(event.person_ref)
    erased = uow.get(Erasure, digest)
    tombstone = erased.tombstone if erased else f"tombstone:{event.event_id.hex}"
    if not erased:
        uow.add(Erasure(ref_digest=digest, tombstone=tombstone), digest)  # later events of the batch see it
    s.exec(update(Entry).where(Entry.person_ref == event.person_ref).values(person_ref=tombstone))
    s.exec(update(Place).where(Place.person_ref == event.person_ref).values(person_ref=tombstone))
    _journal(uow, event, jr.ERASED, event.producer, person_ref=tombstone)
    refresh_person(uow, tombstone)


# --- reference data: organisations, tokens, agreements, neighbourhood limits -------------

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
    _journal(uow, event, jr.AGREEMENT, event.producer)


def limit_set(event: ev.NeighbourhoodLimitSet, uow: LedgerUnitOfWork) -> None:
    row = uow.session.get(NeighbourhoodLimit, (event.neighbourhood, event.period))
    row = row or NeighbourhoodLimit(neighbourhood=event.neighbourhood, period=event.period,
                                    municipality=event.municipality, region=event.region,
                                    max_placements=event.max_placements)
    row.max_placements, row.used, row.municipality, row.region = (event.max_placements, event.used,
                                                                  event.municipality, event.region)
    uow.session.add(row)
    _journal(uow, event, jr.LIMIT, event.producer)


HANDLERS = {
    ev.PlacementConfirmed: placement_confirmed,
    ev.PlacementReported: placement_reported,
    ev.PlacementRetracted: placement_retracted,
    ev.PlacementEnded: placement_ended,
    ev.PlacementTotalsReported: totals_reported,
    ev.PersonErased: person_erased,
    ev.OrganisationRegistered: organisation_registered,
    ev.ApiTokenIssued: token_issued,
    ev.ApiTokenRevoked: token_revoked,
    ev.AgreementRegistered: agreement_registered,
    ev.NeighbourhoodLimitSet: limit_set,
}
