"""A replay of the recorded history, run and reported: the one path by which ``simulate --history`` and a
simulation job with source ``history`` turn real people's history into a report, always under the ledger's
disclosure control."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.system.simulation.disclosure import protect_report
from services.system.simulation.recorded import Recorded
from services.system.simulation.report import build_report
from services.system.simulation.runner import RunResult, run_all
from services.system.simulation.variants import Variant


def replay(recorded: Recorded, variants: list[Variant], seeds: list[int],
           progress: Callable[[str, int, int], Any] | None = None) -> tuple[dict[str, Any], list[RunResult]]:
    """The protected report and the runs (their run metadata) of ``variants`` over the recorded scenario; the
    seeds drive only the answers, from the acceptance model calibrated on the recorded ones."""
    params = recorded.scenario.params
    results = run_all(variants, seeds, params, progress, recorded.scenario.for_seed, recorded.acceptance)
    report = build_report(variants, seeds, params, results, recorded.scenario.described)
    return protect_report(report), results  # real people: only what disclosure control lets through
