"""National benchmark of the matcher (``housing-match bench`` calls ``main(argv)``).

Generates the seeded synthetic national instance (see ``bench/generator.py``), writes it to a
temporary JSON file and measures, each in its own fresh Python process:

* ``matcher``   -- ``services.matcher.domain.solver.solve`` (eligibility + solve) from a parsed instance;
* ``greedy``    -- urgency order: eligible pairs by priority, highest first, each taken if it fits;
* ``fcfs``      -- first come, first served: longest wait first, each takes its best fitting unit;
* ``LP bound``  -- LP relaxation of the natural formulation over *all* eligible pairs, built
  independently of the matcher's model code (pywraplp + GLOP, per component);
* ``solve command`` -- the whole CLI (``python -m services.matcher.entrypoints.solve_cli``):
  interpreter start, reading the JSON, eligibility, solving, writing the result.

Wall time is measured inside the process around the method (from the parsed instance; for the
solve command: from outside, the whole process).  Peak memory is the child process's peak
resident set size (``ru_maxrss`` from ``os.wait4``), so it includes the interpreter and the
parsed instance.  The matcher's result is also run through the independent checker.

The regions' rules of issue 19 (``bench/rules.py``) are switched on one by one with
``--regional-policies``, ``--affordability``, ``--support-capacity``, ``--exit-dates`` and
``--fixed-pairs`` (or all with ``--all-rules``); then the matcher is also measured on the same
instance without them (today's rules) in the same run, as the baseline.

Usage: ``python -m bench.national [--seed N] [--candidates N] [--units N] [--time-limit S]
[--markdown FILE] [rule options]``
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------------
# Child side: run one method on an instance file, print a JSON line of measurements.
# ------------------------------------------------------------------------------------------------

def _summary(instance, chosen_pairs: list[tuple[str, str]], objective: float) -> dict[str, Any]:
    days = {c.id: c.days_in_shelter for c in instance.candidates}
    placed = [c for c, _ in chosen_pairs]
    long_wait = sum(1 for c in placed if days[c] > 90)
    return {"objective": objective, "placed": len(placed),
            "share_over_90": (long_wait / len(placed)) if placed else 0.0}


def _child(method: str, path: str, time_limit: float) -> int:
    import numpy as np

    from contracts.solver import parse_instance

    instance = parse_instance(Path(path).read_bytes())
    t0 = time.perf_counter()
    if method == "matcher":
        from services.matcher.domain.checker import check
        from services.matcher.domain.solver import SolveStats, solve

        stats = SolveStats()
        res = solve(instance, time_limit_s=time_limit, stats=stats)
        wall = time.perf_counter() - t0
        pairs = [(a.candidate, a.unit) for a in res.assignments]
        out = _summary(instance, pairs, res.objective)
        out.update(bound=res.bound, status=res.status, violations=len(check(instance, res)),
                   stats={k: v for k, v in vars(stats).items()})
    elif method in ("greedy", "fcfs"):
        from services.matcher.domain.baselines import first_come_first_served, greedy_urgency
        from services.matcher.domain.pairs import build_pairs

        p = build_pairs(instance)
        if method == "greedy":
            chosen = greedy_urgency(p)
        else:
            days = np.zeros(len(p.cand_ids), dtype=np.int64)
            by_id = {c.id: c.days_in_shelter for c in instance.candidates}
            for i, cid in enumerate(p.cand_ids):
                days[i] = by_id[cid]
            chosen = first_come_first_served(p, days)
        wall = time.perf_counter() - t0
        pairs = [(p.cand_ids[int(p.edge_c[e])], p.unit_ids[int(p.edge_u[e])]) for e in chosen.tolist()]
        pairs += [tuple(pair) for pair in instance.fixed_assignments]
        out = _summary(instance, pairs, int(p.edge_w[chosen].sum() + p.fixed_w.sum()))
    elif method == "lp":
        from bench.lp_bound import lp_bound
        from services.matcher.domain.pairs import build_pairs

        p = build_pairs(instance)
        value = lp_bound(p)
        wall = time.perf_counter() - t0
        out = {"objective": value, "placed": None, "share_over_90": None, "pairs": p.n_edges}
    else:
        raise SystemExit(f"unknown method {method}")
    out["wall"] = wall
    print(json.dumps(out))
    return 0


# ------------------------------------------------------------------------------------------------
# Parent side
# ------------------------------------------------------------------------------------------------

def _run(cmd: list[str]) -> tuple[str, float, float, float]:
    """(stdout, wall seconds, peak RSS MiB, CPU seconds user + system) of a child process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-2000:]}")
    return stdout, wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime  # Linux: KiB


def _measure(method: str, path: Path, time_limit: float) -> dict[str, Any]:
    stdout, _, rss, _ = _run([sys.executable, "-m", "bench.national", "--child", method,
                           "--instance", str(path), "--time-limit", str(time_limit)])
    out = json.loads(stdout.strip().splitlines()[-1])
    out["rss"] = rss
    return out


_RULE_FLAGS = (
    ("--regional-policies", "regional", "every region its own partial policy"),
    ("--affordability", "affordability", "passend toewijzen: rents and rent-allowance entitlement"),
    ("--support-capacity", "support", "support providers with room for a tenth of their demand or less, "
                                      "some working in two regions"),
    ("--exit-dates", "exits", "candidates leaving an institution, with an exit bonus"),
    ("--fixed-pairs", "fixed", "100 pairs fixed by hand"),
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="housing-match bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--candidates", type=int, default=20_000)
    ap.add_argument("--units", type=int, default=4_500)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--markdown", type=Path, default=None, help="also write the table as Markdown")
    for flag, rule, what in _RULE_FLAGS:
        ap.add_argument(flag, dest=f"rule_{rule}", action="store_true", help=what)
    ap.add_argument("--all-rules", action="store_true", help="switch on every rule above")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--instance", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    if args.child:
        return _child(args.child, args.instance, args.time_limit)

    from rich.console import Console
    from rich.table import Table

    from bench.generator import generate
    from bench.rules import add_rules

    rules = {rule for _, rule, _ in _RULE_FLAGS if args.all_rules or getattr(args, f"rule_{rule}")}

    console = Console(width=150) if not sys.stdout.isatty() else Console()
    with tempfile.TemporaryDirectory(prefix="housing-bench-") as tmp:
        path = Path(tmp) / "national.json"
        data = generate(seed=args.seed, n_candidates=args.candidates, n_units=args.units)
        rows = {}
        if rules:  # the baseline: today's rules on the same instance, in the same run
            plain = Path(tmp) / "national-today.json"
            plain.write_text(json.dumps(data))
            rows["today"] = _measure("matcher", plain, args.time_limit)
            add_rules(data, args.seed, rules)
        path.write_text(json.dumps(data))
        size_mb = path.stat().st_size / 1e6
        n_c, n_u = len(data["candidates"]), len(data["units"])
        n_places = sum(u["places"] for u in data["units"])
        del data
        console.print(f"instance: seed {args.seed}, {n_c} candidates, {n_u} units ({n_places} places), "
                      f"{size_mb:.1f} MB JSON; rules of issue 19: {', '.join(sorted(rules)) or 'none'}")
        for method in ("matcher", "greedy", "fcfs", "lp"):
            rows[method] = _measure(method, path, args.time_limit)
        result_path = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "services.matcher.entrypoints.solve_cli", str(path),
               "--out", str(result_path), "--time-limit", str(args.time_limit)]
        load_before = os.getloadavg()[0]
        _, cmd_wall, cmd_rss, cmd_cpu = _run(cmd)
        cmd_result = json.loads(result_path.read_text())

    lp = rows["lp"]["objective"]
    names = {"today": "this matcher, today's rules (baseline)", "matcher": "this matcher",
             "greedy": "greedy urgency order",
             "fcfs": "first come, first served", "lp": "LP bound (relaxation)"}
    header = ["method", "objective", "% of LP bound", "people placed", "placed >90 days",
              "wall time (s)", "peak RSS (MiB)"]
    body = []
    for key in [k for k in ("today", "matcher", "greedy", "fcfs", "lp") if k in rows]:
        r = rows[key]
        obj = r["objective"]
        body.append([
            names[key],
            f"{obj:,.1f}" if key == "lp" else f"{int(obj):,}",
            "(other rules)" if key == "today" else f"{100.0 * obj / lp:.3f}%" if lp else "-",
            "-" if r["placed"] is None else f"{r['placed']:,}",
            "-" if r["share_over_90"] is None else f"{100.0 * r['share_over_90']:.1f}%",
            f"{r['wall']:.2f}",
            f"{r['rss']:.0f}",
        ])
    body.append(["solve command (whole CLI)", f"{cmd_result['objective']:,}",
                 f"{100.0 * cmd_result['objective'] / lp:.3f}%" if lp else "-",
                 f"{len(cmd_result['assignments']):,}", "-", f"{cmd_wall:.2f}", f"{cmd_rss:.0f}"])

    title = f"National instance (seed {args.seed}): {n_c} candidates, {n_u} units"
    table = Table(title=title + (f"; rules: {', '.join(sorted(rules))}" if rules else ""))
    for h in header:
        table.add_column(h, justify="left" if h == "method" else "right")
    for row in body:
        table.add_row(*row)
    console.print(table)
    m = rows["matcher"]
    notes = [
        f"matcher: status {m['status']}, objective {m['objective']:,}, proven bound {m['bound']:,}, "
        f"checker violations {m['violations']}",
        f"matcher stats: {m['stats']}",
        f"solve command: status {cmd_result['status']}, bound {cmd_result['bound']:,}",
        *([f"baseline (today's rules, same instance): status {rows['today']['status']}, objective "
           f"{rows['today']['objective']:,}, bound {rows['today']['bound']:,}, checker violations "
           f"{rows['today']['violations']}"] if "today" in rows else []),
        f"goal >= 99.9% of LP bound: {'met' if m['objective'] >= 0.999 * lp else 'NOT met'} "
        f"({100.0 * m['objective'] / lp:.4f}%); goal whole solve command <= 10 s: "
        f"{'met' if cmd_wall <= 10.0 else 'NOT met'} ({cmd_wall:.2f} s wall, {cmd_cpu:.2f} s CPU; "
        f"load average {load_before:.1f} on {os.cpu_count()} cores when it started)",
        "wall time: inside the process, from the parsed instance (eligibility + method); the solve "
        "command row is the whole process from outside. Peak RSS: ru_maxrss of the child process (os.wait4).",
    ]
    for n in notes:
        console.print(n)
    if args.markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        args.markdown.write_text("\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
