"""One simulation job: a municipality's request to the report ``housing-match simulate --out`` would write.

The scenario is the seeded generator (services/system/simulation/scenario.py) for one region shaped as the
municipality's: its region code, its registered municipalities (the requester first, so it is the region's
central one for ``refusal_rules``) and corporations, a region of average size (0.6 people a day). Variants
name those real codes (``{"municipality": "GM0999", "extra_places": 30}``). Seeds 1 … ``seeds``.

``source`` says where the people and homes come from: ``synthetic`` (the above) or ``history``, a replay of the
region's recorded people and homes from the matcher's database (``simulate --history``'s own loader, its answers
calibrated from the recorded ones), whose report passes the ledger's disclosure control before it leaves.
"""
from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from contracts import events as ev
from sqlalchemy.exc import SQLAlchemyError

from services.system.simulation.acceptance import AcceptanceModel
from services.system.simulation.recorded import load_history
from services.system.simulation.replay import replay
from services.system.simulation.report import build_report
from services.system.simulation.runner import run_all
from services.system.simulation.scenario import Region, Scenario, ScenarioParams, generate

#: Event ids of a job's events follow from its id: a job run twice publishes the same ids (absorbed downstream).
NAMESPACE = uuid.UUID("6f1d7c1e-21a5-4d6b-9a51-2f0c4b1e2121")


class JobRefused(ValueError):
    """The request cannot run; the text names the field and the reason, never a value."""


def event_id(job_id: str, what: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{job_id}/{what}")


def shaped_region(request: ev.SimulationRequested) -> Region:
    """The requester's region as the generator's layout: real codes, synthetic neighbourhoods and limits."""
    rng = random.Random(f"region/{request.region}")  # the same layout for every seed and every job
    municipalities = list(dict.fromkeys(request.municipalities))
    corporations = list(request.corporations) or [f"corp-{request.region.lower()}-{k}" for k in range(2)]
    hoods = {m: [f"BU{m[2:]}{k:04d}" for k in range(rng.randint(3, 6))] for m in municipalities}
    limited = {h for hs in hoods.values() for h in hs if rng.random() < 0.125}
    return Region(request.region, municipalities, corporations, hoods, limited, 1.0)


def check(request: ev.SimulationRequested) -> None:
    """What only the simulator can judge: the acceptance model's own parameters."""
    for i, v in enumerate(request.variants):
        try:
            AcceptanceModel(**v.changes.acceptance)
        except (TypeError, ValueError):
            raise JobRefused(f"variants[{i}].changes.acceptance: not a setting of the acceptance model") from None


def run_job(request: ev.SimulationRequested, on_progress: Callable[[int, int], None] | None = None,
            history_url: str | None = None) -> dict:
    """The report; ``on_progress(days_simulated, days_total)`` after every simulated day of every run.
    ``history_url``: the matcher's database, for ``source = history``."""
    check(request)
    if request.source == "history":
        return _replay(request, on_progress, history_url)
    region = shaped_region(request)
    params = ScenarioParams(regions=1, days=request.days)
    seeds = list(range(1, request.seeds + 1))
    progress = _summed(on_progress, len(request.variants) * len(seeds) * request.days)

    def scenario_of(seed: int) -> Scenario:
        return generate(seed, params, layouts=[region])

    results = run_all(request.variants, seeds, params, progress, scenario_of)
    report = build_report(request.variants, seeds, params, results)
    report["scenario"].update(source=request.source, region={
        "code": region.code, "municipalities": region.municipalities, "corporations": region.corporations})
    return report


def _replay(request: ev.SimulationRequested, on_progress: Callable[[int, int], None] | None,
            history_url: str | None) -> dict:
    if not history_url:
        raise JobRefused("source: this installation has no recorded history to replay")
    try:
        recorded = load_history(history_url, [request.region], request.days)
    except ValueError:
        raise JobRefused("source: the region has no recorded people or homes to replay yet") from None
    except SQLAlchemyError as exc:  # the kind of failure only: its text may name the database's address
        raise RuntimeError(f"the matcher's recorded history could not be read ({type(exc).__name__})") from None
    seeds = list(range(1, request.seeds + 1))
    progress = _summed(on_progress, len(request.variants) * len(seeds) * recorded.scenario.params.days)
    report, _ = replay(recorded, request.variants, seeds, progress)  # protected: real people
    report["scenario"].update(source=request.source)
    return report


def _summed(on_progress: Callable[[int, int], None] | None, total: int) -> Callable[[str, int, int], None]:
    """run_all's progress per run, as days simulated over all runs."""
    done: dict[str, int] = {}

    def progress(task: str, day: int, _days: int) -> None:
        done[task] = day
        if on_progress is not None:
            on_progress(sum(done.values()), total)
    return progress


def days_total(request: ev.SimulationRequested) -> int:
    return len(request.variants) * request.seeds * request.days
