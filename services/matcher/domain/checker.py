"""Solver-independent checker: does a Result respect the instance and the policy?

Deliberately shares no eligibility or priority code with the solver (``pairs.py``/``policy.py``):
it re-reads the policy's numbers and applies the rules of issues 4 and 19 (each region under its own
policy, affordability, support-provider room, exit bonus, fixed pairs) in the most direct way, one
assignment at a time, so it can serve as an oracle for the solver.
"""
from __future__ import annotations

from collections import Counter

from contracts.solver import Instance, Result
from services.matcher.domain.policy import DEFAULT_POLICY, Policy

__all__ = ["check"]


def check(instance: Instance, result: Result, policy: Policy = DEFAULT_POLICY) -> list[str]:
    """All violations found (empty list: the result is valid for the instance)."""
    problems: list[str] = []
    people = {c.id: c for c in instance.candidates}
    homes = {u.id: u for u in instance.units}
    declined = {(c, u) for c, u in instance.declined_pairs}
    agreements = {(a.corporation, a.municipality, a.period): a for a in instance.agreements}
    limits = {(n.neighbourhood, n.period): n for n in instance.neighbourhood_limits}
    providers = {p.id: p for p in instance.support_providers if p.period == instance.period}
    base_policy = policy

    per_candidate: Counter[str] = Counter()
    per_unit: Counter[str] = Counter()
    per_agreement: Counter[tuple[str, str, str]] = Counter()
    per_neighbourhood: Counter[tuple[str, str]] = Counter()
    per_provider: Counter[str] = Counter()
    total = 0

    keys = [(a.candidate, a.unit) for a in result.assignments]
    if keys != sorted(keys):
        problems.append("assignments are not sorted by candidate id, then unit id")

    for i, a in enumerate(result.assignments):
        where = f"assignments[{i}]"
        person, home = people.get(a.candidate), homes.get(a.unit)
        if person is None:
            problems.append(f"{where}: unknown candidate")
        if home is None:
            problems.append(f"{where}: unknown unit")
        if person is None or home is None:
            continue
        per_candidate[person.id] += 1
        per_unit[home.id] += 1
        policy = instance.policy_for(home.region, base_policy)
        if person.support_provider is not None:
            per_provider[person.support_provider] += 1

        # --- eligibility, rule by rule
        if person.region != home.region:
            problems.append(f"{where}: candidate and unit are in different regions")
        is_shared = home.places > 1 or home.kind == "shared"
        if is_shared:
            if person.household_size > policy.shared_max_household_size:
                problems.append(f"{where}: shared unit for a household of more than "
                                f"{policy.shared_max_household_size}")
        else:
            fewest = max(policy.rooms_floor, person.household_size - policy.rooms_below)
            most = person.household_size + policy.rooms_above
            if home.rooms < fewest or home.rooms > most:
                problems.append(f"{where}: rooms do not fit the household size")
        if policy.require_wheelchair_access and person.wheelchair and not home.wheelchair_accessible:
            problems.append(f"{where}: wheelchair user in a unit without wheelchair access")
        if person.support != "none" and person.support not in home.support:
            problems.append(f"{where}: unit does not offer the support the candidate needs")
        if home.neighbourhood in person.excluded_neighbourhoods:
            problems.append(f"{where}: unit lies in a neighbourhood the candidate excluded")
        rule = policy.affordability
        if rule.enabled and person.rent_allowance_eligible and home.rent is not None:
            large = person.household_size >= rule.large_from_household_size
            if home.rent > (rule.limit_large if large else rule.limit_small):
                problems.append(f"{where}: rent over the limit for an allowance-eligible household")
        if (person.id, home.id) in declined:
            problems.append(f"{where}: pair was declined before")
        period = home.period or instance.period
        if (home.corporation, home.municipality, period) not in agreements:
            problems.append(f"{where}: no agreement of the corporation with the municipality "
                            f"for {period}")
        per_agreement[(home.corporation, home.municipality, period)] += 1
        per_neighbourhood[(home.neighbourhood, period)] += 1

        # --- priority and its explanation
        parts = {
            "base": policy.base,
            "days_in_shelter": policy.days_weight * person.days_in_shelter,
            "over_90_days": policy.long_wait_bonus if person.days_in_shelter > policy.long_wait_days else 0,
            "youth": policy.youth_bonus if person.youth else 0,
            "children": policy.child_bonus * person.children,
            "medical_urgency": policy.medical_urgency_bonus if person.medical_urgency else 0,
            "preferred_neighbourhood": (policy.preferred_neighbourhood_bonus
                                        if home.neighbourhood in person.preferred_neighbourhoods else 0),
            "exit_from_institution": (policy.exit_bonus if person.days_until_exit is not None
                                      and person.days_until_exit <= policy.exit_window_days else 0),
        }
        # The look-ahead's opportunity cost is priced from the forecast (look_ahead.py): taken as stated.
        stated = a.explanation.components.model_dump()
        expected = sum(parts.values()) + stated.pop("look_ahead", 0)
        total += expected
        if a.explanation.priority != expected:
            problems.append(f"{where}: priority {a.explanation.priority} but policy gives {expected}")
        if stated != parts:
            problems.append(f"{where}: priority components differ from the policy")
        if sum(a.explanation.components.model_dump().values()) != a.explanation.priority:
            problems.append(f"{where}: priority is not the sum of its components")

    # --- capacities
    for cid, n in sorted(per_candidate.items()):
        if n > 1:
            problems.append(f"candidate {cid} is placed {n} times")
    for uid, n in sorted(per_unit.items()):
        if n > homes[uid].places:
            problems.append(f"unit {uid} gets {n} placements for {homes[uid].places} places")
    for key, n in sorted(per_agreement.items()):
        ag = agreements.get(key)
        if ag is not None and n + ag.used > ag.max_places:
            problems.append(f"agreement {key[0]}/{key[1]}{_other_period(key[2], instance)}: {n} placements + "
                            f"{ag.used} used "
                            f"> {ag.max_places}")
    for nb, n in sorted(per_neighbourhood.items()):
        lim = limits.get(nb)
        if lim is not None and n + lim.used > lim.max_placements:
            problems.append(f"neighbourhood {nb[0]}{_other_period(nb[1], instance)}: {n} placements + {lim.used} used "
                            f"> {lim.max_placements}")

    for prov_id, n in sorted(per_provider.items()):
        prov = providers.get(prov_id)
        if prov is not None and n + prov.used > prov.max_new_clients:
            problems.append(f"support provider {prov_id}: {n} new clients + {prov.used} used > {prov.max_new_clients}")
    chosen = set(keys)
    for i, (cid, uid) in enumerate(instance.fixed_assignments):
        if (cid, uid) not in chosen:
            problems.append(f"fixed_assignments[{i}] ({cid} -> {uid}) is not in the result")

    # --- objective, bound, status
    if result.objective != total:
        problems.append(f"objective {result.objective} but the assignments sum to {total}")
    if result.bound < result.objective:
        problems.append(f"bound {result.bound} is below the objective {result.objective}")
    if (result.status == "OPTIMAL") != (result.objective == result.bound):
        problems.append(f"status {result.status} does not match objective {result.objective} "
                        f"and bound {result.bound}")
    return problems


def _other_period(period: str, instance: Instance) -> str:
    # Named only when a unit counts against another year than the instance's.
    return "" if period == instance.period else f" in {period}"
