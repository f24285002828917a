"""Issue 21: offline assignments aimed at the issue's measures, beside the hindsight optimum of the objective.

Usage: ``python -m bench.hindsight_probe --regions 3 --seeds 3`` (seeds 1…K, 0.6 people a day, a year).

The hindsight optimum (services/system/simulation/hindsight.py) maximises the summed priority with every
arrival known; offline, that priority rewards waiting (a placement after 90 days earns the long-wait
bonus, every day a day's weight), so its assignment keeps people and homes waiting. To see what the
supply allows on the issue's measures, the same pairs (eligibility, agreements, limits) are solved by
the same solver with other weights, each pair's days at move-in ``d`` as hindsight.py places it:

* ``soonest``: PLACE − d — the most placements, then the fewest summed days in shelter;
* ``priority, waiting charged``: PLACE + the pair's priority when its person came − the days the person
  then waits for the home: the matcher's own preferences, but each day of waiting costs instead of pays.

* ``fewest left over 90, then soonest``: PLACE + OLD·[the person would have waited over 90 days by the
  end of the period] − d — the most placements, then the fewest left waiting over 90 days at the end,
  then the fewest summed days in shelter.

PLACE outweighs the rest and OLD any day count, so each places (nearly) as many as can be placed. ``soonest`` shows
how far the issue's measures (of the *placed* people) can be pushed by placing the freshest arrivals and
leaving the long waiters waiting; the second keeps the matcher's choice of whom to place first. Each is measured by
metrics.py's own code (Hindsight.measures). Nothing here is part of the report.
"""
from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np

from services.matcher.domain.policy import DEFAULT_POLICY
from services.matcher.domain.solver import solve_pairs
from services.system.simulation.hindsight import SECONDS, Hindsight
from services.system.simulation.history import History
from services.system.simulation.metrics import LONG_STAY
from services.system.simulation.scenario import ScenarioParams, generate

PLACE, OLD = 100_000, 2_000
MEASURES = (("all", "placed"), ("all", "share_placed_over_90_days"), ("all", "days_in_shelter_p90"),
            ("wheelchair", "days_in_shelter_p90"), ("family", "days_in_shelter_p90"),
            ("all", "waiting_at_end"), ("all", "waiting_at_end_over_90_days"), ("all", "home_empty_days_mean"))


def assignments(model: Hindsight) -> dict[str, dict]:
    p = model.pairs
    d = np.asarray([model.placement(e).days_in_shelter for e in range(p.n_edges)], dtype=np.int64)
    out = {"objective's optimum": model.measures()}
    arrived = [(model.history.candidates[p.cand_ids[c]].occurred_at.date(),
                model.history.units[p.unit_ids[u]].occurred_at.date()) for c, u in zip(p.edge_c, p.edge_u)]
    later = np.asarray([max(0, (u - c).days) for c, u in arrived], dtype=np.int64)
    end = model.history.scenario.end.date()
    old = np.asarray([(end - model.history.candidates[c].shelter_entry_date).days > LONG_STAY for c in p.cand_ids])
    for name, w in (("soonest", PLACE - d), ("priority, waiting charged", PLACE + model.priority_at_arrival - later),
                    ("fewest left over 90, then soonest", PLACE + OLD * old[p.edge_c] - d)):
        chosen, _ = solve_pairs(replace(p, edge_w=w), SECONDS)
        out[name] = model.measures(chosen)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--regions", type=int, default=3)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--candidates-per-day", type=float, default=0.6)
    a = ap.parse_args()
    rows: dict[str, list[dict]] = {}
    for seed in range(1, a.seeds + 1):
        scenario = generate(seed, ScenarioParams(regions=a.regions, candidates_per_day=a.candidates_per_day))
        history = History(scenario)
        history.observe([e for _, e in scenario.arrivals], scenario.end)
        model = Hindsight(history, DEFAULT_POLICY.model_copy(update={"strategy": "optimal"}))
        for name, m in assignments(model).items():
            rows.setdefault(name, []).append(m)
    print("| offline assignment | " + " | ".join(f"{g} {k}" for g, k in MEASURES) + " |")
    print("|" + " --- |" * (len(MEASURES) + 1))
    for name, ms in rows.items():
        means = [np.mean([m[g][k] for m in ms]) for g, k in MEASURES]
        print(f"| {name} | " + " | ".join(f"{x:.3f}" if x < 1 else f"{x:,.1f}" for x in means) + " |")


if __name__ == "__main__":
    main()
