"""In a real browser (Debian's headless chromium), the dashboard draws hidden cells as labelled, hatched gaps of a
fixed height -- never as a bar of their size -- and labels them "<5" or "verborgen" ("hidden" in English)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from services.ledger.entrypoints import dashboard
from services.ledger.service_layer import export, reports
from tests.unit.ledger.test_attack import inputs

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")

MEASURE = """<script>
window.addEventListener("load", function () {
  var out = {gaps: [], bars: [], kpis: {}};
  document.querySelectorAll("#chart-strategy-month g.gap").forEach(function (g) {
    var r = g.querySelector("rect").getBBox();
    out.gaps.push({cell: g.dataset.cell, label: g.querySelector("text").textContent, height: r.height,
                   fill: g.querySelector("rect").getAttribute("fill")});
  });
  document.querySelectorAll("#chart-strategy-month rect.bar").forEach(function (r) {
    out.bars.push({cell: r.dataset.cell, height: r.getBBox().height, value: r.dataset.value});
  });
  document.querySelectorAll(".kpi b").forEach(function (b) { out.kpis[b.id] = b.textContent; });
  document.getElementById("measure").textContent = JSON.stringify(out);
});
</script>"""


def render(html: str, tmp_path: Path) -> dict:
    page = tmp_path / "dashboard.html"
    page.write_text(f'<!doctype html><html lang="nl"><meta charset="utf-8"><body><div id="dashboard">{html}</div>'
                    f'<pre id="measure"></pre>{MEASURE}</body></html>')
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'<pre id="measure">(.*?)</pre>', dom, re.S)
    assert found and found.group(1), dom[-1500:]
    return json.loads(unescape(found.group(1)))


def test_hidden_cells_are_labelled_gaps_in_the_chart(tmp_path):
    inp, _ = inputs(1.0)  # the demo: hidden cells of both kinds
    report = reports.build(inp, 10_000)
    drawn = render(dashboard.fragment(report), tmp_path)
    hidden = {f"{m}/{s}": export.label(report, f"by_strategy_and_month.{m}.{s}")
              for m, per in report["by_strategy_and_month"].items() for s, v in per.items() if v is None}
    shown = {f"{m}/{s}": v for m, per in report["by_strategy_and_month"].items() for s, v in per.items() if v}
    assert {"<5", "verborgen"} <= set(hidden.values()), "the data set has hidden cells of both kinds"
    gaps = {g["cell"]: g for g in drawn["gaps"]}
    assert set(gaps) == set(hidden)
    for cell, label in hidden.items():
        assert gaps[cell]["label"] == label and gaps[cell]["fill"] == "url(#hatch)"
        assert gaps[cell]["height"] == dashboard.GAP_HEIGHT  # the same for a 1 and a 9: it shows no size
    bars = {b["cell"]: b for b in drawn["bars"]}
    assert set(bars) == set(shown) and not set(bars) & set(hidden)
    big = max(shown.values())
    assert all(bars[c]["height"] > 0 for c in shown) and bars[max(shown, key=shown.get)]["height"] == max(
        b["height"] for b in bars.values()) and big >= 5
    # the figures above the charts carry the same labels
    for kpi, key in (("kpi-realised-places", "realised_places"), ("kpi-occupied", "currently_occupied"),
                     ("kpi-youth", "youth"), ("kpi-review", "flagged_for_review")):
        value = report[key]
        assert drawn["kpis"][kpi] == (export.label(report, key) if value is None else f"{value:,}")


def test_a_municipalitys_chart_and_the_english_labels(tmp_path):
    inp, _ = inputs(0.3)
    national = reports.build(inp, 10_000)
    x = next(m for m in national["by_municipality"])
    own = reports.build(inp, 10_000, x)  # as the ministry reads it: no exact counters
    drawn = render(dashboard.fragment(own, "en"), tmp_path)
    hidden = {f"{m}/total": export.label(own, f"by_month.{m}", "en") for m, v in own["by_month"].items() if v is None}
    assert {g["cell"]: g["label"] for g in drawn["gaps"]} == hidden
    assert "verborgen" not in json.dumps(drawn) and ("hidden" in hidden.values() or "<5" in hidden.values())
    assert not {b["cell"] for b in drawn["bars"]} & set(hidden)
