"""Replay a seeded national year of events through the running product, as Kafka partners would.

Shared by the fault test (tests/e2e/test_faults.py) and the load benchmark (bench/pipeline.py); bench/driver.py
sends a plan.
The plan is built from bench.generator's national instance: agreements and limits first, then
vacancies and candidates spread over a year of event time, candidate updates and withdrawals, and
external placement reports from up to four monitoring sources for people housed outside the
matcher -- duplicated, out of order and partly retracted -- whose de-duplicated count is known in
advance.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bench.generator import generate
from contracts import events as ev

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
SOURCES = [("gemeentemonitor", "municipal_monitor"), ("corporatiemonitor", "corporation_monitor"),
           ("flexregister", "flex_registry"), ("bouwregeling", "subsidy_scheme")]


def ref(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


@dataclass
class ReplayPlan:
    events: list[ev.Event]
    resend: list[int]  # positions in `events` delivered again later (the same bytes: same event id)
    external_places: int  # de-duplicated external places that must count
    decline_share: float


def bag_id(municipality: str, number: int) -> str:
    """A BAG id: the four digits of the municipality's code, then twelve more (taken from ``number``)."""
    return f"{municipality[2:]}{number % 10**12:012d}"


def build_plan(seed: int = 2026, n_candidates: int = 20_000, n_units: int = 4_500, n_regions: int = 43,
               n_external: int = 5_000, decline_share: float = 0.1, resend_share: float = 0.03) -> ReplayPlan:
    rng = random.Random(seed)
    inst = generate(seed=seed, n_regions=n_regions, n_candidates=n_candidates, n_units=n_units)
    region_of_muni = {u["municipality"]: u["region"] for u in inst["units"]}
    muni_of_hood = {u["neighbourhood"]: u["municipality"] for u in inst["units"]}
    events: list[ev.Event] = []
    for a in inst["agreements"]:
        if a["municipality"] in region_of_muni:
            events.append(ev.AgreementRegistered(occurred_at=T0, producer=f"gem-{a['municipality']}",
                                                 region=region_of_muni[a["municipality"]], **a))
    for lim in inst["neighbourhood_limits"]:
        muni = muni_of_hood.get(lim["neighbourhood"])
        if muni:
            events.append(ev.NeighbourhoodLimitSet(occurred_at=T0, producer=f"gem-{muni}", municipality=muni,
                                                   region=region_of_muni[muni], **lim))
    arrivals = [("unit", u) for u in inst["units"]] + [("cand", c) for c in inst["candidates"]]
    rng.shuffle(arrivals)
    step = timedelta(days=350) / max(1, len(arrivals))
    later: list[tuple[datetime, ev.Event]] = []
    for i, (kind, row) in enumerate(arrivals):
        at = T0 + timedelta(hours=1) + i * step
        if kind == "unit":
            events.append(ev.VacancyPublished(
                occurred_at=at, producer=row["corporation"], unit_id=row["id"], corporation=row["corporation"],
                municipality=row["municipality"], region=row["region"], neighbourhood=row["neighbourhood"],
                kind=row["kind"], rooms=row["rooms"], places=row["places"],
                wheelchair_accessible=row["wheelchair_accessible"], support=tuple(row["support"]),
                bag_id=bag_id(row["municipality"], int(ref("bag", row["id"])[:15], 16)), available_from=at.date()))
            continue
        profile = dict(region=row["region"], household_size=row["household_size"], children=row["children"],
                       wheelchair=row["wheelchair"], support=row["support"], youth=row["youth"],
                       medical_urgency=row["medical_urgency"],
                       excluded_neighbourhoods=tuple(row["excluded_neighbourhoods"]),
                       preferred_neighbourhoods=tuple(row["preferred_neighbourhoods"]),
                       shelter_entry_date=at.date() - timedelta(days=row["days_in_shelter"]))
        shelter = f"shelter-{row['region']}"
        events.append(ev.CandidateSubmitted(occurred_at=at, producer=shelter, candidate_id=row["id"],
                                            person_ref=ref("person", seed, row["id"]), shelter=shelter, **profile))
        r = rng.random()
        if r < 0.08:
            later.append((at + timedelta(days=rng.randint(1, 20)), ev.CandidateUpdated(
                occurred_at=at + timedelta(days=1), producer=shelter, candidate_id=row["id"],
                **{**profile, "medical_urgency": True})))
        elif r < 0.11:
            later.append((at + timedelta(days=rng.randint(1, 30)), ev.CandidateWithdrawn(
                occurred_at=at + timedelta(days=2), producer=shelter, candidate_id=row["id"],
                region=row["region"], reason="moved in with family")))
    # External reports: people housed outside the matcher, reported by one to four sources.
    regions = sorted(region_of_muni.values())
    munis = sorted(region_of_muni)
    external_places = 0
    for k in range(n_external):
        muni = munis[k % len(munis)]
        person = ref("external", seed, k)
        move_in = date(2026, 1, 10) + timedelta(days=rng.randint(0, 330))
        kind = rng.choice(["regular", "flex", "shared", "transformation", "new_build", "housing_first"])
        by_bag = rng.random() < 0.7
        unit = {"bag_id": bag_id(muni, rng.randint(10**15, 10**16 - 1))} if by_bag else \
            {"corporation": f"corp-ext-{k % 17}", "unit_id": f"ext-{k}"}
        sources = rng.sample(SOURCES, rng.randint(1, 4))
        retract_all = rng.random() < 0.08
        retracted = 0
        for s_name, s_kind in sources:
            at = datetime.combine(move_in, datetime.min.time(), UTC) + timedelta(days=rng.randint(0, 40))
            rid = f"{s_name}-{k}"
            jitter = timedelta(days=rng.randint(-10, 10))  # sources disagree a little on the move-in date
            later.append((at, ev.PlacementReported(
                occurred_at=at, producer=s_name, report_id=rid, source=s_name, source_kind=s_kind,
                person_ref=person, municipality=muni, region=region_of_muni[muni], unit_kind=kind,
                move_in_date=move_in + jitter, housing_first=kind == "housing_first", **unit)))
            if retract_all or (len(sources) > 1 and retracted == 0 and rng.random() < 0.1):
                retracted += 1
                later.append((at + timedelta(days=rng.randint(1, 60)), ev.PlacementRetracted(
                    occurred_at=at + timedelta(days=3), producer=s_name, person_ref=person, source=s_name,
                    report_id=rid, reason="reported in error")))
        if not retract_all:
            external_places += 1
    del regions
    # Later events are merged in by their delivery time: corrections may arrive before what they correct.
    base = [(e.occurred_at, i, e) for i, e in enumerate(events)]
    merged = base + [(t, len(events) + j, e) for j, (t, e) in enumerate(later)]
    merged.sort(key=lambda x: (x[0], x[1]))
    ordered = [e for _, _, e in merged]
    resend = sorted(rng.sample(range(len(ordered)), int(resend_share * len(ordered))))
    return ReplayPlan(ordered, resend, external_places, decline_share)
