"""The report built from places: breakdowns, municipality scope, suppression and CSV."""
from __future__ import annotations

import csv
import io
from datetime import date

from services.ledger.domain import journal as jr
from services.ledger.entrypoints import dashboard
from services.ledger.service_layer import reports


def place(i, municipality="GM0363", region="R01", kind="flex", month=3, sources=(("matcher", "matcher"),)):
    return jr.PlaceView(person_ref=f"{i:064x}", unit_key=f"bag:{i:016d}", status=jr.COUNTED,
                        strategy=jr.strategy_of(kind), unit_kind=kind, region=region, municipality=municipality,
                        corporation="corp-1", neighbourhood="BU03630001", housing_first=False,
                        move_in_date=date(2021, month, 1), days_in_shelter=100 if i % 2 else 30, youth=i % 3 == 0,
                        household_size=1, children=0, sources=tuple((s, k, f"r{i}") for s, k in sources))


def inputs(places):
    return reports.Inputs(jr.LedgerView(places, [], 0, 0), [], [], 0, None)


def test_national_report_suppresses_small_cells_and_their_complements():
    places = [place(i) for i in range(20)] + [place(100 + i, "GM0599", "R02", "shared") for i in range(3)]
    r = reports.build(inputs(places), 10_000)
    assert r["realised_places"] == 23 and r["unique_persons"] == 23
    assert r["by_region"]["R02"] is None and r["by_region"]["R01"] is None  # 3, and 20 as its complement
    assert r["by_strategy"]["house_sharing"] is None and r["by_strategy"]["flex"] is None
    unsuppressed = reports.build(inputs(places), 10_000, suppress_small=False)
    assert unsuppressed["by_region"] == {"R01": 20, "R02": 3}


def test_a_municipality_sees_only_its_own_figures_and_a_small_total_is_hidden():
    places = [place(i) for i in range(20)] + [place(100 + i, "GM0599", "R02", "shared") for i in range(3)]
    own = reports.build(inputs(places), 10_000, municipality="GM0363")
    assert own["realised_places"] == 20 and set(own["by_municipality"]) == {"GM0363"}
    small = reports.build(inputs(places), 10_000, municipality="GM0599")
    assert small["realised_places"] is None and small["by_strategy"]["house_sharing"] is None


def test_csv_has_one_row_per_cell_and_marks_suppression():
    places = [place(i) for i in range(12)]
    text = reports.to_csv(reports.build(inputs(places), 10_000))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {"table": "summary", "key": "realised_places", "value": "12", "suppressed": "false"} in rows
    assert all(r["value"] != "" or r["suppressed"] == "true" for r in rows)


def test_dashboard_fragment_shows_the_figures():
    html = dashboard.fragment(reports.build(inputs([place(i) for i in range(12)]), 10_000))
    assert '<b id="kpi-realised-places">12</b>' in html and "chart-strategy-month" in html


def test_a_municipalitys_dashboard_compares_it_with_the_country():
    inp = inputs([place(i) for i in range(20)] + [place(100 + i, municipality="GM0599", region="R02")
                                                  for i in range(10)])
    own = reports.build(inp, 10_000, municipality="GM0363")
    own["comparison"] = reports.comparison(own, reports.build(inp, 10_000), "R01")
    assert own["comparison"]["by_municipality"] == {"GM0363": 20, "GM0599": 10}
    assert own["comparison"]["region"] == {"region": "R01", "realised_places": 20}
    html = dashboard.fragment(own)
    assert 'id="table-comparison"' in html and "<td>GM0599</td><td>10</td>" in html
    assert "Region R01: 20 realised places; nationally 30." in html
    assert 'id="table-comparison"' not in dashboard.fragment(reports.build(inp, 10_000))
