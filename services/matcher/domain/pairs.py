"""Vectorised eligibility: an Instance becomes arrays of eligible (candidate, unit, weight) pairs.

Candidates and units are indexed in id order.  Eligibility is computed per region as one numpy
boolean matrix (no Python loop over candidate x unit), then the sparse parts of the policy
(excluded/preferred neighbourhoods, declined pairs) are patched in by index.  Units whose
corporation has no agreement for the unit's period, or whose agreement or neighbourhood is already full,
get no pairs at all.

The result also carries the side constraints (agreement, neighbourhood and support-provider rooms)
and the independent *components* of the problem: sets of regions that share no agreement,
neighbourhood limit or support provider with any other set, so each can be solved on its own.

Each region is built under its own policy (``Instance.policy_for``).  Fixed pairs (issue 19) are
not edges: their rooms are taken off the capacities first and their candidates get no other pair;
``fixed_*`` carry them to the result (``fixed.fixed_pair_errors`` has already checked they fit).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from contracts.solver import Instance, SupportLevel, UnitKind
from services.matcher.domain.policy import DEFAULT_POLICY, Policy, regional

__all__ = ["Pairs", "build_pairs"]

_SUPPORT_CODE = {SupportLevel.NONE: 0, SupportLevel.LIGHT: 1, SupportLevel.INTENSIVE: 2,
                 SupportLevel.HOUSING_FIRST: 3}


@dataclass(frozen=True)
class Pairs:
    cand_ids: list[str]            # index -> candidate id (sorted)
    unit_ids: list[str]            # index -> unit id (sorted)
    cand_score: np.ndarray         # int64 per candidate: priority without the preferred bonus
    cand_long_wait: np.ndarray     # bool per candidate: waited over the long-wait threshold
    cand_prov: np.ndarray          # int64 per candidate: index into prov_room (-1: no limited provider)
    unit_cap: np.ndarray           # int64 per unit: places (0 if the unit cannot be used)
    unit_agr: np.ndarray           # int64 per unit: index into agr_room (-1: no agreement)
    unit_nb: np.ndarray            # int64 per unit: index into nb_room (-1: no limit)
    agr_room: np.ndarray           # int64 per agreement: places still allowed (>= 0)
    nb_room: np.ndarray            # int64 per limited neighbourhood: placements still allowed
    prov_room: np.ndarray          # int64 per limited support provider: new clients still allowed
    edge_c: np.ndarray             # int64 per eligible pair
    edge_u: np.ndarray
    edge_w: np.ndarray             # int64 priority of the pair
    edge_pref: np.ndarray          # bool: unit lies in a preferred neighbourhood
    edge_comp: np.ndarray          # int64 component of the pair
    n_components: int
    fixed_c: np.ndarray            # int64 per fixed pair: candidate index
    fixed_u: np.ndarray            # int64 per fixed pair: unit index
    fixed_w: np.ndarray            # int64 per fixed pair: its priority

    @property
    def n_edges(self) -> int:
        return int(self.edge_c.size)


def build_pairs(instance: Instance, policy: Policy = DEFAULT_POLICY) -> Pairs:
    cands = sorted(instance.candidates, key=lambda c: c.id)
    units = sorted(instance.units, key=lambda u: u.id)
    cand_ids = [c.id for c in cands]
    unit_ids = [u.id for u in units]
    c_index = {cid: i for i, cid in enumerate(cand_ids)}
    u_index = {uid: i for i, uid in enumerate(unit_ids)}
    nc, nu = len(cands), len(units)
    policy_of = regional(instance, policy)

    # -- side constraints: each unit counts against the agreement and limit of its own period
    agr_key: dict[tuple[str, str, str], int] = {}
    agr_room_l: list[int] = []
    for a in instance.agreements:
        agr_key[(a.corporation, a.municipality, a.period)] = len(agr_room_l)
        agr_room_l.append(max(0, a.max_places - a.used))
    nb_key: dict[tuple[str, str], int] = {}
    nb_room_l: list[int] = []
    for lim in instance.neighbourhood_limits:
        nb_key[(lim.neighbourhood, lim.period)] = len(nb_room_l)
        nb_room_l.append(max(0, lim.max_placements - lim.used))
    prov_key: dict[str, int] = {}
    prov_room_l: list[int] = []
    for prov in instance.support_providers:
        if prov.period == instance.period:  # rows of other periods are ignored
            prov_key[prov.id] = len(prov_room_l)
            prov_room_l.append(max(0, prov.max_new_clients - prov.used))
    agr_room = np.asarray(agr_room_l, dtype=np.int64)
    nb_room = np.asarray(nb_room_l, dtype=np.int64)
    prov_room = np.asarray(prov_room_l, dtype=np.int64)
    cand_prov = np.fromiter((prov_key.get(c.support_provider, -1) if c.support_provider else -1
                             for c in cands), np.int64, nc)

    # -- per-candidate arrays
    hh = np.fromiter((c.household_size for c in cands), np.int64, nc)
    days = np.fromiter((c.days_in_shelter for c in cands), np.int64, nc)
    wheel = np.fromiter((c.wheelchair for c in cands), bool, nc)
    sup = np.fromiter((_SUPPORT_CODE[c.support] for c in cands), np.int64, nc)
    youth = np.fromiter((c.youth for c in cands), bool, nc)
    children = np.fromiter((c.children for c in cands), np.int64, nc)
    medical = np.fromiter((c.medical_urgency for c in cands), bool, nc)
    exit_days = np.fromiter((c.days_until_exit if c.days_until_exit is not None else 1 << 40 for c in cands),
                            np.int64, nc)
    eligible_allowance = np.fromiter((c.rent_allowance_eligible for c in cands), bool, nc)
    long_wait = np.zeros(nc, dtype=bool)
    score = np.zeros(nc, dtype=np.int64)
    for region, members in _by_region(cands).items():
        p, i = policy_of(region), members
        long_wait[i] = days[i] > p.long_wait_days
        score[i] = (p.base + p.days_weight * days[i] + np.where(long_wait[i], p.long_wait_bonus, 0)
                    + np.where(youth[i], p.youth_bonus, 0) + p.child_bonus * children[i]
                    + np.where(medical[i], p.medical_urgency_bonus, 0)
                    + np.where(exit_days[i] <= p.exit_window_days, p.exit_bonus, 0))

    # -- per-unit arrays
    rooms = np.fromiter((u.rooms for u in units), np.int64, nu)
    shared = np.fromiter((u.places > 1 or u.kind == UnitKind.SHARED for u in units), bool, nu)
    access = np.fromiter((u.wheelchair_accessible for u in units), bool, nu)
    supmask = np.fromiter((sum(1 << _SUPPORT_CODE[s] for s in set(u.support)) for u in units),
                          np.int64, nu)
    unit_agr = np.fromiter((agr_key.get((u.corporation, u.municipality, instance.period_of(u)), -1)
                            for u in units), np.int64, nu)
    unit_nb = np.fromiter((nb_key.get((u.neighbourhood, instance.period_of(u)), -1) for u in units),
                          np.int64, nu)
    rent = np.fromiter((np.nan if u.rent is None else u.rent for u in units), np.float64, nu)
    cap = np.fromiter((u.places for u in units), np.int64, nu)

    # -- fixed pairs take their rooms first; their candidates get no other pair
    fixed_c = np.asarray([c_index[c] for c, _ in instance.fixed_assignments], dtype=np.int64)
    fixed_u = np.asarray([u_index[u] for _, u in instance.fixed_assignments], dtype=np.int64)
    np.subtract.at(cap, fixed_u, 1)
    _take(agr_room, unit_agr[fixed_u])
    _take(nb_room, unit_nb[fixed_u])
    _take(prov_room, cand_prov[fixed_c])
    placeable = np.ones(nc, dtype=bool)
    placeable[fixed_c] = False
    if prov_room.size:  # a candidate whose provider has no room left cannot be placed
        placeable &= np.where(cand_prov >= 0, prov_room[np.maximum(cand_prov, 0)], 1) > 0
    usable = (unit_agr >= 0) & (cap > 0)
    if nu:
        usable &= np.where(unit_agr >= 0, agr_room[np.maximum(unit_agr, 0)] if agr_room.size else 0, 0) > 0
        if nb_room.size:
            usable &= np.where(unit_nb >= 0, nb_room[np.maximum(unit_nb, 0)], 1) > 0
    cap = np.where(usable, cap, 0)

    # -- components: union-find over regions joined by agreements / limited neighbourhoods / providers
    regions = sorted({c.region for c in cands} | {u.region for u in units})
    r_index = {r: i for i, r in enumerate(regions)}
    parent = list(range(len(regions)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_region_of: dict[tuple[str, int], int] = {}
    for i, u in enumerate(units):
        if not usable[i]:
            continue
        r = r_index[u.region]
        for key in (("a", int(unit_agr[i])), ("n", int(unit_nb[i]))):
            if key[1] < 0:
                continue
            other = first_region_of.setdefault(key, r)
            ra, rb = find(r), find(other)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    for i, c in enumerate(cands):
        if placeable[i] and cand_prov[i] >= 0:
            r = r_index[c.region]
            ra, rb = find(r), find(first_region_of.setdefault(("p", int(cand_prov[i])), r))
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    roots = sorted({find(i) for i in range(len(regions))})
    comp_of_root = {root: k for k, root in enumerate(roots)}
    region_comp = [comp_of_root[find(i)] for i in range(len(regions))]

    # -- eligibility per region
    cand_by_region = _by_region(cands, placeable)
    unit_by_region: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        if usable[i]:
            unit_by_region.setdefault(u.region, []).append(i)
    declined: dict[int, set[int]] = {}
    for c_id, u_id in instance.declined_pairs:
        ci, ui = c_index.get(c_id), u_index.get(u_id)
        if ci is not None and ui is not None:
            declined.setdefault(ci, set()).add(ui)

    parts_c, parts_u, parts_w, parts_p, parts_k = [], [], [], [], []
    for region in sorted(cand_by_region):
        if region not in unit_by_region:
            continue
        p = policy_of(region)
        ci = cand_by_region[region]
        ui = np.asarray(unit_by_region[region], dtype=np.int64)
        r_rooms, r_shared = rooms[ui][None, :], shared[ui][None, :]
        lo = np.maximum(p.rooms_floor, hh[ci] - p.rooms_below)[:, None]
        ok = np.where(r_shared, (hh[ci] <= p.shared_max_household_size)[:, None],
                      (r_rooms >= lo) & (r_rooms <= (hh[ci] + p.rooms_above)[:, None]))
        if p.require_wheelchair_access:
            ok &= ~wheel[ci][:, None] | access[ui][None, :]
        ok &= (sup[ci][:, None] == 0) | (((supmask[ui][None, :] >> sup[ci][:, None]) & 1) == 1)
        if p.affordability.enabled:
            rule = p.affordability
            limit = np.where(hh[ci] >= rule.large_from_household_size, rule.limit_large, rule.limit_small)
            with np.errstate(invalid="ignore"):  # unknown rent (nan) is not restricted
                ok &= (~eligible_allowance[ci][:, None] | np.isnan(rent[ui])[None, :]
                       | (rent[ui][None, :] <= limit[:, None]))
        pref = np.zeros(ok.shape, dtype=bool)
        local_u = {int(u): j for j, u in enumerate(ui)}
        nb_cols: dict[str, list[int]] = {}
        for j, u in enumerate(ui):
            nb_cols.setdefault(units[u].neighbourhood, []).append(j)
        for row, c in enumerate(ci):
            cand = cands[c]
            for nb in cand.excluded_neighbourhoods:
                cols = nb_cols.get(nb)
                if cols:
                    ok[row, cols] = False
            for nb in cand.preferred_neighbourhoods:
                cols = nb_cols.get(nb)
                if cols:
                    pref[row, cols] = True
            for u in declined.get(int(c), ()):
                j = local_u.get(u)
                if j is not None:
                    ok[row, j] = False
        rows, cols = np.nonzero(ok)
        ec, eu = ci[rows], ui[cols]
        ep = pref[rows, cols]
        parts_c.append(ec)
        parts_u.append(eu)
        parts_p.append(ep)
        parts_w.append(score[ec] + np.where(ep, p.preferred_neighbourhood_bonus, 0))
        parts_k.append(np.full(ec.size, region_comp[r_index[region]], dtype=np.int64))

    def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    fixed_pref = np.asarray([units[u].neighbourhood in cands[c].preferred_neighbourhoods
                             for c, u in zip(fixed_c.tolist(), fixed_u.tolist())], dtype=bool)
    fixed_bonus = [policy_of(cands[c].region).preferred_neighbourhood_bonus for c in fixed_c.tolist()]
    fixed_w = score[fixed_c] + np.where(fixed_pref, np.asarray(fixed_bonus, dtype=np.int64), 0)
    return Pairs(cand_ids=cand_ids, unit_ids=unit_ids, cand_score=score, cand_long_wait=long_wait,
                 cand_prov=cand_prov, unit_cap=cap, unit_agr=unit_agr, unit_nb=unit_nb,
                 agr_room=agr_room, nb_room=nb_room, prov_room=prov_room,
                 edge_c=cat(parts_c, np.int64), edge_u=cat(parts_u, np.int64),
                 edge_w=cat(parts_w, np.int64), edge_pref=cat(parts_p, bool),
                 edge_comp=cat(parts_k, np.int64), n_components=len(roots),
                 fixed_c=fixed_c, fixed_u=fixed_u, fixed_w=fixed_w.astype(np.int64))


def _by_region(cands: list, mask: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Candidate indices per region (only those ``mask`` keeps)."""
    out: dict[str, list[int]] = {}
    for i, c in enumerate(cands):
        if mask is None or mask[i]:
            out.setdefault(c.region, []).append(i)
    return {r: np.asarray(v, dtype=np.int64) for r, v in out.items()}


def _take(room: np.ndarray, rows: np.ndarray) -> None:
    """One place off each row named (-1: none)."""
    np.subtract.at(room, rows[rows >= 0], 1)
