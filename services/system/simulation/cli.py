"""``housing-match simulate``: what-if runs of the matcher on a seeded scenario or the recorded history (issue 21).

Seeds N … N+K−1; without ``--variants`` it compares this matcher, greedy urgency order, first come
first served and the look-ahead. ``--history DATABASE_URL`` replays the matcher's recorded history
(recorded.py) instead of a generated scenario: the seeds then drive only the acceptance model, which
is calibrated from the recorded answers (calibration.py), and the report passes disclosure control
(disclosure.py) before it is written or shown. The report (``--out``, and the same numbers as CSV beside it,
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
from sqlalchemy.exc import SQLAlchemyError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.ledger.domain.disclosure import primary
from services.system.simulation.html import render
from services.system.simulation.recorded import load_history
from services.system.simulation.replay import replay
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
    p.add_argument("--days", type=int, help="simulated days (default 365; with --history the recorded period)")
    p.add_argument("--history", metavar="DATABASE_URL",
                   help="replay the matcher's recorded history from this database instead of a generated scenario")
    p.add_argument("--region", action="append", metavar="CODE",
                   help="with --history: replay this region (repeatable; default every region)")
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
    if args.seeds < 1 or not 1 <= (args.days or 1) <= 366 * 3 or args.candidates_per_day <= 0:
        err.print("error: --seeds must be at least 1, --days 1..1098, --candidates-per-day above 0")
        return 2
    if args.region and not args.history:
        err.print("error: --region needs --history (a generated scenario takes --regions N)")
        return 2
    try:
        variants = load_variants(args.variants) if args.variants else DEFAULT_VARIANTS
        recorded = load_history(args.history, args.region, args.days) if args.history else None
    except ValueError as exc:
        err.print(f"error: {exc}", markup=False)
        return 2
    except SQLAlchemyError as exc:  # the kind of failure only: its text may name the database's address
        err.print(f"error: --history: cannot read the matcher's tables ({type(exc).__name__})", markup=False)
        return 2
    params = recorded.scenario.params if recorded else ScenarioParams(
        regions=args.regions, days=args.days or 365, candidates_per_day=args.candidates_per_day)
    seeds = list(range(args.seed, args.seed + args.seeds))
    load_before, started = os.getloadavg(), time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, disable=args.quiet) as bar:
        task = bar.add_task("simulating", total=len(variants) * len(seeds) * params.days)
        done: dict[str, int] = {}

        def progress(name: str, day: int, days: int) -> None:
            bar.update(task, advance=day - done.get(name, 0), description=name)
            done[name] = day
        if recorded:  # real people: the report comes protected (replay.py)
            report, results = replay(recorded, variants, seeds, progress)
        else:
            results = run_all(variants, seeds, params, progress)
            report = build_report(variants, seeds, params, results)
    if args.out:
        out = Path(args.out)
        out.write_text(to_json(report), encoding="utf-8")
        out.with_suffix(".csv").write_text(to_csv(report), encoding="utf-8")
        meta = {"command": ["housing-match", "simulate", *_without_database_url(argv)], "seconds_total": round(time.perf_counter() - started, 2),
                "seconds_per_run": [{"variant": r.variant, "seed": r.seed, "simulation": round(r.seconds, 2),
                                     "simulation_cpu": round(r.cpu_seconds, 2),
                                     "hindsight_and_measures": round(r.hindsight_seconds, 2)} for r in results],
                "load_average_before": load_before, "load_average_after": os.getloadavg(),
                "cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine()}
        if recorded:  # rows the replay could not use (counts of people: under 5 read null)
            meta["left_out"] = {why: primary(n) for why, n in sorted(recorded.left_out.items())}
        out.with_suffix(".meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    if args.html:
        Path(args.html).write_text(render(report), encoding="utf-8")
    _print_summary(report)
    return 0 if report["hindsight_at_least_every_objective"] else 1


def _without_database_url(argv: list[str]) -> list[str]:
    """The command as run, but never the database's address (it may hold a password)."""
    out = list(argv)
    for i, a in enumerate(out):
        if a == "--history" and i + 1 < len(out):
            out[i + 1] = "DATABASE_URL"
        elif a.startswith("--history="):
            out[i] = "--history=DATABASE_URL"
    return out


def _shown(x: dict) -> str:
    if x["mean"] is None:  # disclosure control (a replay of recorded history)
        return x.get("suppressed", "–")
    return f"{x['mean']:g} ({x['low']:g}–{x['high']:g})"


def _print_summary(report: dict) -> None:
    table = Table(title="simulation: mean (95% interval) over seeds")
    for col in ("variant", "placed", "share >90 d", "p90 days", "waiting at end", "objective / hindsight"):
        table.add_column(col)
    for v in report["variants"]:
        a = v["metrics"]["all"]
        table.add_row(v["name"], *[_shown(x) for x in
                                   (a["placed"], a["share_placed_over_90_days"], a["days_in_shelter_p90"],
                                    a["waiting_at_end"], v["objective_share_of_hindsight"])])
    Console(file=sys.stdout, width=160).print(table)
