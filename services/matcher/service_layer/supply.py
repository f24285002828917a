"""What can be offered: vacancies, and the municipalities' agreements and neighbourhood limits."""
from __future__ import annotations

from contracts import events as ev
from services.matcher.adapters.orm import Agreement, NeighbourhoodLimit, Unit
from services.matcher.service_layer.offers import mark_dirty, withdraw_active_offers
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork


def vacancy_published(event: ev.VacancyPublished, uow: MatcherUnitOfWork) -> None:
    s = uow.session
    unit = uow.get(Unit, event.unit_id)
    fields = event.model_dump(include={"region", "corporation", "municipality", "neighbourhood", "kind", "rooms",
                                       "places", "wheelchair_accessible", "bag_id", "available_from", "rent"}, mode="json")
    fields["available_from"] = event.available_from
    fields["support"] = [str(x) for x in event.support]
    if unit is None:
        uow.add(Unit(unit_id=event.unit_id, status="open", arrived_at=event.occurred_at, **fields), event.unit_id)
    else:
        if unit.status == "withdrawn":  # a new vacancy in the same unit arrives now; a correction keeps its time
            unit.arrived_at, unit.withdrawn_at = event.occurred_at, None
        # Published again (e.g. a new vacancy in the same unit, or corrected data).
        for k, v in fields.items():
            setattr(unit, k, v)
        # The intake clears a re-published vacancy's reason; the next round tells it again if it holds.
        unit.status, unit.not_offered_reason = "open", None
        s.add(unit)
    mark_dirty(uow, event.region)


def vacancy_withdrawn(event: ev.VacancyWithdrawn, uow: MatcherUnitOfWork) -> None:
    unit = uow.get(Unit, event.unit_id)
    if unit is None or unit.status == "withdrawn":
        return
    withdraw_active_offers(uow, event, unit_id=unit.unit_id, reason="vacancy withdrawn")
    unit.status, unit.withdrawn_at = "withdrawn", event.occurred_at
    uow.session.add(unit)


def agreement_registered(event: ev.AgreementRegistered, uow: MatcherUnitOfWork) -> None:
    s = uow.session
    row = s.get(Agreement, (event.corporation, event.municipality, event.period))
    if row is None:
        row = Agreement(corporation=event.corporation, municipality=event.municipality, period=event.period,
                        region=event.region, max_places=event.max_places, used=event.used)
    else:
        row.max_places, row.used, row.region = event.max_places, event.used, event.region
    s.add(row)
    mark_dirty(uow, event.region)


def limit_set(event: ev.NeighbourhoodLimitSet, uow: MatcherUnitOfWork) -> None:
    s = uow.session
    row = s.get(NeighbourhoodLimit, (event.neighbourhood, event.period))
    if row is None:
        row = NeighbourhoodLimit(neighbourhood=event.neighbourhood, period=event.period, region=event.region,
                                 max_placements=event.max_placements, used=event.used)
    else:
        row.max_placements, row.used, row.region = event.max_placements, event.used, event.region
    s.add(row)
    mark_dirty(uow, event.region)
