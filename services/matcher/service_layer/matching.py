"""Matching rounds: read a dirty region, solve it off the event loop, turn the result into offers."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import select

from contracts import events as ev
from services.matcher.adapters.orm import Candidate, Offer, RegionClock, Unit
from services.matcher.domain.explain import RoundExplanation, expiries_as_such, reason_counts
from services.matcher.domain.rounds import RegionState, build_instance
from services.matcher.adapters.solver import admit_fixed_pairs, base_policy
from services.matcher.domain.regional import region_policy, review_due
from services.matcher.service_layer.common import PRODUCER
from services.matcher.service_layer.forecasting import with_forecast
from services.matcher.service_layer.region_state import load_region
from services.matcher.service_layer.regional import refuse_manual_matches, with_regional_rules
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork
from services.kernel import metrics

SolveFn = Callable[[dict[str, Any]], dict[str, Any]]


# Built once: every batching window runs them for every region (region_state.py says why).
_DIRTY = select(RegionClock.region).where(RegionClock.dirty == True)  # noqa: E712
_CLOCK_LOCKED = select(RegionClock).where(RegionClock.region == bindparam("region")).with_for_update()
# The round holds no Candidate objects (region_state reads rows), so there is no session state to synchronise.
_MARK_OFFERED = update(Candidate).where(Candidate.candidate_id.in_(bindparam("ids", expanding=True))).values(
    status="offered").execution_options(synchronize_session=False)


def dirty_regions(uow: MatcherUnitOfWork) -> list[str]:
    with uow:
        return list(uow.session.exec(_DIRTY).all())


def round_id_for(region: str, instance: dict[str, Any]) -> str:
    # Deterministic: the same state gives the same round id, so a replayed round is recognisable.
    digest = hashlib.sha256(repr((region, instance)).encode()).hexdigest()[:16]
    return f"rnd-{region}-{digest}"


ExplainFn = Callable[[dict[str, Any], dict[str, Any]], RoundExplanation]
NO_CANDIDATES = {"assignments": [], "objective": 0, "bound": 0, "status": "OPTIMAL"}
#: Reasons kept per offer for the shelters of the passed-over candidates (the most urgent first);
#: the offer itself carries the counts of all of them.
REASONS_KEPT_PER_OFFER = 50
#: Reasons that tell of an earlier offer of the unit to the person.
EARLIER_OFFER = ("declined_before", "expired_before")


def run_round(uow: MatcherUnitOfWork, region: str, solve: SolveFn, offer_ttl: timedelta,
              solve_in_thread: Callable[[SolveFn, dict], dict] | None = None,
              explain: ExplainFn | None = None) -> list[ev.OfferMade]:
    """One matching round for one region; returns the offers it made."""
    with uow:
        # The row lock makes two workers that both believe they own the region (during a
        # rebalance) take turns: the second then finds the region clean and does nothing.
        clock = uow.session.exec(_CLOCK_LOCKED, params={"region": region}).first()
        if clock is None or not clock.dirty:
            return []
        state = load_region(uow, region)
        manual = with_regional_rules(uow, state)
        rules = region_policy(base_policy(), state.policy)
        instance, refused = admit_fixed_pairs(build_instance(state))
        refuse_manual_matches(uow, state, manual, refused, instance)
        clock.dirty = False
        uow.session.add(clock)
        if not instance["units"] or (not instance["candidates"] and explain is None):
            uow.commit()
            return []
        if rules.strategy == "look_ahead" and instance["candidates"]:
            instance = with_forecast(uow, region, state.at, instance)  # the solver prices the homes with it
        if instance["candidates"]:
            result = solve_in_thread(solve, instance) if solve_in_thread else solve(instance)
            metrics.ROUNDS.labels(region=region).inc()
            if result.get("bound"):
                metrics.OPTIMALITY_GAP.labels(region=region).set(
                    max(0.0, (result["bound"] - result["objective"]) / result["bound"]))
        else:  # nobody waiting: no solve, but the corporations still learn why their units stay free
            result = NO_CANDIDATES
        rid = round_id_for(region, instance)
        at = state.at
        units = {u.unit_id: u for u in state.units}
        # Everyone the solver can choose is in the state (waiting): its shelter and profile are there.
        waiting = {c.candidate_id: c for c in state.candidates}
        period_of = {u["id"]: u.get("period", instance["period"]) for u in instance["units"]}
        why = explain(instance, result) if explain else None
        made, deadlines, offers = [], [], []
        for a in result["assignments"]:
            c_id, u_id = a["candidate"], a["unit"]
            unit, cand = units[u_id], waiting[c_id]
            offer_id = f"off-{hashlib.sha256(f'{rid}/{c_id}/{u_id}'.encode()).hexdigest()[:20]}"
            explanation = a.get("explanation", {})
            priority = int(explanation.get("priority", 0))
            components = {k: int(v) for k, v in explanation.get("components", {}).items()}
            by_hand = manual.pop((c_id, u_id), None)
            review = rules.review.enabled and by_hand is None  # a manual match is the transfer point's decision
            expires = review_due(at, rules.review.flag_after_working_days) if review else at + offer_ttl
            offers.append(dict(offer_id=offer_id, round_id=rid, region=region, candidate_id=c_id, unit_id=u_id,
                               period=period_of[u_id], priority=priority, explanation=components,
                               made_at=at, expires_at=expires, status="proposed" if review else "made",
                               support_provider=cand.profile.get("support_provider_id")))
            deadlines.append(expires)
            if review:
                uow.emit(ev.OfferProposed(producer=PRODUCER, occurred_at=at, offer_id=offer_id, round_id=rid,
                                          candidate_id=c_id, shelter=cand.shelter, unit_id=u_id,
                                          corporation=unit.corporation, region=region, priority=priority,
                                          explanation=components, period=period_of[u_id], review_due=expires))
                continue
            if by_hand is not None:
                uow.session.delete(by_hand)
            passed = expiries_as_such(why.passed_over.get((c_id, u_id), []) if why else [], u_id, state.expired)
            # A unit declined (or left to expire) through another organisation's submission of the person is not
            # named to this shelter: that would show it the other organisation's offer (the counts keep it).
            kept = [p for p in passed if p.reason not in EARLIER_OFFER or (p.candidate, u_id) in state.declined_here
                    ][:REASONS_KEPT_PER_OFFER]
            offer = ev.OfferMade(producer=PRODUCER, occurred_at=at, offer_id=offer_id, round_id=rid,
                                 candidate_id=c_id, shelter=cand.shelter,
                                 unit_id=u_id, corporation=unit.corporation, region=region, priority=priority,
                                 explanation=components, expires_at=expires, period=period_of[u_id],
                                 passed_over=reason_counts(passed),
                                 **({"decision": "manual_match", "decision_reason": by_hand.reason} if by_hand else {}))
            uow.emit(offer)
            if kept:
                uow.emit(offer.caused(
                    ev.CandidatesPassedOver, producer=PRODUCER, offer_id=offer_id, unit_id=u_id,
                    corporation=unit.corporation, region=region,
                    candidates=tuple(ev.PassedOverCandidate(
                        candidate_id=p.candidate, shelter=waiting[p.candidate].shelter, reason=p.reason)
                        for p in kept)))
            made.append(offer)
            metrics.OFFERS.labels(outcome="made").inc()
        if offers:  # one statement each, not an ORM object per offer and per person
            uow.session.execute(insert(Offer), offers)
            uow.session.execute(_MARK_OFFERED, {"ids": [o["candidate_id"] for o in offers]})
        if why is not None:
            _record_unoffered(uow, state, instance, why.unoffered, Counter(o.unit_id for o in made), at)
        if deadlines:
            soonest = min(deadlines)
            clock.next_expiry = soonest if clock.next_expiry is None else min(clock.next_expiry, soonest)
        uow.commit()
        return made


def _record_unoffered(uow: MatcherUnitOfWork, state: RegionState, instance: dict[str, Any],
                      unoffered: dict[str, str], offered: Counter[str], at: datetime) -> None:
    """Tell a corporation why its unit stays free, once per new reason; an offer ends the reason."""
    places_left = {u["id"]: u["places"] for u in instance["units"]}
    changed: dict[str | None, list[str]] = {}
    for u in state.units:
        reason = unoffered.get(u.unit_id)
        # A unit offered in this round starts afresh: a place it still has left gets its reason again.
        before = None if u.unit_id in offered else u.not_offered_reason
        if reason == before and u.not_offered_reason == reason:
            continue
        changed.setdefault(reason, []).append(u.unit_id)
        if reason is not None and reason != before:
            uow.emit(ev.VacancyNotOffered(producer=PRODUCER, occurred_at=at, unit_id=u.unit_id,
                                          corporation=u.corporation, region=u.region, reason=reason,
                                          places_left=places_left[u.unit_id] - offered[u.unit_id]))
    for reason, unit_ids in changed.items():  # one UPDATE per reason, not one look-up per unit
        uow.session.execute(update(Unit).where(Unit.unit_id.in_(unit_ids)).values(not_offered_reason=reason))
