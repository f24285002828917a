"""The attack test: every reader of the ledger reads all it can (JSON, CSV, HTML, metrics) and tries to recover
each hidden cell with an integer program over all of it; no hidden cell may be pinned below the protection range.

The attacker knows how the figures add up (strategies to the total, municipalities to their region, months and
corporations to each municipality's year, sources' combinations to each municipality's total...), that every
count is a whole number from 0 up, that "<5" means 0 to 4 and "verborgen" at least 5, and, as a municipality,
its own agreements' exact counters. It runs on the demo's data and on a variant with small municipalities.
"""
from __future__ import annotations

import csv
import io
from html import escape
from datetime import date
from itertools import combinations

import pytest

from services.ledger.adapters.orm import AgreementTarget, NeighbourhoodLimit
from services.ledger.domain import disclosure, journal as jr
from services.ledger.domain.cells import STRATEGIES
from services.ledger.entrypoints import dashboard
from services.ledger.service_layer import export, reports
from tests.unit.ledger.attack import Attack
from tests.unit.ledger.demo_data import demo

DAY = date(2026, 6, 15)


def inputs(keep: float) -> tuple[reports.Inputs, dict]:
    places, agreements, limits, regions = demo(keep=keep)
    return reports.Inputs(
        jr.LedgerView(places, [], 0, 0),
        [AgreementTarget(corporation=c, municipality=x, period=y, region=regions[x], max_places=8) for c, x, y, _ in agreements],
        [NeighbourhoodLimit(neighbourhood=n, municipality=x, period=y, region=regions[x], max_placements=4, used=0)
         for n, x, y in limits], 0, None, DAY, {(c, x, y): u for c, x, y, u in agreements}), regions


class Model:
    """The attacker's unknowns for one data set: per municipality, the counts its reports are sums of."""

    def __init__(self, national: dict, regions: dict):
        self.a = Attack(national["realised_places"])
        self.months, self.regions = list(national["by_month"]), regions
        self.years = sorted({m[:4] for m in self.months} | {"2026"})
        self.corps = list(national["by_corporation"])
        self.kind = {s["source"]: s["source_kind"] for s in national["sources"]}
        self.subsets = [c for n in range(1, len(self.kind) + 1) for c in combinations(sorted(self.kind), n)]
        for x in regions:
            total = self.total(x)
            for y in self.years:
                year = self.a.total(f"{x}/sm/{s}/{m}" for s in STRATEGIES for m in self.months if m.startswith(y))
                self.a.equal(year, self.a.total(f"{x}/cy/{c}/{y}" for c in self.corps))
            for name in ("housing_first", "youth", "families", "occupied", "stay_known", "unique"):
                self.a.equal(total, self.a.total([f"{x}/{name}/yes", f"{x}/{name}/no"]))
            self.a.equal(self.a.unknown(f"{x}/stay_known/yes"), self.a.total([f"{x}/over_90/yes", f"{x}/over_90/no"]))
            self.a.equal(total, self.a.total(f"{x}/src/{'+'.join(s)}" for s in self.subsets))
        self.a.equal(self.cell("total", None), self.a.total(["nat/unique/yes", "nat/unique/no"]))

    def total(self, x: str):
        return self.a.total(f"{x}/sm/{s}/{m}" for s in STRATEGIES for m in self.months)

    def cell(self, name: str, x: str | None, *key):
        """The expression of a count ``name`` (with ``key``) of municipality ``x``, or of the country (None)."""
        xs = [x] if x else list(self.regions)
        if name == "unique" and not x:
            return self.a.unknown("nat/unique/yes")
        if name == "region":
            xs = [m for m in self.regions if self.regions[m] == key[0]] if not x else xs
            return sum((self.total(m) for m in xs), 0)
        if name == "region_strategy":
            return sum((self.cell("strategy", m, key[1]) for m in self.regions if self.regions[m] == key[0]), 0)
        parts = []
        for m in xs:
            if name == "total":
                parts.append(self.total(m))
            elif name == "strategy":
                parts.append(self.a.total(f"{m}/sm/{key[0]}/{mo}" for mo in self.months))
            elif name == "month":
                parts.append(self.a.total(f"{m}/sm/{s}/{key[0]}" for s in STRATEGIES))
            elif name == "sm":
                parts.append(self.a.unknown(f"{m}/sm/{key[0]}/{key[1]}"))
            elif name == "corporation":
                parts.append(self.a.total(f"{m}/cy/{key[0]}/{y}" for y in self.years))
            elif name == "agreement":
                parts.append(self.a.unknown(f"{m}/cy/{key[0]}/{key[1]}"))
            elif name in ("source", "source_kind", "overlap", "kind_overlap"):
                parts.append(self.a.total(f"{m}/src/{'+'.join(s)}" for s in self.subsets if self._has(name, s, key)))
            else:  # a yes/no split, unique persons, flagged for review
                parts.append(self.a.unknown(f"{m}/{name}/{'yes' if not key or key[0] else 'no'}"))
        return sum(parts, 0)

    def _has(self, name: str, subset: tuple, key: tuple) -> bool:
        have = set(subset) if name in ("source", "overlap") else {self.kind[s] for s in subset}
        return set(key) <= have


def read_report(model: Model, r: dict, tag: str) -> None:
    """Every count of one report, JSON path by JSON path, as equations or labelled hidden cells."""
    a, x = model.a, r["scope"]["municipality"]
    secondary = set(r["secondary_suppressed"])

    def read(path: str, expr, value) -> None:
        label = None if value is not None else export.label(r, path)
        a.read(f"{tag}:{path}", expr, value, {"<5": "<5", "verborgen": "verborgen"}.get(label) if label else None)

    heads = {"realised_places": ("total",), "unique_persons": ("unique",), "currently_occupied": ("occupied", True),
             "housing_first": ("housing_first", True), "youth": ("youth", True), "families": ("families", True),
             "shelter_stay_known": ("stay_known", True), "over_90_days_in_shelter": ("over_90", True),
             "flagged_for_review": ("review",)}
    for key, (name, *k) in heads.items():
        read(key, model.cell(name, x, *k), r[key])
    for s, v in r["by_strategy"].items():
        read(f"by_strategy.{s}", model.cell("strategy", x, s), v)
    for m, v in r["by_month"].items():
        read(f"by_month.{m}", model.cell("month", x, m), v)
    for c, v in r["by_corporation"].items():
        read(f"by_corporation.{c}", model.cell("corporation", x, c), v)
    for g, v in r["by_region"].items():
        read(f"by_region.{g}", model.cell("region", x, g), v)
    for g, v in r["by_municipality"].items():
        read(f"by_municipality.{g}", model.cell("total", g), v)
    for m, per in r["by_strategy_and_month"].items():
        for s, v in per.items():
            read(f"by_strategy_and_month.{m}.{s}", model.cell("sm", x, s, m), v)
    for g, per in (r.get("by_region_and_strategy") or {}).items():
        for s, v in per.items():
            read(f"by_region_and_strategy.{g}.{s}", model.cell("region_strategy", None, g, s), v)
    for i, ag in enumerate(r["agreements"]):
        read(f"agreements[{i}].realised", model.cell("agreement", ag["municipality"], ag["corporation"], ag["period"]),
             ag["realised"])
    for s in r["sources"]:
        read(f"sources.{s['source']}", model.cell("source", x, s["source"]), s["places"])
    for o in r["overlap"]:
        read(f"overlap.{o['source_a']}&{o['source_b']}", model.cell("overlap", x, o["source_a"], o["source_b"]),
             o["places"])
    for k, v in r["source_kinds"].items():
        read(f"source_kinds.{k}", model.cell("source_kind", x, k), v)
    for o in r["overlap_by_source_kind"]:
        key = (o["source_kind_a"], o["source_kind_b"])
        read(f"overlap_by_source_kind.{key[0]}&{key[1]}", model.cell("kind_overlap", x, *key), o["places"])
    if cmp := r.get("comparison"):
        nat = cmp["national"]
        read("comparison.national.realised_places", model.cell("total", None), nat["realised_places"])
        read("comparison.national.unique_persons", model.cell("unique", None), nat["unique_persons"])
        for share, name in (("housing_first_share", "housing_first"), ("youth_share", "youth"),
                            ("families_share", "families"), ("currently_occupied_share", "occupied")):
            if nat[share] is not None:  # a share of a shown total gives the count
                a.read(f"{tag}:comparison.{share}", model.cell(name, None, True), round(nat[share] * nat["realised_places"]))
        read("comparison.region.realised_places", model.cell("region", None, cmp["region"]["region"]),
             cmp["region"]["realised_places"])
        for g, v in cmp["by_municipality"].items():
            read(f"comparison.by_municipality.{g}", model.cell("total", g), v)
    assert secondary <= {p for p in secondary}  # every secondary path is one the report has


def read_metrics(model: Model, gauges: dict) -> None:
    for (g, s), v in gauges["region_strategy"].items():
        if v is not None:  # a hidden cell is no series at all
            model.a.read(f"metrics:{g}/{s}", model.cell("region_strategy", None, g, s), v)
    for name, key in (("total", ("total",)), ("unique_persons", ("unique",)), ("occupied", ("occupied", True)),
                      ("review", ("review",))):
        if gauges[name] is not None:
            model.a.read(f"metrics:{name}", model.cell(key[0], None, *key[1:]), gauges[name])
    for k, v in gauges["source_kinds"].items():
        if v is not None:
            model.a.read(f"metrics:kind/{k}", model.cell("source_kind", None, k), v)


def check_csv_and_html(r: dict) -> None:
    """The CSV and the dashboard carry the JSON's numbers and labels, and a hidden cell is never a bar."""
    rows = list(csv.DictReader(io.StringIO(reports.to_csv(r))))
    for row in rows:
        if row["table"] == "by_strategy":
            v = r["by_strategy"][row["key"]]
            assert row["value"] == ("" if v is None else str(v))
            assert row["label"] == ("" if v is not None else export.label(r, f"by_strategy.{row['key']}"))
    html = dashboard.fragment(r)
    for m, per in r["by_strategy_and_month"].items():
        for s, v in per.items():
            cell = f'data-cell="{m}/{s}"'
            if v is None:
                label = escape(export.label(r, f"by_strategy_and_month.{m}.{s}"))
                assert f'<g class="gap" {cell} data-label="{label}"' in html
                assert f'class="bar" {cell}' not in html
            elif v:
                assert f'class="bar" {cell} data-value="{v:,}"' in html


def attack_reader(model: Model) -> list:
    return model.a.narrow(disclosure.RANGE)


@pytest.mark.parametrize("keep", [1.0, 0.3], ids=["demo", "small-municipalities"])
def test_no_reader_recovers_a_hidden_cell(keep):
    inp, regions = inputs(keep)
    national = reports.build(inp, 10_000)
    gauges = reports.gauges(inp)
    municipalities = list(national["by_municipality"])
    # the ministry and administrators read the same: the national report, every municipality's, the metrics
    ministry = Model(national, regions)
    for r, tag in [(national, "national")] + [(reports.build(inp, 10_000, x), x) for x in municipalities]:
        check_csv_and_html(r)
        read_report(ministry, r, tag)
    read_metrics(ministry, gauges)
    assert ministry.a.hidden, "the data set has hidden cells to attack"
    assert attack_reader(ministry) == []
    for x in municipalities:  # each municipality: its own report (exact counters included) and the metrics
        own = reports.build(inp, 10_000, x, party=x)
        check_csv_and_html(own)
        model = Model(national, regions)
        read_report(model, own, x)
        for ag in own["agreements"]:
            assert ag["exact_for_party"] and ag["progress"] == ag["realised"] + ag["registered_used"]
        read_metrics(model, gauges)
        assert attack_reader(model) == [], x
