"""A seeded, realistic synthetic scenario: regions, municipalities, corporations, shelters, people, homes.

Used by the demo and the end-to-end tests. Sizes are modest so the demo runs in
well under three minutes; `scale` multiplies them.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

KINDS = ["regular"] * 5 + ["flex"] * 2 + ["shared", "housing_first", "transformation", "new_build", "new_build"]
INSTITUTIONS = ["shelter", "shelter", "youth_care", "mental_health_clinic", "protected_housing", "detention"]


def make_bsn(rng: random.Random) -> str:
    """A random 9-digit number that passes the 11-proef (synthetic: not a real person's)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1)))
        last = total % 11
        if last <= 9 and digits[0] != 0:
            return "".join(map(str, digits)) + str(last)


@dataclass
class Org:
    name: str
    role: str
    municipality: str | None = None
    region: str | None = None
    institution_type: str | None = None
    source_kind: str | None = None  # monitors only: flex_registry, municipal_monitor, …
    central: bool = False  # a central municipality: registers its region's policy (issue 20)
    org_id: str = ""
    token: str = ""


@dataclass
class Scenario:
    period: str
    today: date
    orgs: list[Org] = field(default_factory=list)
    agreements: list[tuple[Org, dict]] = field(default_factory=list)
    limits: list[tuple[Org, dict]] = field(default_factory=list)
    vacancies: list[tuple[Org, dict]] = field(default_factory=list)
    candidates: list[tuple[Org, dict]] = field(default_factory=list)
    decline_first_offer: set[str] = field(default_factory=set)  # BSNs of people who decline their first offer

    def by_role(self, role: str) -> list[Org]:
        return [o for o in self.orgs if o.role == role]


def build_scenario(seed: int = 2026, scale: float = 1.0, today: date | None = None, regions: int = 4) -> Scenario:
    rng = random.Random(seed)
    today = today or date.today()
    sc = Scenario(period=str(today.year), today=today)
    sc.orgs.append(Org("Ministerie van VWS", "ministry"))
    sc.orgs.append(Org("Beheer", "admin"))
    muni_no = 100
    for r in range(1, regions + 1):
        region = f"R{r:02d}"
        munis = []
        for _ in range(rng.choice([1, 2])):
            muni_no += rng.randint(3, 40)
            code = f"GM{muni_no:04d}"
            m = Org(f"Gemeente {code}", "municipality", municipality=code, region=region)
            sc.orgs.append(m)
            munis.append((m, [f"BU{muni_no:04d}{n:04d}" for n in rng.sample(range(1, 99), 4)]))
        # Corporations and shelters carry their region too, so a municipality's look-up finds them.
        corps = [Org(f"Woonstichting {region}-{c}", "corporation", region=region)
                 for c in "AB"[: rng.choice([1, 2])]] + [Org(f"Woonbron {region}", "corporation", region=region)]
        sc.orgs.extend(corps)
        shelters = [Org(f"Opvang {region}-{i}", "shelter", region=region, institution_type=rng.choice(INSTITUTIONS))
                    for i in range(2)]
        sc.orgs.extend(shelters)
        for m, hoods in munis:
            for corp in corps:
                # Most corporations agree on places with every municipality; one in five has no agreement.
                if rng.random() < 0.8:
                    sc.agreements.append((m, {"corporation": corp, "period": sc.period,
                                              "max_places": rng.randint(4, 12), "used": rng.randint(0, 2)}))
            for hood in rng.sample(hoods, 2):
                sc.limits.append((m, {"neighbourhood": hood, "period": sc.period,
                                      "max_placements": rng.randint(2, 5), "used": rng.randint(0, 1)}))
        n_units = max(2, round(rng.randint(12, 18) * scale))
        for u in range(n_units):
            m, hoods = rng.choice(munis)
            kind = rng.choice(KINDS)
            places = rng.randint(2, 4) if kind == "shared" else 1
            available = today + timedelta(days=rng.randint(0, 30))
            support = ["none", "light"] + (["intensive"] if rng.random() < 0.3 else []) + \
                (["housing_first"] if kind == "housing_first" else [])
            body = {
                "unit_id": f"{region}-{u:04d}", "municipality": m.municipality, "region": region,
                "neighbourhood": rng.choice(hoods), "kind": kind, "rooms": rng.choice([1, 1, 2, 2, 3, 4]),
                "places": places, "wheelchair_accessible": rng.random() < 0.2, "support": support,
                "available_from": available.isoformat(),
            }
            if rng.random() < 0.6:
                # A BAG id starts with the four digits of its municipality's code (the rest is random here).
                body["bag_id"] = f"{m.municipality[2:]}{rng.randint(10**15, 10**16 - 1) % 10**12:012d}"
            if kind == "flex":
                body["available_until"] = (available + timedelta(days=365 * rng.choice([10, 15]))).isoformat()
            sc.vacancies.append((rng.choice(corps), body))
        n_cands = max(2, round(rng.randint(22, 30) * scale))
        hoods_all = [h for _, hs in munis for h in hs]
        for _ in range(n_cands):
            size = rng.choice([1, 1, 1, 1, 2, 3, 4])
            children = max(0, size - rng.choice([1, 2])) if size > 1 else 0
            bsn = make_bsn(rng)
            body = {
                "bsn": bsn, "region": region, "household_size": size, "children": children,
                "wheelchair": rng.random() < 0.08,
                "support": rng.choice(["none", "none", "light", "light", "intensive", "housing_first"]),
                "shelter_entry_date": (today - timedelta(days=rng.randint(5, 400))).isoformat(),
                "youth": rng.random() < 0.25, "medical_urgency": rng.random() < 0.1,
                "excluded_neighbourhoods": rng.sample(hoods_all, 1) if rng.random() < 0.2 else [],
                "preferred_neighbourhoods": rng.sample(hoods_all, 1) if rng.random() < 0.3 else [],
            }
            sc.candidates.append((rng.choice(shelters), body))
            if rng.random() < 0.2:
                sc.decline_first_offer.add(bsn)
    return sc
