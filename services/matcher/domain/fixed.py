"""Pairs the transfer point fixed by hand (``fixed_assignments``, issue 19): are they allowed? (pure)

A fixed pair must be in the result, so the instance is invalid (no result at all) when one breaks a
rule of its region's policy or when they cannot all fit together in the places, agreements,
neighbourhood limits and provider rooms.  Unknown ids and a repeated candidate are refused by the
contract already.  Each error names the pair and the rule.
"""
from __future__ import annotations

from collections import defaultdict

from contracts.solver import Instance
from services.matcher.domain.explain import ineligibility
from services.matcher.domain.policy import DEFAULT_POLICY, Policy, regional

__all__ = ["admissible_fixed_pairs", "fixed_pair_errors"]


def fixed_pair_errors(instance: Instance, policy: Policy = DEFAULT_POLICY) -> list[str]:
    """``fixed_assignments[i] (candidate -> unit): rule`` lines (empty: the fixed pairs are allowed)."""
    if not instance.fixed_assignments:
        return []
    people = {c.id: c for c in instance.candidates}
    homes = {u.id: u for u in instance.units}
    if any(c not in people or u not in homes for c, u in instance.fixed_assignments):
        return []  # the contract has refused the instance already
    policy_of = regional(instance, policy)
    declined = {tuple(pair) for pair in instance.declined_pairs}
    agreements = {(a.corporation, a.municipality, a.period): a.max_places - a.used for a in instance.agreements}
    limits = {(n.neighbourhood, n.period): n.max_placements - n.used for n in instance.neighbourhood_limits}
    providers = {p.id: p.max_new_clients - p.used for p in instance.support_providers
                 if p.period == instance.period}
    errors: list[str] = []
    # what the fixed pairs use together: (what, which) -> (room, indices of the pairs using it)
    usage: dict[tuple[str, str], list[int]] = defaultdict(list)
    rooms: dict[tuple[str, str], int] = {}
    for i, (cid, uid) in enumerate(instance.fixed_assignments):
        person, home = people[cid], homes[uid]
        name = f"fixed_assignments[{i}] ({cid} -> {uid})"
        period = instance.period_of(home)
        agreement = (home.corporation, home.municipality, period)
        if person.region != home.region:
            errors.append(f"{name}: candidate and unit are in different regions")
        elif rule := ineligibility(person, home, policy_of(home.region)):
            errors.append(f"{name}: breaks the eligibility rule {rule}")
        if (cid, uid) in declined:
            errors.append(f"{name}: the candidate declined this unit before")
        if agreement not in agreements:
            errors.append(f"{name}: no agreement of {home.corporation} with {home.municipality} for {period}")
            continue
        needs = [(("unit", uid), home.places), (("agreement", "/".join(agreement)), agreements[agreement])]
        if (home.neighbourhood, period) in limits:
            needs.append((("neighbourhood limit", f"{home.neighbourhood}/{period}"),
                          limits[(home.neighbourhood, period)]))
        if person.support_provider in providers:
            needs.append((("support provider", f"{person.support_provider}/{instance.period}"),
                          providers[person.support_provider]))
        for key, room in needs:
            rooms[key] = max(0, room)
            usage[key].append(i)
    for (what, which), pairs in usage.items():
        if len(pairs) > rooms[(what, which)]:
            named = ", ".join(f"fixed_assignments[{i}]" for i in pairs)
            errors.append(f"{named}: cannot all fit together: {what} {which} has room for "
                          f"{rooms[(what, which)]}, the fixed pairs need {len(pairs)}")
    return errors


def admissible_fixed_pairs(instance: Instance, policy: Policy = DEFAULT_POLICY
                           ) -> tuple[Instance, dict[tuple[str, str], list[str]]]:
    """The instance with the fixed pairs that hold together (taken in order), and the refused ones with
    the rules they break: a manual match that breaks a rule is refused, never forced into a round."""
    kept: list[tuple[str, str]] = []
    refused: dict[tuple[str, str], list[str]] = {}
    for pair in instance.fixed_assignments:
        trial = instance.model_copy(update={"fixed_assignments": (*kept, tuple(pair))})
        if errors := fixed_pair_errors(trial, policy):
            refused[tuple(pair)] = errors
        else:
            kept.append(tuple(pair))
    return instance.model_copy(update={"fixed_assignments": tuple(kept)}), refused
