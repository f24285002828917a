"""``housing-match simulate``: what-if runs of the matcher on a seeded scenario (issue 21).

Seeds N … N+K−1; without ``--variants`` it compares this matcher, greedy urgency order, first come
first served and the look-ahead. The report (``--out``, and the same numbers as CSV beside it,
``--html``) holds no time, path or run id; how long it took and the machine's load go to
``<out>.meta.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.system.simulation.html import render
from services.system.simulation.report import build_report, to_csv, to_json
from services.system.simulation.runner import run_all
from services.system.simulation.scenario import ScenarioParams
from services.system.simulation.variants import DEFAULT_VARIANTS, load_variants


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="housing-match simulate", description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    p.add_argument("--seeds", type=int, default=1, help="number of seeds K: N … N+K-1 (default 1)")
    p.add_argument("--regions", type=int, default=3, choices=range(1, 44), metavar="1..43",
                   help="number of regions (default 3)")
    p.add_argument("--days", type=int, default=365, help="simulated days (default 365)")
    p.add_argument("--candidates-per-day", type=float, default=ScenarioParams.candidates_per_day,
                   help="people put forward per day in a region of average size")
    p.add_argument("--variants", help="JSON list of {name, changes} (see services/system/simulation/variants.py)")
    p.add_argument("--out", help="the report as JSON (and the same numbers as CSV beside it)")
    p.add_argument("--html", help="the report as HTML with charts")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    err = Console(stderr=True)
    if args.seeds < 1 or not 1 <= args.days <= 366 * 3 or args.candidates_per_day <= 0:
        err.print("error: --seeds must be at least 1, --days 1..1098, --candidates-per-day above 0")
        return 2
    try:
        variants = load_variants(args.variants) if args.variants else DEFAULT_VARIANTS
    except ValueError as exc:
        err.print(f"error: {exc}", markup=False)
        return 2
    params = ScenarioParams(regions=args.regions, days=args.days, candidates_per_day=args.candidates_per_day)
    seeds = list(range(args.seed, args.seed + args.seeds))
    load_before, started = os.getloadavg(), time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=args.quiet) as bar:
        task = bar.add_task("simulating", total=len(variants) * len(seeds) * args.days)
        done: dict[str, int] = {}

        def progress(name: str, day: int, days: int) -> None:
            bar.update(task, advance=day - done.get(name, 0), description=name)
            done[name] = day
        results = run_all(variants, seeds, params, progress)
    report = build_report(variants, seeds, params, results)
    if args.out:
        out = Path(args.out)
        out.write_text(to_json(report), encoding="utf-8")
        out.with_suffix(".csv").write_text(to_csv(report), encoding="utf-8")
        meta = {"command": ["housing-match", "simulate", *argv], "seconds_total": round(time.perf_counter() - started, 2),
                "seconds_per_run": [{"variant": r.variant, "seed": r.seed, "simulation": round(r.seconds, 2),
                                     "simulation_cpu": round(r.cpu_seconds, 2),
                                     "hindsight_and_measures": round(r.hindsight_seconds, 2)} for r in results],
                "load_average_before": load_before, "load_average_after": os.getloadavg(),
                "cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine()}
        out.with_suffix(".meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    if args.html:
        Path(args.html).write_text(render(report), encoding="utf-8")
    _print_summary(report)
    return 0 if report["hindsight_at_least_every_objective"] else 1


def _print_summary(report: dict) -> None:
    table = Table(title="simulation: mean (95% interval) over seeds")
    for col in ("variant", "placed", "share >90 d", "p90 days", "waiting at end", "objective / hindsight"):
        table.add_column(col)
    for v in report["variants"]:
        a = v["metrics"]["all"]
        table.add_row(v["name"], *[f"{x['mean']:g} ({x['low']:g}–{x['high']:g})" for x in
                                   (a["placed"], a["share_placed_over_90_days"], a["days_in_shelter_p90"],
                                    a["waiting_at_end"], v["objective_share_of_hindsight"])])
    Console(file=sys.stdout, width=160).print(table)
