"""Vectorised eligibility: an Instance becomes arrays of eligible (candidate, unit, weight) pairs.

Candidates and units are indexed in id order.  Eligibility is computed per region as one numpy
boolean matrix (no Python loop over candidate x unit), then the sparse parts of the policy
(excluded/preferred neighbourhoods, declined pairs) are patched in by index.  Units whose
corporation has no agreement for the unit's period, or whose agreement or neighbourhood is already full,
get no pairs at all.

The result also carries the side constraints (agreement and neighbourhood rooms) and the
independent *components* of the problem: sets of regions that share no agreement or neighbourhood
limit with any other set, so each can be solved on its own.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from contracts.solver import Instance, SupportLevel, UnitKind
from services.matcher.domain.policy import DEFAULT_POLICY, Policy

__all__ = ["Pairs", "build_pairs"]

_SUPPORT_CODE = {SupportLevel.NONE: 0, SupportLevel.LIGHT: 1, SupportLevel.INTENSIVE: 2,
                 SupportLevel.HOUSING_FIRST: 3}


@dataclass(frozen=True)
class Pairs:
    cand_ids: list[str]            # index -> candidate id (sorted)
    unit_ids: list[str]            # index -> unit id (sorted)
    cand_score: np.ndarray         # int64 per candidate: priority without the preferred bonus
    cand_long_wait: np.ndarray     # bool per candidate: waited over the long-wait threshold
    unit_cap: np.ndarray           # int64 per unit: places (0 if the unit cannot be used)
    unit_agr: np.ndarray           # int64 per unit: index into agr_room (-1: no agreement)
    unit_nb: np.ndarray            # int64 per unit: index into nb_room (-1: no limit)
    agr_room: np.ndarray           # int64 per agreement: places still allowed (>= 0)
    nb_room: np.ndarray            # int64 per limited neighbourhood: placements still allowed
    edge_c: np.ndarray             # int64 per eligible pair
    edge_u: np.ndarray
    edge_w: np.ndarray             # int64 priority of the pair
    edge_pref: np.ndarray          # bool: unit lies in a preferred neighbourhood
    edge_comp: np.ndarray          # int64 component of the pair
    n_components: int

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
    p = policy

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
    agr_room = np.asarray(agr_room_l, dtype=np.int64)
    nb_room = np.asarray(nb_room_l, dtype=np.int64)

    # -- per-candidate arrays
    hh = np.fromiter((c.household_size for c in cands), np.int64, nc)
    days = np.fromiter((c.days_in_shelter for c in cands), np.int64, nc)
    wheel = np.fromiter((c.wheelchair for c in cands), bool, nc)
    sup = np.fromiter((_SUPPORT_CODE[c.support] for c in cands), np.int64, nc)
    youth = np.fromiter((c.youth for c in cands), bool, nc)
    children = np.fromiter((c.children for c in cands), np.int64, nc)
    medical = np.fromiter((c.medical_urgency for c in cands), bool, nc)
    long_wait = days > p.long_wait_days
    score = (p.base + p.days_weight * days + np.where(long_wait, p.long_wait_bonus, 0)
             + np.where(youth, p.youth_bonus, 0) + p.child_bonus * children
             + np.where(medical, p.medical_urgency_bonus, 0)).astype(np.int64)
    lo = np.maximum(p.rooms_floor, hh - p.rooms_below)
    hi = hh + p.rooms_above
    small_hh = hh <= p.shared_max_household_size

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
    cap = np.fromiter((u.places for u in units), np.int64, nu)
    usable = unit_agr >= 0
    if nu:
        usable &= np.where(unit_agr >= 0, agr_room[np.maximum(unit_agr, 0)] if agr_room.size else 0, 0) > 0
        if nb_room.size:
            usable &= np.where(unit_nb >= 0, nb_room[np.maximum(unit_nb, 0)], 1) > 0
    cap = np.where(usable, cap, 0)

    # -- components: union-find over regions joined by agreements / limited neighbourhoods
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
    roots = sorted({find(i) for i in range(len(regions))})
    comp_of_root = {root: k for k, root in enumerate(roots)}
    region_comp = [comp_of_root[find(i)] for i in range(len(regions))]

    # -- eligibility per region
    cand_by_region: dict[str, list[int]] = {}
    for i, c in enumerate(cands):
        cand_by_region.setdefault(c.region, []).append(i)
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
        ci = np.asarray(cand_by_region[region], dtype=np.int64)
        ui = np.asarray(unit_by_region[region], dtype=np.int64)
        r_rooms, r_shared = rooms[ui][None, :], shared[ui][None, :]
        ok = np.where(r_shared, small_hh[ci][:, None],
                      (r_rooms >= lo[ci][:, None]) & (r_rooms <= hi[ci][:, None]))
        if p.require_wheelchair_access:
            ok &= ~wheel[ci][:, None] | access[ui][None, :]
        ok &= (sup[ci][:, None] == 0) | (((supmask[ui][None, :] >> sup[ci][:, None]) & 1) == 1)
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

    return Pairs(cand_ids=cand_ids, unit_ids=unit_ids, cand_score=score, cand_long_wait=long_wait,
                 unit_cap=cap, unit_agr=unit_agr, unit_nb=unit_nb, agr_room=agr_room,
                 nb_room=nb_room, edge_c=cat(parts_c, np.int64), edge_u=cat(parts_u, np.int64),
                 edge_w=cat(parts_w, np.int64), edge_pref=cat(parts_p, bool),
                 edge_comp=cat(parts_k, np.int64), n_components=len(roots))
