"""Disclosure control of a replayed report: the ledger's primary and secondary suppression on its counts."""
from __future__ import annotations

import copy

from services.system.simulation.disclosure import protect_report
from services.system.simulation.html import render
from services.system.simulation.report import to_csv


def iv(x):
    return {"mean": x, "low": x - 1, "high": x + 1}


def group(placed, waiting, over90=0):
    return {"placed": iv(placed), "waiting_at_end": iv(waiting), "waiting_at_end_over_90_days": iv(over90),
            "days_in_shelter_median": iv(40), "days_in_shelter_p90": iv(120), "share_placed_over_90_days": iv(0.2)}


def report(seeds=(1, 2)):
    support = {"support:none": (30, 20, 8), "support:light": (20, 10, 5), "support:intensive": (3, 6, 5),
               "support:housing_first": (7, 9, 6)}
    metrics = {g: group(*v) for g, v in support.items()}
    metrics["all"] = group(60, 45, 24) | {"offers_made": iv(90), "offers_expired": iv(4), "homes_published": iv(3),
                                          "home_empty_days_mean": iv(12)}
    metrics["youth"] = group(12, 2, 1)
    metrics["wheelchair"] = group(4.5, 6, 0)
    variant = {"name": "matcher", "changes": {}, "metrics": metrics, "hindsight_metrics": copy.deepcopy(metrics),
               "rules": {"agreement c × GM0001 (of 40)": iv(35), "agreement c × GM0002 (of 30)": iv(25)},
               "objective": iv(9000), "hindsight_optimum": iv(9900), "objective_share_of_hindsight": iv(0.9),
               "per_seed": [{"seed": s, "objective": 9000, "hindsight_optimum": 9900, "hindsight_bound": 9900,
                             "placed": 60} for s in seeds]}
    return {"scenario": {"source": "recorded history (the matcher's database)", "regions": ["R01"],
                         "first_arrival": "2027-01-01", "days": 30, "seeds": list(seeds)},
            "hindsight_at_least_every_objective": True, "variants": [variant]}


def test_small_cells_are_hidden_with_what_describes_their_people():
    before = report()
    out = protect_report(before)
    assert before == report()  # a copy: the input is left alone
    m = out["variants"][0]["metrics"]
    assert m["support:intensive"]["placed"] == {"mean": None, "low": None, "high": None, "suppressed": "<5"}
    assert m["support:intensive"]["days_in_shelter_p90"]["mean"] is None
    assert m["wheelchair"]["placed"]["suppressed"] == "<5"  # mean 4.5 of two seeds: 9 < 10
    assert m["youth"]["waiting_at_end"]["suppressed"] == "<5" and m["youth"]["placed"]["mean"] == 12
    assert m["all"]["offers_expired"]["suppressed"] == "<5"
    assert m["all"]["homes_published"]["mean"] == 3  # homes are no people
    assert out["disclosure_control"]["threshold"] == 5


def test_a_hidden_support_level_cannot_be_worked_out_from_the_total():
    m = protect_report(report())["variants"][0]["metrics"]
    levels = ["support:none", "support:light", "support:intensive", "support:housing_first"]
    # all = the sum of the levels: with intensive's 3 hidden, one more level must be hidden (or the total)
    hidden = [g for g in [*levels, "all"] if m[g]["placed"]["mean"] is None]
    assert "support:intensive" in hidden and len(hidden) >= 2
    assert any(m[g]["placed"].get("suppressed") == "hidden" for g in hidden)


def test_a_tiny_replay_hides_the_totals_and_the_seeds():
    small = report()
    v = small["variants"][0]
    v["metrics"]["all"]["placed"] = iv(3)
    for s in v["per_seed"]:
        s["placed"] = 3
    out = protect_report(small)["variants"][0]
    assert out["objective"]["mean"] is None and out["per_seed"] == [{"seed": 1}, {"seed": 2}]


def test_the_hindsight_optimums_people_are_protected_as_a_table_of_their_own():
    small = report()
    small["variants"][0]["hindsight_metrics"]["all"]["placed"] = iv(3)
    out = protect_report(small)["variants"][0]
    assert out["hindsight_metrics"]["support:intensive"]["placed"]["suppressed"] == "<5"
    assert out["hindsight_metrics"]["all"]["days_in_shelter_p90"]["mean"] is None
    assert out["hindsight_optimum"]["mean"] is None and "hindsight_optimum" not in out["per_seed"][0]
    assert out["objective"]["mean"] == 9000  # the strategy's own people are many enough
    assert "\nmatcher,support:intensive,hindsight:placed,<5,,\n" in to_csv(protect_report(report()))


def test_a_protected_report_renders_its_markers():
    out = protect_report(report())
    assert "\nmatcher,support:intensive,placed,<5,,\n" in to_csv(out)
    page = render(out)
    assert "support:intensive" in page and "&lt;5" in page and "recorded history" in page
