"""The seeded synthetic scenario: who and what arrives in which region, when (documented generator).

For region ``R01 … Rnn`` (one central municipality plus one or two others, two or three
corporations, one shelter and one other institution each):

* **size**: a region's share of arrivals is ``exp(N(0, 0.5))``, normalised to mean 1. A region's
  layout and size come from its own generator (``region/<n>``), the same for every seed.
* **candidates** arrive as a Poisson process of ``candidates_per_day`` × size; at the start a backlog of
  ``backlog_days`` worth of them is already waiting. Profiles: see ``profiles.candidate_profile``.
* **homes** arrive as a Poisson process of ``homes_per_candidate`` × the candidates' rate; kinds and
  features: see ``profiles.home_profile``. One in eight homes has a neighbourhood with a limit.
* **agreements**: every corporation × municipality pair agrees ``agreement_slack`` × its expected
  share of the year's homes; every limited neighbourhood allows ``limit_places`` placements.

Every arrival comes from one ``random.Random(seed)`` in a fixed order, and every event id from it too,
so a seed gives the same events byte for byte.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from contracts import events as ev
from services.system.simulation.profiles import candidate_event, home_event

START = datetime(2027, 1, 1, 7, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ScenarioParams:
    regions: int = 3
    days: int = 365
    candidates_per_day: float = 0.6
    homes_per_candidate: float = 0.95
    backlog_days: int = 45
    agreement_slack: float = 1.1
    limit_places: int = 6


@dataclass
class Region:
    code: str
    municipalities: list[str]
    corporations: list[str]
    neighbourhoods: dict[str, list[str]]  # municipality -> its neighbourhoods
    limited: set[str]
    size: float


@dataclass
class Scenario:
    params: ScenarioParams
    seed: int
    regions: list[Region]
    arrivals: list[tuple[datetime, ev.Event]] = field(default_factory=list)
    #: shelter or institution id -> "shelter" or the kind of institution (the group "leaving an institution")
    institutions: dict[str, str] = field(default_factory=dict)
    #: when the simulated period begins: START for a generated scenario, the first arrival of a replay
    start: datetime = START
    #: what the report says the scenario is (None: the generator's seeds and params)
    described: dict | None = None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.params.days)

    def for_seed(self, seed: int) -> Scenario:
        """The same arrivals under another seed (a replay: the seed drives only the answers); a list of its
        own, since a variant's changes replace events in it."""
        return replace(self, seed=seed, arrivals=list(self.arrivals))


def event_ids(rng: random.Random):
    """Deterministic event ids drawn from the scenario's own generator."""
    return lambda: uuid.UUID(int=rng.getrandbits(128), version=4)


def _region(index: int) -> Region:
    """Region ``index``'s municipalities, corporations, neighbourhoods, limits and size: the same for
    every seed (its own generator), so agreements and limits line up across the seeds of a report."""
    rng = random.Random(f"region/{index}")
    code = f"R{index:02d}"
    munis = [f"GM{index:02d}{k:02d}" for k in range(1 + rng.randint(1, 2))]
    corps = [f"corp-{code.lower()}-{k}" for k in range(rng.randint(2, 3))]
    hoods = {m: [f"BU{m[2:]}{k:04d}" for k in range(rng.randint(3, 6))] for m in munis}
    limited = {h for hs in hoods.values() for h in hs if rng.random() < 0.125}
    return Region(code, munis, corps, hoods, limited, rng.lognormvariate(0, 0.5))


def generate(seed: int, params: ScenarioParams = ScenarioParams(), layouts: list[Region] | None = None) -> Scenario:
    """``layouts``: the regions to fill instead of ``R01 …`` (copied; e.g. a municipality's own region)."""
    rng = random.Random(seed)
    new_id = event_ids(rng)
    regions = ([replace(r) for r in layouts] if layouts is not None else
               [_region(i + 1) for i in range(params.regions)])
    mean = sum(r.size for r in regions) / len(regions)
    sc = Scenario(params, seed, regions)
    period = str(START.year)
    for r in regions:
        r.size /= mean
        for inst in ("shelter", "youth_care", "mental_health_clinic"):
            sc.institutions[f"{inst.replace('_', '-')}-{r.code.lower()}"] = inst
        rate = params.candidates_per_day * r.size
        homes_year = rate * params.homes_per_candidate * params.days
        pairs = [(c, m) for c in r.corporations for m in r.municipalities]
        for corp, muni in pairs:
            places = round(params.agreement_slack * homes_year / len(pairs)) + 1
            sc.arrivals.append((START, ev.AgreementRegistered(
                event_id=new_id(), occurred_at=START, producer=muni.lower(), municipality=muni, region=r.code,
                corporation=corp, period=period, max_places=places)))
        for hood in sorted(r.limited):
            muni = next(m for m, hs in r.neighbourhoods.items() if hood in hs)
            sc.arrivals.append((START, ev.NeighbourhoodLimitSet(
                event_id=new_id(), occurred_at=START, producer=muni.lower(), municipality=muni, region=r.code,
                neighbourhood=hood, period=period, max_placements=params.limit_places)))
        for k in range(_poisson(rng, rate * params.backlog_days)):
            at = START + timedelta(minutes=k)
            sc.arrivals.append((at, candidate_event(rng, new_id, sc, r, at, backlog=params.backlog_days)))
        for at in _poisson_times(rng, rate, params.days):
            sc.arrivals.append((at, candidate_event(rng, new_id, sc, r, at)))
        for at in _poisson_times(rng, rate * params.homes_per_candidate, params.days):
            sc.arrivals.append((at, home_event(rng, new_id, r, at)))
    sc.arrivals.sort(key=lambda pair: pair[0])  # stable: same-time events keep their generation order
    return sc


def _poisson(rng: random.Random, mean: float) -> int:
    count, t = 0, rng.expovariate(1.0)
    while t < mean:
        count, t = count + 1, t + rng.expovariate(1.0)
    return count


def _poisson_times(rng: random.Random, per_day: float, days: int) -> list[datetime]:
    if per_day <= 0:
        return []
    out, t = [], rng.expovariate(per_day)
    while t < days:
        # Office hours: partners submit on working time, 08:00-17:00 local-ish (07:00-16:00 UTC).
        day, frac = divmod(t, 1.0)
        out.append(START + timedelta(days=day, hours=9 * frac))
        t += rng.expovariate(per_day)
    return out
