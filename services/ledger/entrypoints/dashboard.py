"""The ledger's HTML dashboard: inline SVG drawn on the server, no CDN, no chart library.

``/v1/dashboard`` is a shell without data. Its script takes the API token from the URL
fragment (never sent to a server, removed from the address bar at once) or the tab's session
storage, and asks the report resource for its ``text/html`` representation with the token in
the Authorization header -- so the dashboard shows exactly the (suppressed) figures the JSON
and CSV show, to exactly the callers allowed to read them. The HTML is rendered from the
Jinja2 templates beside this module (autoescaped); this module computes only the geometry.
"""
from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

COLOURS = {"new_build": "#1b5e20", "transformation": "#2e7d32", "priority_allocation": "#1565c0",
           "house_sharing": "#f9a825", "flex": "#6a1b9a"}
SUPPRESSED_COLOUR = "#bdbdbd"
SHARE_LABELS = {"housing_first_share": "Housing First", "youth_share": "youth (18-27)", "families_share": "families",
                "currently_occupied_share": "still occupied", "over_90_days_share": "waited over 90 days"}


def cell(v: Any) -> str:
    """A figure as shown: suppressed cells as <5, counts with thousands separators."""
    return "<5" if v is None else f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)


TEMPLATES = Environment(loader=PackageLoader("services.ledger.entrypoints", "templates"),
                        autoescape=select_autoescape(["html"]), undefined=StrictUndefined)
TEMPLATES.filters["cell"] = cell


def shell(nonce: str) -> str:
    return TEMPLATES.get_template("dashboard_shell.html").render(nonce=nonce)


def progress(report: dict[str, Any], width: int = 560) -> dict[str, Any]:
    total, target = report["realised_places"] or 0, report["national_target"] or 1
    return {"width": width, "filled": min(width, round(width * total / target)), "total": report["realised_places"],
            "target": target, "ratio": report["progress_ratio"] or 0}


def month_bars(report: dict[str, Any], height: int = 180, left: int = 36) -> dict[str, Any]:
    """Stacked bars per month; strategies under 5 (or protecting one) stack up grey as 'suppressed'."""
    data, totals = report["by_strategy_and_month"], report["by_month"]
    months = list(data)
    heights = {m: totals.get(m) if totals.get(m) is not None else sum(v or 0 for v in data[m].values())
               for m in months}
    top = max(list(heights.values()) + [1])
    bar_width = max(14, min(48, 560 // max(1, len(months))))
    bars = []
    for i, m in enumerate(months):
        y, segments = height, []
        shown = [(s, v, COLOURS[s], f"{m} {s}: {v}") for s, v in data[m].items() if v]
        rest = heights[m] - sum(v or 0 for v in data[m].values())
        if rest > 0:
            shown.append(("suppressed", rest, SUPPRESSED_COLOUR, f"{m}: {rest} in strategies not shown (small cells)"))
        for _, v, colour, title in shown:
            bh = round((height - 20) * v / top)
            y -= bh
            segments.append({"y": y, "height": bh, "colour": colour, "title": title})
        bars.append({"x": left + i * bar_width, "label": m[2:], "segments": segments})
    legend = [*((s.replace("_", " "), c) for s, c in COLOURS.items()), ("suppressed", SUPPRESSED_COLOUR)]
    return {"bars": bars, "top": top, "height": height, "left": left, "bar_width": bar_width,
            "width": max(left + bar_width * len(months) + 10, left + 6 * 100),
            "legend": [{"x": left + j * 100, "label": s, "colour": c} for j, (s, c) in enumerate(legend)]}


def limit_bars(report: dict[str, Any], width: int = 260) -> dict[str, Any]:
    rows = []
    for i, n in enumerate(report["neighbourhood_limits"]):
        cap = max(1, n["max_placements"])
        used = n["used_outside_ledger"] + (n["placed"] or 0)
        frac = min(1.0, used / cap)
        rows.append({"y": 4 + i * 24, "label": f'{n["neighbourhood"]} {n["period"]}', "filled": round(width * frac),
                     "colour": "#c62828" if used > cap else "#ef6c00" if frac >= 0.8 else "#2e7d32",
                     "placed": n["placed"], "outside": n["used_outside_ledger"], "max": n["max_placements"]})
    return {"rows": rows, "width": width, "height": len(rows) * 24 + 6}


def _share(v: float | None) -> str:
    return "–" if v is None else f"{v:.0%}"


def comparison(report: dict[str, Any]) -> dict[str, Any] | None:
    """A municipality's shares beside the national ones, and every municipality's total (published figures)."""
    cmp = report.get("comparison")
    if not cmp:
        return None
    return {"shares": [[label, _share(cmp["own"][k]), _share(cmp["national"][k])] for k, label in SHARE_LABELS.items()],
            "region": cmp["region"]["region"], "region_places": cmp["region"]["realised_places"],
            "national_places": cmp["national"]["realised_places"],
            "municipalities": [[m, v] for m, v in cmp["by_municipality"].items()]}


def fragment(report: dict[str, Any]) -> str:
    """The figures as HTML: KPIs, three charts and the tables behind them."""
    kpis = [("realised-places", "realised places", report["realised_places"]),
            ("unique-persons", "unique persons", report["unique_persons"]),
            ("occupied", "currently occupied", report["currently_occupied"]),
            ("housing-first", "Housing First", report["housing_first"]),
            ("youth", "youth (18-27)", report["youth"]),
            ("families", "families", report["families"]),
            ("over-90", "waited over 90 days", report["over_90_days_in_shelter"]),
            ("review", "flagged for review", report["flagged_for_review"])]
    return TEMPLATES.get_template("dashboard_fragment.html").render(
        scope=report["scope"]["municipality"] or "national", as_of=report["as_of"], kpis=kpis,
        progress=progress(report), months=month_bars(report), limits=limit_bars(report),
        by_strategy=[[s.replace("_", " "), v] for s, v in report["by_strategy"].items()],
        by_region=[[r, v] for r, v in report["by_region"].items()],
        sources=[[s["source"], s["places"]] for s in report["sources"]],
        overlap=[[o["source_a"], o["source_b"], o["places"]] for o in report["overlap"]],
        agreements=[[a["municipality"], a["corporation"], a["period"], a["committed_places"], a["realised"]]
                    for a in report["agreements"]],
        unverified=[[u["source"], u["period"], u["region"] or "all", u["places"]] for u in report["unverified_totals"]],
        comparison=comparison(report))
