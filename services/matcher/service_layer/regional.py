"""The regions' own rules in the matcher (issue 20): versioned policies, support providers' room, and what a
round needs of them. The rules themselves are pure (domain/regional.py); this reads and records them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlmodel import select

from contracts import events as ev
from contracts.solver_policy import Policy
from services.matcher.adapters.orm import FixedPair, Offer, RegionClock, RegionPolicy, SupportProvider
from services.matcher.adapters.solver import base_policy
from services.matcher.domain.regional import policy_in_force, region_policy
from services.matcher.domain.rounds import HOLDING, RegionState
from services.matcher.service_layer.common import PRODUCER
from services.matcher.service_layer.offers import mark_dirty
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork


def region_policy_registered(event: ev.RegionPolicyRegistered, uow: MatcherUnitOfWork) -> None:
    row = uow.session.get(RegionPolicy, (event.region, event.version))
    policy = event.policy.model_dump(mode="json", exclude_unset=True)
    if row is None:
        row = RegionPolicy(region=event.region, version=event.version, effective_from=event.effective_from,
                           policy=policy)
    else:
        row.effective_from, row.policy = event.effective_from, policy
    uow.session.add(row)
    mark_dirty(uow, event.region)


def support_capacity_set(event: ev.SupportCapacitySet, uow: MatcherUnitOfWork) -> None:
    row = uow.session.get(SupportProvider, (event.provider, event.period))
    if row is None:
        row = SupportProvider(provider=event.provider, period=event.period, max_new_clients=event.max_new_clients,
                              used=event.used)
    else:
        row.max_new_clients, row.used = event.max_new_clients, event.used
    uow.session.add(row)
    # The provider may serve any region: every region looks again at its next pass.
    uow.session.execute(update(RegionClock).values(dirty=True))


# Built once, with bound parameters: every round reads these (region_state.py says why).
_POLICY_VERSIONS = select(RegionPolicy.version, RegionPolicy.effective_from, RegionPolicy.policy).where(
    RegionPolicy.region == bindparam("region"))
_PROVIDERS = select(SupportProvider.provider, SupportProvider.period, SupportProvider.max_new_clients,
                    SupportProvider.used).where(SupportProvider.provider.in_(bindparam("providers", expanding=True)))
_HELD_PER_PROVIDER = select(Offer.support_provider, Offer.period, func.count()).where(
    Offer.support_provider.in_(bindparam("providers", expanding=True)), Offer.status.in_(sorted(HOLDING))
).group_by(Offer.support_provider, Offer.period)
_FIXED_PAIRS = select(FixedPair).where(FixedPair.region == bindparam("region"))


def policy_overrides(uow: MatcherUnitOfWork, region: str, at: datetime) -> dict[str, Any]:
    rows = uow.rows(_POLICY_VERSIONS, region=region)
    return policy_in_force([(r.version, r.effective_from, r.policy) for r in rows], at)


def policy_at(uow: MatcherUnitOfWork, region: str, at: datetime) -> Policy:
    """The whole policy of ``region`` in force at event time ``at``."""
    return region_policy(base_policy(), policy_overrides(uow, region, at))


def provider_rooms(uow: MatcherUnitOfWork, providers: set[str]) -> list[dict[str, Any]]:
    """Each provider's room per period, with the new clients that offers and proposals in every region hold."""
    if not providers:
        return []
    rows = uow.rows(_PROVIDERS, providers=sorted(providers))
    held = dict(((p, period), n) for p, period, n in uow.rows(_HELD_PER_PROVIDER, providers=sorted(providers)))
    return [{"provider": r.provider, "period": r.period, "max_new_clients": r.max_new_clients,
             "used": r.used + held.get((r.provider, r.period), 0)} for r in rows]


def with_regional_rules(uow: MatcherUnitOfWork, state: RegionState) -> dict[tuple[str, str], FixedPair]:
    """Fill the state's policy in force, providers' room and manual matches; returns the manual matches."""
    state.policy = policy_overrides(uow, state.region, state.at)
    state.providers = provider_rooms(uow, {p for c in state.candidates
                                           if (p := c.profile.get("support_provider_id"))})
    fixed = {(f.candidate_id, f.unit_id): f for f in
             uow.session.exec(_FIXED_PAIRS, params={"region": state.region}).all()}
    state.fixed = list(fixed)
    return fixed


def refuse_manual_matches(uow: MatcherUnitOfWork, state: RegionState, manual: dict[tuple[str, str], FixedPair],
                          refused: dict[tuple[str, str], list[str]], instance: dict[str, Any]) -> None:
    """Tell the transfer point which manual matches break a rule (and why), and forget them."""
    admitted = {tuple(p) for p in instance.get("fixed_assignments", ())}
    gone = {pair: [f"fixed pair ({pair[0]} -> {pair[1]}): the candidate is not waiting (parked, placed or "
                   "withdrawn) or the unit has no free place (let, held or withdrawn)"]
            for pair in manual if pair not in admitted and pair not in refused}
    for pair, errors in (refused | gone).items():
        row = manual.pop(pair)
        uow.session.delete(row)
        uow.emit(ev.ManualMatchRefused(producer=PRODUCER, occurred_at=state.at, region=state.region,
                                       candidate_id=pair[0], unit_id=pair[1], transfer_point=row.transfer_point,
                                       errors=tuple(e[:500] for e in errors[:20])))
