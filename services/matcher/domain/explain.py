"""Why a unit went to this person and not to someone more urgent (pure).

For every offer, each candidate of the region with a higher urgency score (the priority without the
unit-dependent neighbourhood bonus) who did not get that unit is given one reason: the first
eligibility rule that fails, a pair declined before (or whose offer expired before,
see expiries_as_such), "placed_elsewhere" (the optimum housed that
person in another unit), or "higher_total_elsewhere" (taking this unit would have lowered the sum
of priorities, e.g. because the unit fits fewer people). Agreement, limit and unit capacity cannot be
the reason for a unit that was just offered: the offer itself shows there was room.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from contracts.types import PassOverReason
from contracts.solver import Candidate, Instance, Result, SupportLevel, Unit
from services.matcher.domain.policy import DEFAULT_POLICY, Policy, affordable, candidate_score, regional

REASONS = tuple(r.value for r in PassOverReason)


@dataclass(frozen=True)
class RoundExplanation:
    """What a round tells the shelters and the corporations about itself."""

    #: (candidate, unit) of each offer -> the more urgent candidates passed over, most urgent first
    passed_over: dict[tuple[str, str], list[PassedOver]]
    #: unit with a place the round left free -> why
    unoffered: dict[str, str]


@dataclass(frozen=True)
class PassedOver:
    candidate: str
    reason: str


def ineligibility(c: Candidate, u: Unit, policy: Policy = DEFAULT_POLICY) -> str | None:
    """The first rule of the policy that keeps ``c`` out of ``u`` (same order as the policy text)."""
    if u.shared:
        if c.household_size > policy.shared_max_household_size:
            return "household_too_large_for_shared_unit"
    else:
        lo, hi = policy.rooms_range(c.household_size)
        if not lo <= u.rooms <= hi:
            return "rooms_do_not_fit"
    if policy.require_wheelchair_access and c.wheelchair and not u.wheelchair_accessible:
        return "needs_wheelchair_access"
    if c.support != SupportLevel.NONE and c.support not in u.support:
        return "support_not_offered"
    if u.neighbourhood in c.excluded_neighbourhoods:
        return "neighbourhood_excluded"
    if not affordable(c, u, policy):
        return "rent_not_affordable"
    return None


def passed_over(instance: Instance, result: Result, policy: Policy = DEFAULT_POLICY
                ) -> dict[tuple[str, str], list[PassedOver]]:
    """For each assignment (candidate, unit): the more urgent candidates who did not get the unit, and why."""
    units = {u.id: u for u in instance.units}
    placed = {a.candidate: a.unit for a in result.assignments}
    declined = {tuple(p) for p in instance.declined_pairs}
    policy_of = regional(instance, policy)
    scored = sorted(((candidate_score(c, policy_of(c.region)), c.id, c) for c in instance.candidates),
                    reverse=True)
    score_of = {cid: s for s, cid, _ in scored}
    out: dict[tuple[str, str], list[PassedOver]] = {}
    for a in result.assignments:
        u, own = units[a.unit], score_of[a.candidate]
        rows = []
        for s, cid, c in scored:
            if s <= own:
                break
            if placed.get(cid) == a.unit or c.region != u.region:
                continue
            if (cid, u.id) in declined:
                reason = "declined_before"
            else:
                reason = ineligibility(c, u, policy_of(u.region)) or (
                    "placed_elsewhere" if cid in placed else "higher_total_elsewhere")
            rows.append(PassedOver(cid, reason))
        out[(a.candidate, a.unit)] = rows
    return out


def expiries_as_such(rows: list[PassedOver], unit: str, expired: set[tuple[str, str]]) -> list[PassedOver]:
    """A person kept from ``unit`` because their earlier offer of it expired unanswered did not decline it:
    the solver sees one set of pairs never proposed again, the shelter is told which it was."""
    return [PassedOver(p.candidate, "expired_before")
            if p.reason == "declined_before" and (p.candidate, unit) in expired else p for p in rows]


def explain_round(instance: Instance, result: Result, policy: Policy = DEFAULT_POLICY) -> RoundExplanation:
    return RoundExplanation(passed_over(instance, result, policy), unoffered(instance, result, policy))


def reason_counts(rows: list[PassedOver]) -> dict[str, int]:
    """What a corporation may see about its unit: counts per reason, never who or what they need."""
    return dict(sorted(Counter(r.reason for r in rows).items()))


def unoffered(instance: Instance, result: Result, policy: Policy = DEFAULT_POLICY) -> dict[str, str]:
    """For every unit the round left with a free place: why nobody was offered it.

    For the unit's corporation, as one reason per unit (no candidate is named): the first that holds of
    ``no_agreement`` (none for the unit's corporation, municipality and period), ``agreement_full`` and
    ``neighbourhood_limit_reached`` (counting this round's offers), ``no_eligible_candidate`` (every
    waiting person of the region fails an eligibility rule or declined the unit before),
    ``eligible_candidates_placed_elsewhere`` (the round offered each eligible person another unit) and
    ``higher_total_elsewhere`` (only when the solve stopped short of the optimum).
    """
    units = {u.id: u for u in instance.units}
    taken = Counter(a.unit for a in result.assignments)
    placed = {a.candidate for a in result.assignments}
    agreements = {(a.corporation, a.municipality, a.period): a for a in instance.agreements}
    limits = {(lim.neighbourhood, lim.period): lim for lim in instance.neighbourhood_limits}
    per_agreement = Counter((units[u].corporation, units[u].municipality, instance.period_of(units[u]))
                            for u in taken.elements())
    per_neighbourhood = Counter((units[u].neighbourhood, instance.period_of(units[u])) for u in taken.elements())
    declined = {tuple(p) for p in instance.declined_pairs}
    policy_of = regional(instance, policy)
    out: dict[str, str] = {}
    for u in instance.units:
        if taken[u.id] >= u.places:
            continue
        key, nb_key = (u.corporation, u.municipality, instance.period_of(u)), (u.neighbourhood, instance.period_of(u))
        agreement, limit = agreements.get(key), limits.get(nb_key)
        if agreement is None:
            out[u.id] = "no_agreement"
        elif agreement.used + per_agreement[key] >= agreement.max_places:
            out[u.id] = "agreement_full"
        elif limit is not None and limit.used + per_neighbourhood[nb_key] >= limit.max_placements:
            out[u.id] = "neighbourhood_limit_reached"
        else:
            eligible = [c.id for c in instance.candidates
                        if c.region == u.region and (c.id, u.id) not in declined
                        and ineligibility(c, u, policy_of(u.region)) is None]
            if not eligible:
                out[u.id] = "no_eligible_candidate"
            elif all(cid in placed for cid in eligible):
                out[u.id] = "eligible_candidates_placed_elsewhere"
            else:
                out[u.id] = "higher_total_elsewhere"
    return out
