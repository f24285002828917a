"""The report built from places: breakdowns, municipality scope, suppression and CSV."""
from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date

from services.ledger.domain import cells, journal as jr, table
from services.ledger.entrypoints import dashboard
from services.ledger.service_layer import reports


def place(i, municipality="GM0363", region="R01", kind="flex", month=3, sources=(("matcher", "matcher"),)):
    return jr.PlaceView(person_ref=f"{i:064x}", unit_key=f"bag:{i:016d}", status=jr.COUNTED,
                        strategy=jr.strategy_of(kind), unit_kind=kind, region=region, municipality=municipality,
                        corporation="corp-1", neighbourhood="BU03630001", housing_first=False,
                        move_in_date=date(2021, month, 1), days_in_shelter=100 if i % 2 else 30, youth=i % 3 == 0,
                        household_size=1, children=0, sources=tuple((s, k, f"r{i}") for s, k in sources))


def inputs(places, day=date(2021, 12, 31), as_of=None):
    return reports.Inputs(jr.LedgerView(places, [], 0, 0), [], [], 0, as_of, as_of or day)


def test_national_report_suppresses_small_cells_and_their_complements():
    places = [place(i) for i in range(20)] + [place(100 + i, "GM0599", "R02", "shared") for i in range(3)]
    r = reports.build(inputs(places), 10_000)
    # the national total is always shown; 23 unique persons would reveal that 0 (a "<5") had two places
    assert r["realised_places"] == 23 and r["unique_persons"] is None
    assert r["by_region"]["R02"] is None and r["by_region"]["R01"] is None  # 3, and 20 as its complement
    # flex (20) may show: the other strategies then add up to 3, and each of them still spans 0..3
    assert r["by_strategy"]["house_sharing"] is None and r["by_strategy"]["flex"] == 20
    assert "by_strategy.house_sharing" not in r["secondary_suppressed"]
    unsuppressed = reports.build(inputs(places), 10_000, suppress_small=False)
    assert unsuppressed["by_region"] == {"R01": 20, "R02": 3}


def test_a_municipality_sees_only_its_own_figures_and_a_small_total_is_hidden():
    places = [place(i) for i in range(20)] + [place(100 + i, "GM0599", "R02", "shared") for i in range(3)]
    own = reports.build(inputs(places), 10_000, municipality="GM0363", party="GM0363")
    assert set(own["by_municipality"]) == {"GM0363"} and own["comparison"]["national"]["realised_places"] == 23
    # 23 nationally and GM0599's 3 hidden: GM0363's 20 would give the 3 away, so everyone reads it as "verborgen"
    # (GM0363 too: from what it is shown it gets no closer than 19..23 itself)
    assert own["realised_places"] is None and "realised_places" in own["secondary_suppressed"]
    as_ministry = reports.build(inputs(places), 10_000, municipality="GM0363")
    assert as_ministry["realised_places"] is None and "realised_places" in as_ministry["secondary_suppressed"]
    assert own["comparison"]["by_municipality"] == {"GM0363": None, "GM0599": None}
    assert "comparison.by_municipality.GM0599" not in own["secondary_suppressed"]  # a "<5"
    small = reports.build(inputs(places), 10_000, municipality="GM0599", party="GM0599")
    assert small["realised_places"] is None and small["by_strategy"]["house_sharing"] is None
    assert "by_strategy.house_sharing" not in small["secondary_suppressed"]  # a small cell reads "<5"


def test_csv_has_one_row_per_cell_and_marks_suppression():
    places = [place(i) for i in range(12)]
    text = reports.to_csv(reports.build(inputs(places), 10_000))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {"table": "summary", "key": "realised_places", "value": "12", "suppressed": "false", "label": ""} in rows
    assert all(r["value"] != "" or r["suppressed"] == "true" for r in rows)
    # the only strategy is 12 of 12: the other strategies' zeros read "<5", so "flex" is hidden to protect them
    assert {"table": "by_strategy", "key": "flex", "value": "", "suppressed": "true", "label": "verborgen"} in rows
    assert {"table": "by_strategy", "key": "new_build", "value": "", "suppressed": "true", "label": "<5"} in rows


def test_dashboard_fragment_shows_the_figures():
    html = dashboard.fragment(reports.build(inputs([place(i) for i in range(12)]), 10_000))
    assert '<b id="kpi-realised-places">12</b>' in html and "chart-strategy-month" in html


def test_a_municipalitys_dashboard_compares_it_with_the_country():
    inp = inputs([place(i) for i in range(20)] + [place(100 + i, municipality="GM0599", region="R02")
                                                  for i in range(10)])
    own = reports.build(inp, 10_000, municipality="GM0363", party="GM0363")
    national = reports.build(inp, 10_000)
    # the comparison shows what the national report publishes, and what GM0363 works out about itself anyway
    assert all(v is None or own["comparison"]["by_municipality"][k] == v for k, v in national["by_municipality"].items())
    assert all(national["by_municipality"][k] in (v, None) for k, v in own["comparison"]["by_municipality"].items()
               if k != "GM0363")
    assert own["comparison"]["region"]["region"] == "R01"
    assert own["comparison"]["national"]["realised_places"] == 30
    html = dashboard.fragment(own)
    shown = own["comparison"]["by_municipality"]["GM0599"]
    gm0599 = ("verborgen" if "comparison.by_municipality.GM0599" in own["secondary_suppressed"] else "&lt;5") \
        if shown is None else shown
    assert 'id="table-comparison"' in html and f"<td>GM0599</td><td>{gm0599}</td>" in html
    assert "landelijk 30." in html and "nationally 30." in dashboard.fragment(own, "en")  # Dutch unless asked
    assert 'id="table-comparison"' not in dashboard.fragment(reports.build(inp, 10_000))


def test_a_move_in_counts_and_occupies_from_its_date_on():
    moved_in, planned = place(1, month=3), place(2, month=6)
    ended = dataclasses.replace(place(3, month=3), ended_on=date(2021, 5, 1))
    counted = table.count([moved_in, planned, ended], date(2021, 5, 1))
    # The planned move-in (June) occupies nothing in May; a home left on the day is no longer occupied.
    assert counted.cells[(cells.NATIONAL, "occupied", True)] == 1
    assert cells.moved_in_by([moved_in, planned, ended], date(2021, 5, 31)) == [moved_in, ended]
    assert cells.moved_in_by([planned], date(2021, 6, 1)) == [planned]  # on the day itself it counts
    assert cells.occupied_on(planned, date(2021, 6, 1)) and not cells.occupied_on(planned, date(2021, 5, 31))


def test_a_report_dated_before_a_move_in_leaves_it_out_of_every_figure():
    places = [place(i, month=3) for i in range(20)] + [place(100 + i, month=6) for i in range(12)]
    may = reports.build(inputs(places, as_of=date(2021, 5, 1)), 10_000, suppress_small=False)
    assert may["realised_places"] == 20 and may["currently_occupied"] == 20 and may["unique_persons"] == 20
    assert set(may["by_month"]) == {"2021-03"}
    june = reports.build(inputs(places, as_of=date(2021, 6, 1)), 10_000, suppress_small=False)
    # Today's report (no asOf) counts the planned move-ins as realised, not as occupied.
    now = reports.build(inputs(places, day=date(2021, 5, 1)), 10_000, suppress_small=False)
    assert now["realised_places"] == 32 and now["currently_occupied"] == 20
    assert june["realised_places"] == 32 and june["currently_occupied"] == 32
    assert june["by_month"] == {"2021-03": 20, "2021-06": 12}
    # Under control the same holds where shown: "all 20 occupied" would reveal the 0 that left, so it is hidden.
    controlled = reports.build(inputs(places, as_of=date(2021, 5, 1)), 10_000)
    assert controlled["realised_places"] == 20 and controlled["currently_occupied"] is None
