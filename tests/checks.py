"""Invariants of the product, checked on the real database after a run."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


def agreements_exceeded(db: Connection) -> list:
    return db.execute(text("""
        select a.corporation, a.municipality, a.period from matcher_agreement a
        join matcher_unit u on u.corporation = a.corporation and u.municipality = a.municipality
        join matcher_offer o on o.unit_id = u.unit_id and o.period = a.period and o.status in ('made', 'placed')
        group by a.corporation, a.municipality, a.period, a.max_places, a.used
        having count(o.offer_id) + a.used > a.max_places""")).all()


def limits_exceeded(db: Connection) -> list:
    return db.execute(text("""
        select l.neighbourhood, l.period from matcher_neighbourhood_limit l
        join matcher_unit u on u.neighbourhood = l.neighbourhood
        join matcher_offer o on o.unit_id = u.unit_id and o.period = l.period and o.status in ('made', 'placed')
        group by l.neighbourhood, l.period, l.max_placements, l.used
        having count(o.offer_id) + l.used > l.max_placements""")).all()


def units_overfilled(db: Connection) -> list:
    return db.execute(text("""
        select u.unit_id from matcher_unit u join matcher_offer o on o.unit_id = u.unit_id
        where o.status in ('made', 'placed') group by u.unit_id, u.places having count(*) > u.places""")).all()


def pairs_offered_twice(db: Connection) -> list:
    return db.execute(text("""
        select candidate_id, unit_id from matcher_offer group by candidate_id, unit_id having count(*) > 1""")).all()


def persons_placed_twice(db: Connection) -> list:
    return db.execute(text("""
        select candidate_id from matcher_offer where status = 'placed' group by candidate_id having count(*) > 1""")).all()


def processed_event_ids(db: Connection) -> set[str]:
    ids: set[str] = set()
    for service in ("intake", "matcher", "ledger"):
        ids |= {r[0] for r in db.execute(text(f"select event_id from {service}_processed_event"))}
    return ids


def realised_places(db: Connection) -> int:
    return db.execute(text("select count(*) from ledger_place where status = 'realised'")).scalar_one()
