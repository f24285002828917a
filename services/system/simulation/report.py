"""The report: per variant the mean and a 95% interval over seeds of every measurement (JSON, CSV).

The interval is the mean ± t(0.975, K-1) · s / √K over the K seeds (Student's t; K = 1 gives the
single value as both ends). Numbers are rounded to 4 decimals and keys sorted, and nothing in the
report depends on the machine, the time or the paths: the same inputs give the same bytes. How long
it took and where it ran goes into the separate metadata file (``run_metadata``).
"""
from __future__ import annotations

import csv
import io
import json
import math
import statistics
from typing import Any

from services.system.simulation.runner import RunResult
from services.system.simulation.scenario import ScenarioParams
from services.system.simulation.variants import Variant

#: Student's t, 97.5% quantile, by degrees of freedom (beyond 30: 1.96)
_T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
         2.045, 2.042]


def _r(x: float) -> float:
    return round(float(x), 4) + 0.0  # + 0.0: never "-0.0"


def interval(values: list[float]) -> dict[str, float]:
    mean = statistics.fmean(values)
    if len(values) < 2:
        return {"mean": _r(mean), "low": _r(mean), "high": _r(mean)}
    t = _T975[len(values) - 2] if len(values) - 1 <= len(_T975) else 1.96
    half = t * statistics.stdev(values) / math.sqrt(len(values))
    return {"mean": _r(mean), "low": _r(mean - half), "high": _r(mean + half)}


def build_report(variants: list[Variant], seeds: list[int], params: ScenarioParams,
                 results: list[RunResult], described: dict[str, Any] | None = None) -> dict[str, Any]:
    """``described``: what the scenario is when it was not generated (a replay of the recorded history)."""
    out = []
    for v in variants:
        runs = [r for r in results if r.variant == v.name]
        groups = runs[0].metrics.keys()
        out.append({
            "name": v.name, "changes": v.changes.model_dump(mode="json", exclude_defaults=True),
            "metrics": {g: {m: interval([r.metrics[g][m] for r in runs]) for m in runs[0].metrics[g]}
                        for g in groups},
            "rules": {k: interval([r.rules[k] for r in runs]) for k in sorted(runs[0].rules)},
            "objective": interval([r.objective for r in runs]),
            "hindsight_optimum": interval([r.hindsight for r in runs]),
            # the same measures of the hindsight optimum's assignment: an upper bound that knows every
            # arrival and every decline in advance (hindsight.py), optimal for the objective, not per measure
            "hindsight_metrics": {g: {m: interval([r.hindsight_metrics[g][m] for r in runs])
                                      for m in runs[0].hindsight_metrics[g]} for g in runs[0].hindsight_metrics},
            "objective_share_of_hindsight": interval([r.objective / r.hindsight if r.hindsight else 1.0
                                                      for r in runs]),
            "per_seed": [{"seed": r.seed, "objective": r.objective, "hindsight_optimum": r.hindsight,
                          "hindsight_bound": r.hindsight_bound, "placed": r.metrics["all"]["placed"]} for r in runs],
        })
    return {
        "scenario": {**described, "seeds": seeds} if described else
        {"generator": "services/system/simulation/scenario.py", "seeds": seeds,
         "params": {k: getattr(params, k) for k in sorted(params.__dataclass_fields__)}},
        "hindsight_at_least_every_objective": all(r.hindsight >= r.objective for r in results),
        "variants": out,
    }


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _cols(iv: dict[str, Any]) -> list:
    """mean, low, high; a cell hidden by disclosure control (replays) gives its marker as the mean."""
    if iv["mean"] is None:
        return [iv.get("suppressed", ""), "", ""]
    return [iv["mean"], iv["low"], iv["high"]]


def to_csv(report: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["variant", "group", "measure", "mean", "low95", "high95"])
    for v in report["variants"]:
        for g, ms in v["metrics"].items():
            for m, iv in ms.items():
                w.writerow([v["name"], g, m, *_cols(iv)])
        for k in ("objective", "hindsight_optimum", "objective_share_of_hindsight"):
            w.writerow([v["name"], "all", k, *_cols(v[k])])
        for g, ms in v.get("hindsight_metrics", {}).items():  # reports written before it was measured: none
            for m, iv in ms.items():
                w.writerow([v["name"], g, f"hindsight:{m}", *_cols(iv)])
        for k, iv in v["rules"].items():
            w.writerow([v["name"], "rules", k, *_cols(iv)])
    return buf.getvalue()
