"""Disclosure control of the ledger: how many cells each reader's view hides, and how long protecting takes.

Two data sets (tests/unit/ledger/demo_data.py: the demo's homes let to its candidates, and the variant with
small municipalities), two methods in the same run: the greedy audit-and-repair merged for issue 12
(bench/greedy, the baseline) and the least-cost program with cutting planes (services/ledger/domain).
A view is one report as its reader gets it: the national report, each municipality's report as the
ministry reads it, and each municipality's own report (with its exact counters). The digest names the
protected table: the same data must give the same digest in every run and on every machine. The views are
counted from one more protection after the timed ones.

    python -m bench.disclosure [--repeat 3] [--markdown FILE]
"""
from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from collections import Counter
from datetime import date

from bench.greedy import disclosure as greedy
from services.ledger.adapters.orm import AgreementTarget, NeighbourhoodLimit
from services.ledger.domain import disclosure, journal as jr, protected, table
from services.ledger.service_layer import reports
from bench.report_cells import counts
from tests.unit.ledger.demo_data import demo

DAY = date(2026, 6, 15)
METHODS = {"greedy (baseline)": greedy.protect_as_merged, "least cost (this)": disclosure.protect}


def inputs(keep: float) -> reports.Inputs:
    places, agreements, limits, regions = demo(keep=keep)
    return reports.Inputs(
        jr.LedgerView(places, [], 0, 0),
        [AgreementTarget(corporation=c, municipality=x, period=y, region=regions[x], max_places=8)
         for c, x, y, _ in agreements],
        [NeighbourhoodLimit(neighbourhood=n, municipality=x, period=y, region=regions[x], max_placements=4, used=0)
         for n, x, y in limits], 0, None, DAY, {(c, x, y): u for c, x, y, u in agreements})


def views(inp: reports.Inputs) -> dict[str, Counter]:
    national = reports.build(inp, 10_000)
    out = {"national (ministry)": counts(national)}
    for x in national["by_municipality"]:
        out[f"{x} (ministry)"] = counts(reports.build(inp, 10_000, x))
        out[f"{x} (own)"] = counts(reports.build(inp, 10_000, x, party=x))
    return out


def run(keep: float, method, repeat: int) -> tuple[dict[str, Counter], list[float], str, int]:
    inp = inputs(keep)
    t = table.count(reports._places(inp), inp.day, [(a.corporation, a.municipality, a.period) for a in inp.agreements],
                    [(n.neighbourhood, n.municipality, n.period) for n in inp.limits],
                    {a.municipality: a.region for a in inp.agreements})
    original = protected.disclosure.protect
    protected.disclosure.protect = method
    try:
        seconds, digests = [], []
        for _ in range(repeat):
            reports._CACHE.clear()
            start, cpu = time.perf_counter(), time.process_time()
            p = protected.protect(t)
            seconds.append((time.perf_counter() - start, time.process_time() - cpu))
            digests.append(_digest(p))
        reports._CACHE.clear()
        shown = views(inp)
    finally:
        protected.disclosure.protect = original
        reports._CACHE.clear()
    return shown, seconds, "/".join(digests), getattr(p, "rounds", 0)


def _digest(p) -> str:
    """Names the protected table: which cells are hidden, and what each municipality is shown of its own."""
    return hashlib.sha256(repr((sorted(p.primary, key=repr), sorted(p.secondary, key=repr),
                                sorted((k, sorted(v, key=repr)) for k, v in p.revealed.items()))).encode()
                          ).hexdigest()[:12]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--markdown")
    a = ap.parse_args(argv)
    lines = []
    for name, keep in (("demo", 1.0), ("small municipalities", 0.3)):
        results = {m: run(keep, f, a.repeat) for m, f in METHODS.items()}
        lines += [f"### {name} (keep={keep})", "", "| view | " + " | ".join(
            f"{m}: <5 / verborgen / shown" for m in METHODS) + " |", "|---|" + "---:|" * len(METHODS)]
        first = next(iter(results.values()))[0]
        totals = {m: Counter() for m in METHODS}
        for view in first:
            row = []
            for m, (shown, *_rest) in results.items():
                c = shown[view]
                totals[m].update(c)
                row.append(f"{c['<5']} / {c['verborgen']} / {c['shown']}")
            lines.append(f"| {view} | " + " | ".join(row) + " |")
        lines.append("| **all views** | " + " | ".join(
            f"**{c['<5']} / {c['verborgen']} / {c['shown']}**" for c in totals.values()) + " |")
        lines.append("")
        for m, (_, seconds, digest, rounds) in results.items():
            lines.append(f"- {m}: protect {statistics.median(s for s, _ in seconds):.2f} s wall, "
                         f"{statistics.median(c for _, c in seconds):.2f} s CPU (medians of {len(seconds)}: "
                         f"{', '.join(f'{s:.2f}/{c:.2f}' for s, c in seconds)}), digest of each run {digest}"
                         + (f", {rounds} rounds" if rounds else ""))
        lines.append("")
    text = "\n".join(lines)
    print(text)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
