"""The markdown table of bench/RESULTS.md from a ``housing-match simulate`` report (issue 21).

Usage: ``python -m bench.simulation_table bench/simulation/national.json``

The last row is the hindsight optimum's own assignment measured as a strategy's placements are (the
first variant's rules): an upper bound that knows every arrival and every decline in advance.
"""
from __future__ import annotations

import json
import sys

COLUMNS = (("all", "placed", "placed"), ("all", "share_placed_over_90_days", "share >90 d"),
           ("all", "days_in_shelter_median", "median days"), ("all", "days_in_shelter_p90", "p90 days"),
           ("all", "waiting_at_end", "waiting at end"), ("all", "waiting_at_end_over_90_days", "… >90 d"),
           ("wheelchair", "days_in_shelter_p90", "wheelchair p90"), ("family", "days_in_shelter_p90", "family p90"),
           ("all", "home_empty_days_mean", "empty days/place"))


def _cell(iv: dict) -> str:
    fmt = (lambda x: f"{x:.3f}") if abs(iv["mean"]) < 1 else (lambda x: f"{x:,.1f}")
    return f"{fmt(iv['mean'])} ({fmt(iv['low'])}–{fmt(iv['high'])})"


def table(report: dict) -> str:
    head = ["strategy", *[c[2] for c in COLUMNS], "objective", "objective / hindsight"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for v in report["variants"]:
        cells = [_cell(v["metrics"][g][m]) for g, m, _ in COLUMNS]
        lines.append("| " + " | ".join([v["name"], *cells, _cell(v["objective"]),
                                        _cell(v["objective_share_of_hindsight"])]) + " |")
    first = report["variants"][0]
    best = first.get("hindsight_metrics")  # reports written before it was measured have none
    cells = [_cell(best[g][m]) for g, m, _ in COLUMNS] if best else ["–"] * len(COLUMNS)
    lines.append("| hindsight optimum (upper bound: knows every arrival and decline) | " + " | ".join(cells)
                 + f" | {_cell(first['hindsight_optimum'])} | 1 |")
    return "\n".join(lines)


def target(report: dict, variant: str = "look_ahead", baseline: str = "matcher") -> str:
    """The issue's target, a look-ahead variant against this matcher, seed by seed means."""
    by = {v["name"]: v for v in report["variants"]}
    if variant not in by or baseline not in by:
        return f"(no target: the report has no variants named {variant!r} and {baseline!r})"
    return _against(variant, by[variant]["metrics"], baseline, by[baseline]["metrics"])


def hindsight_target(report: dict, baseline: str = "matcher") -> str:
    """The same figures for the hindsight optimum's assignment: what even hindsight achieves."""
    by = {v["name"]: v for v in report["variants"]}
    if baseline not in by or "hindsight_metrics" not in by[baseline]:
        return f"(no hindsight measures beside a variant named {baseline!r})"
    return _against("hindsight optimum", by[baseline]["hindsight_metrics"], baseline, by[baseline]["metrics"])


def _against(variant: str, la: dict, baseline: str, m: dict) -> str:
    def rel(g: str, k: str) -> float:
        return la[g][k]["mean"] / m[g][k]["mean"] - 1 if m[g][k]["mean"] else 0.0
    return (f"{variant} vs {baseline}: share >90 days {rel('all', 'share_placed_over_90_days'):+.1%} (target −10%), "
            f"p90 wheelchair users {rel('wheelchair', 'days_in_shelter_p90'):+.1%}, "
            f"p90 families {rel('family', 'days_in_shelter_p90'):+.1%} (target −20%), "
            f"placed {1 + rel('all', 'placed'):.1%} of the matcher's (at least 99%)")


if __name__ == "__main__":
    data = json.loads(open(sys.argv[1], encoding="utf-8").read())
    print(table(data))
    print()
    # e.g. `python -m bench.simulation_table report.json la-90-30`: another look-ahead variant's figures
    for name in sys.argv[2:] or ["look_ahead"]:
        print(target(data, name))
    print(hindsight_target(data))
