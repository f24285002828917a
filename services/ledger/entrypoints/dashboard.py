"""The ledger's HTML dashboard: inline SVG drawn on the server, no CDN, no chart library.

``/v1/dashboard`` is a shell without data. Its script takes the API token from the URL
fragment (never sent to a server, removed from the address bar at once) or the tab's session
storage, and asks the report resource for its ``text/html`` representation with the token in
the Authorization header -- so the dashboard shows exactly the (suppressed) figures the JSON
and CSV show, to exactly the callers allowed to read them.
"""
from __future__ import annotations

from html import escape
from typing import Any

COLOURS = {"new_build": "#1b5e20", "transformation": "#2e7d32", "priority_allocation": "#1565c0",
           "house_sharing": "#f9a825", "flex": "#6a1b9a"}


def _n(v: Any) -> str:
    return "&lt;5" if v is None else escape(f"{v:,}" if isinstance(v, int) else str(v))


def shell(nonce: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Realised housing places</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="{nonce}">
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1a1a1a;background:#fafafa}}
h1{{font-size:22px;margin:0 0 4px}} h2{{font-size:16px;margin:18px 0 6px}}
.grid{{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:16px}}
.card{{overflow-x:auto;background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px}}
.kpis{{display:flex;flex-wrap:wrap;gap:12px}} .kpi{{background:#fff;border:1px solid #ddd;border-radius:6px;
padding:8px 14px;min-width:120px}} .kpi b{{display:block;font-size:24px}} .kpi span{{font-size:12px;color:#555}}
table{{border-collapse:collapse;font-size:13px}} td,th{{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}}
td:first-child,th:first-child{{text-align:left}} .note{{font-size:12px;color:#555}}
</style></head>
<body><h1>Realised extra housing places with support</h1>
<p class="note">De-duplicated across sources; aggregates only; cells under 5 persons are shown as &lt;5.</p>
<div id="dashboard" data-state="loading">Loading&hellip;</div>
<script nonce="{nonce}">
(function () {{
  var m = /token=([^&]+)/.exec(location.hash);
  if (m) {{ sessionStorage.setItem("ledgerToken", decodeURIComponent(m[1]));
           history.replaceState(null, "", location.pathname + location.search); }}
  var token = sessionStorage.getItem("ledgerToken");
  var el = document.getElementById("dashboard");
  if (!token) {{ el.textContent = "Open this page as /v1/dashboard#token=<your API token>."; el.dataset.state = "no-token"; return; }}
  fetch("/v1/reports/realised-places" + location.search,
        {{headers: {{"Authorization": "Bearer " + token, "Accept": "text/html"}}}})
    .then(function (r) {{ return r.text().then(function (t) {{ return [r.status, t]; }}); }})
    .then(function (x) {{
      if (x[0] === 200) {{ el.innerHTML = x[1]; el.dataset.state = "ready"; }}
      else {{ el.textContent = "The report is not available (HTTP " + x[0] + ")."; el.dataset.state = "error"; }}
    }});
}})();
</script></body></html>"""


def _progress(report: dict[str, Any]) -> str:
    total, target = report["realised_places"] or 0, report["national_target"] or 1
    w = 560
    filled = min(w, round(w * total / target))
    return (f'<svg id="chart-progress" viewBox="0 0 {w + 20} 54" width="100%" role="img" '
            f'aria-label="progress against target">'
            f'<rect x="10" y="8" width="{w}" height="22" fill="#e0e0e0" rx="3"/>'
            f'<rect x="10" y="8" width="{filled}" height="22" fill="#1565c0" rx="3"/>'
            f'<text x="10" y="48" font-size="12">{_n(report["realised_places"])} of {target:,} places '
            f'({(report["progress_ratio"] or 0):.1%})</text></svg>')


def _per_month(report: dict[str, Any]) -> str:
    data, totals = report["by_strategy_and_month"], report["by_month"]
    months = list(data)
    if not months:
        return '<p class="note">No places yet.</p>'
    # A month's bar is its total where that is shown; strategies under 5 (or protecting one) are grey.
    heights = {m: totals.get(m) if totals.get(m) is not None else sum(v or 0 for v in data[m].values())
               for m in months}
    top = max(list(heights.values()) + [1])
    bw, h, left = max(14, min(48, 560 // max(1, len(months)))), 180, 36
    width = left + bw * len(months) + 10
    width = max(width, left + 6 * 100)
    parts = [f'<svg id="chart-strategy-month" viewBox="0 0 {width} {h + 60}" width="100%" role="img" '
             f'aria-label="places per strategy per month">',
             f'<text x="0" y="12" font-size="11">{top}</text><line x1="{left - 4}" y1="{h}" x2="{width}" '
             f'y2="{h}" stroke="#999"/>']
    for i, m in enumerate(months):
        y = h
        x = left + i * bw
        for s, v in data[m].items():
            if not v:
                continue
            bh = round((h - 20) * v / top)
            y -= bh
            parts.append(f'<rect x="{x + 2}" y="{y}" width="{bw - 4}" height="{bh}" fill="{COLOURS[s]}">'
                         f'<title>{escape(m)} {escape(s)}: {v}</title></rect>')
        rest = heights[m] - sum(v or 0 for v in data[m].values())
        if rest > 0:
            bh = round((h - 20) * rest / top)
            y -= bh
            parts.append(f'<rect x="{x + 2}" y="{y}" width="{bw - 4}" height="{bh}" fill="#bdbdbd">'
                         f'<title>{escape(m)}: {rest} in strategies not shown (small cells)</title></rect>')
        parts.append(f'<text x="{x + bw / 2}" y="{h + 14}" font-size="10" text-anchor="middle">'
                     f'{escape(m[2:])}</text>')
    legend = [*((s.replace("_", " "), c) for s, c in COLOURS.items()), ("suppressed", "#bdbdbd")]
    for j, (s, c) in enumerate(legend):
        parts.append(f'<rect x="{left + j * 100}" y="{h + 28}" width="10" height="10" fill="{c}"/>'
                     f'<text x="{left + j * 100 + 14}" y="{h + 37}" font-size="11">{s}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _limits(report: dict[str, Any]) -> str:
    rows = report["neighbourhood_limits"]
    if not rows:
        return '<p class="note">No neighbourhood limits registered.</p>'
    w, bh = 260, 18
    parts = [f'<svg id="chart-neighbourhoods" viewBox="0 0 {w + 300} {len(rows) * (bh + 6) + 6}" width="100%" '
             f'role="img" '
             f'aria-label="neighbourhood-limit use">']
    for i, n in enumerate(rows):
        y = 4 + i * (bh + 6)
        cap = max(1, n["max_placements"])
        used = n["used_outside_ledger"] + (n["placed"] or 0)
        frac = min(1.0, used / cap)
        colour = "#c62828" if used > cap else "#ef6c00" if frac >= 0.8 else "#2e7d32"
        parts.append(f'<text x="0" y="{y + 13}" font-size="11">{escape(n["neighbourhood"])} {escape(n["period"])}'
                     f'</text><rect x="130" y="{y}" width="{w}" height="{bh}" fill="#e0e0e0"/>'
                     f'<rect x="130" y="{y}" width="{round(w * frac)}" height="{bh}" fill="{colour}"/>'
                     f'<text x="{136 + w}" y="{y + 13}" font-size="11">{_n(n["placed"])} placed + '
                     f'{n["used_outside_ledger"]} / {n["max_placements"]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(tid: str, head: list[str], rows: list[list[Any]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{_n(c) if not isinstance(c, str) else escape(c)}</td>" for c in r)
                   + "</tr>" for r in rows)
    return f'<table id="{tid}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def fragment(report: dict[str, Any]) -> str:
    """The figures as HTML: KPIs, three charts and the tables behind them."""
    scope = report["scope"]["municipality"] or "national"
    kpis = [("realised-places", "realised places", report["realised_places"]),
            ("unique-persons", "unique persons", report["unique_persons"]),
            ("occupied", "currently occupied", report["currently_occupied"]),
            ("housing-first", "Housing First", report["housing_first"]),
            ("youth", "youth (18-27)", report["youth"]),
            ("families", "families", report["families"]),
            ("over-90", "waited over 90 days", report["over_90_days_in_shelter"]),
            ("review", "flagged for review", report["flagged_for_review"])]
    k = "".join(f'<div class="kpi"><b id="kpi-{i}">{_n(v)}</b><span>{escape(label)}</span></div>'
                for i, label, v in kpis)
    as_of = f" as of {escape(report['as_of'])}" if report["as_of"] else ""
    return "".join([
        f'<p class="note" id="scope">Scope: {escape(scope)}{as_of}</p><div class="kpis">{k}</div>',
        '<div class="grid">',
        f'<div class="card"><h2>Progress against the national target</h2>{_progress(report)}</div>',
        f'<div class="card"><h2>Places per strategy per month</h2>{_per_month(report)}</div>',
        f'<div class="card"><h2>Neighbourhood-limit use</h2>{_limits(report)}</div>',
        '<div class="card"><h2>Per strategy and region</h2>',
        _table("table-strategy", ["strategy", "places"],
               [[s.replace("_", " "), v] for s, v in report["by_strategy"].items()]),
        _table("table-region", ["region", "places"], [[r, v] for r, v in report["by_region"].items()]),
        '</div><div class="card"><h2>Sources and their overlap</h2>',
        _table("table-sources", ["source", "places"], [[s["source"], s["places"]] for s in report["sources"]]),
        _table("table-overlap", ["source", "and source", "places both reported"],
               [[o["source_a"], o["source_b"], o["places"]] for o in report["overlap"]]),
        '</div><div class="card"><h2>Against each agreement</h2>',
        _table("table-agreements", ["municipality", "corporation", "period", "committed", "realised"],
               [[a["municipality"], a["corporation"], a["period"], a["committed_places"], a["realised"]]
                for a in report["agreements"]]),
        '<h2>Unverified totals (not added)</h2>',
        _table("table-unverified", ["source", "period", "region", "places"],
               [[u["source"], u["period"], u["region"] or "all", u["places"]] for u in report["unverified_totals"]]),
        "</div>",
        _comparison(report),
        "</div>",
    ])


def _share(v: float | None) -> str:
    return "–" if v is None else f"{v:.0%}"


def _comparison(report: dict[str, Any]) -> str:
    """A municipality's shares beside the national ones, and every municipality's total (published figures)."""
    cmp = report.get("comparison")
    if not cmp:
        return ""
    labels = {"housing_first_share": "Housing First", "youth_share": "youth (18-27)", "families_share": "families",
              "currently_occupied_share": "still occupied", "over_90_days_share": "waited over 90 days"}
    region = cmp["region"]
    return "".join([
        '<div class="card"><h2>Compared with the country</h2>',
        _table("table-comparison", ["share of realised places", "here", "nationally"],
               [[label, _share(cmp["own"][k]), _share(cmp["national"][k])] for k, label in labels.items()]),
        f'<p class="note">Region {escape(region["region"] or "unknown")}: {_n(region["realised_places"])} '
        f'realised places; nationally {_n(cmp["national"]["realised_places"])}.</p>',
        _table("table-municipalities", ["municipality", "places"],
               [[m, v] for m, v in cmp["by_municipality"].items()]),
        "</div>",
    ])
