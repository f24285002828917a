"""Disclosure control of a report replayed from recorded history: ``protect_report(report) -> report``.

A replay runs real (pseudonymous) people through the matcher again, so its counts about people may reach
municipalities only as the ledger publishes its own: no cell under 5 persons, and no hidden cell that a
reader can narrow to fewer than 4 possible values from what is shown. This module builds the report's
table of counts and hands it to the ledger's own disclosure control (services/ledger/domain/disclosure.py:
primary suppression, then the least-cost secondary suppression audited by linear programs); nothing here
decides which cell is safe.

**What is protected**, per variant (variants are separate simulations, each its own table):

* per group (all, youth, family, wheelchair, institution, each support level): people placed, still
  waiting at the end and waiting over 90 days; ``offers_made`` and ``offers_expired``;
* placements per agreement, per limited neighbourhood and per support provider, and the parkings;
* the same measures of the hindsight optimum's assignment (``hindsight_metrics``), as a table of their
  own; a hidden ``all`` ``placed`` there hides the hindsight optimum too;
* what describes the placed people of a hidden ``placed`` cell (median and p90 days, the share over 90
  days) is hidden with it, as are the objective, the hindsight optimum and the per-seed figures when
  ``all``'s ``placed`` is hidden (sums of a few people's priorities); a per-seed ``placed`` under 5 hides
  every seed's (with the mean, they would give each other away).

The **lines** the reader can add up: ``all`` is the sum of the four support levels (each person has one);
a group and its unpublished complement make ``all``; waiting is over-90 plus an unpublished rest; the
placements per agreement (per limit, per provider) plus an unpublished rest make ``all``'s placed.

**Means over seeds.** A report shows the mean of K runs of the same people. The table counts the sums over
the seeds (mean × K, integers whose lines hold exactly), with threshold 5·K and range 3·K: the same rule
as 5 and 3 on the means. The interval's ends go with the mean. A hidden cell reads
``{"mean": null, "low": null, "high": null, "suppressed": "<5"}`` (primary) or ``"hidden"`` (secondary).
Homes published, empty days of homes and the calibrated acceptance model are not counts of people and
are left as they are. Synthetic reports are not protected (no real people).
"""
from __future__ import annotations

import copy
from typing import Any

from services.ledger.domain.disclosure import RANGE, THRESHOLD, Reader, protect

PEOPLE = ("placed", "waiting_at_end", "waiting_at_end_over_90_days")
OFFERS = ("offers_made", "offers_expired")
OF_PLACED = ("days_in_shelter_median", "days_in_shelter_p90", "share_placed_over_90_days")
YES_NO = ("youth", "family", "wheelchair", "institution")
PRIMARY, SECONDARY = "<5", "hidden"
HIDDEN_ALL = "hidden with the placed people"


def protect_report(report: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``report`` (build_report's dict) with every count about people under disclosure control."""
    out = copy.deepcopy(report)
    k = max(1, len(report["scenario"]["seeds"]))
    for v in out["variants"]:
        _protect_variant(v, k)
    out["disclosure_control"] = {
        "threshold": THRESHOLD, "range": RANGE, "method": "services/ledger/domain/disclosure.py (primary and "
        "least-cost secondary suppression) on the sums over the seeds; see services/system/simulation/disclosure.py"}
    return out


def _protect_variant(v: dict[str, Any], k: int) -> None:
    label = _suppress(v, k)
    if ("m", "all", "placed") in label:
        for key in ("objective", "hindsight_optimum", "objective_share_of_hindsight"):
            v[key] = _hidden(HIDDEN_ALL)
        v["per_seed"] = [{"seed": s["seed"]} for s in v["per_seed"]]
    elif any(s["placed"] < THRESHOLD for s in v["per_seed"]):
        for s in v["per_seed"]:
            s["placed"] = None
    if "hindsight_metrics" in v:  # the hindsight optimum's people: a table of their own, the same rules
        if ("m", "all", "placed") in _suppress({"metrics": v["hindsight_metrics"], "rules": {}}, k):
            for key in ("hindsight_optimum", "objective_share_of_hindsight"):
                v[key] = _hidden(HIDDEN_ALL)
            for s in v["per_seed"]:
                s.pop("hindsight_optimum", None), s.pop("hindsight_bound", None)


def _suppress(v: dict[str, Any], k: int) -> dict[tuple, str]:
    """Hides the cells of ``v``'s metrics and rules that disclosure control hides; returns them, labelled."""
    cells, lines, published = _table(v, k)
    cost = {c: 20 if c[:2] == ("m", "all") else 3 if c[0] == "m" else 1 for c in published}
    p = protect(cells, lines, published, [Reader("reader")], cost=cost.__getitem__,
                threshold=THRESHOLD * k, protection_range=RANGE * k)
    label = {c: PRIMARY for c in p.primary} | {c: SECONDARY for c in p.secondary}
    for c, why in label.items():
        if c[0] == "m":
            v["metrics"][c[1]][c[2]] = _hidden(why)
            if c[2] == "placed":
                for m in OF_PLACED:
                    v["metrics"][c[1]][m] = _hidden(HIDDEN_ALL)
        else:
            v["rules"][c[1]] = _hidden(why)
    return label


def _hidden(why: str) -> dict[str, Any]:
    return {"mean": None, "low": None, "high": None, "suppressed": why}


def _table(v: dict[str, Any], k: int) -> tuple[dict, list, set]:
    metrics = v["metrics"]
    cells: dict[tuple, int] = {}
    for g, ms in metrics.items():
        for m in (*PEOPLE, *(OFFERS if g == "all" else ())):
            if m in ms:
                cells[("m", g, m)] = round(ms[m]["mean"] * k)
    for key, iv in v["rules"].items():
        cells[("r", key)] = round(iv["mean"] * k)
    published = set(cells)
    lines: list[tuple[tuple, list[tuple]]] = []

    def line(total: tuple, members: list[tuple], rest: tuple | None = None) -> None:
        if total not in cells or any(m not in cells for m in members):
            return
        left = cells[total] - sum(cells[m] for m in members)
        if rest is not None and left >= 0:
            cells[rest] = left
            lines.append((total, [*members, rest]))
        elif rest is None and left == 0:
            lines.append((total, list(members)))

    support = sorted(g for g in metrics if g.startswith("support:"))
    for m in PEOPLE:
        line(("m", "all", m), [("m", g, m) for g in support])
        for g in YES_NO:
            line(("m", "all", m), [("m", g, m)], ("u", "not", g, m))
    for g in metrics:
        line(("m", g, "waiting_at_end"), [("m", g, "waiting_at_end_over_90_days")], ("u", "not over 90", g))
    for kind in ("agreement ", "limit ", "support provider "):
        members = [c for c in published if c[0] == "r" and c[1].startswith(kind)]
        if members:
            line(("m", "all", "placed"), sorted(members), ("u", "outside", kind))
    return cells, lines, published
