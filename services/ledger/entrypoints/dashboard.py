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

from services.ledger.entrypoints import i18n
from services.ledger.service_layer import export

COLOURS = {"new_build": "#1b5e20", "transformation": "#2e7d32", "priority_allocation": "#1565c0",
           "house_sharing": "#f9a825", "flex": "#6a1b9a"}
#: English msgids; the Dutch is in locale/nl/LC_MESSAGES/messages.po
SHARE_LABELS = {"housing_first_share": "Housing First", "youth_share": "youth (18-27)", "families_share": "families",
                "currently_occupied_share": "still occupied", "over_90_days_share": "waited over 90 days"}
STRATEGY_NAMES = {"new_build": "new build", "transformation": "transformation",
                  "priority_allocation": "priority allocation", "house_sharing": "house sharing", "flex": "flex",
                  "total": "total"}
KPIS = [("realised-places", "realised places", "realised_places"), ("unique-persons", "unique persons", "unique_persons"),
        ("occupied", "currently occupied", "currently_occupied"), ("housing-first", "Housing First", "housing_first"),
        ("youth", "youth (18-27)", "youth"), ("families", "families", "families"),
        ("over-90", "waited over 90 days", "over_90_days_in_shelter"),
        ("review", "flagged for review", "flagged_for_review")]
#: A hidden cell is drawn as a hatched gap of this fixed height with its label: its size says nothing.
GAP_HEIGHT = 14


def cell(v: Any, lang: str = i18n.DEFAULT) -> str:
    """A shown figure: counts with the language's thousands separators."""
    return i18n.number(v, lang) if isinstance(v, int) and not isinstance(v, bool) else str(v)


class Figures:
    """Formats a report's figures: a hidden count by its label ("<5", or "verborgen"/"hidden")."""

    def __init__(self, report: dict[str, Any], lang: str):
        self.report, self.lang, self._ = report, lang, i18n.gettext_for(lang)

    def __call__(self, value: Any, path: str) -> str:
        return export.label(self.report, path, self.lang) if value is None else cell(value, self.lang)

    def cell(self, value: Any) -> str:
        return cell(value, self.lang)

    def strategy(self, key: str) -> str:
        return self._(STRATEGY_NAMES.get(key, key.replace("_", " ")))


def shell(nonce: str, lang: str = i18n.DEFAULT) -> str:
    return i18n.templates(lang).get_template("dashboard_shell.html").render(nonce=nonce, lang=lang)


def progress(report: dict[str, Any], f: Figures, width: int = 560) -> dict[str, Any]:
    total, target = report["realised_places"], report["national_target"] or 1
    return {"width": width, "filled": 0 if total is None else min(width, round(width * total / target)),
            "hidden": total is None, "total": f(total, "realised_places"), "target": f.cell(target),
            "ratio": report["progress_ratio"] or 0}


def month_bars(report: dict[str, Any], f: Figures, height: int = 180, left: int = 36) -> dict[str, Any]:
    """Stacked bars per month (per strategy nationally, the month's total for a municipality); a hidden cell
    is a hatched gap of fixed height with its label on top of the bar, never a bar of its size."""
    per = report["by_strategy_and_month"] or {m: {"total": v} for m, v in report["by_month"].items()}
    months = list(per)
    top = max([v for d in per.values() for v in d.values() if v is not None] + [sum(v or 0 for v in d.values())
                                                                             for d in per.values()] + [1])
    bar_width = max(14, min(48, 560 // max(1, len(months))))
    bars = []
    for i, m in enumerate(months):
        y, segments = height, []
        for key, v in per[m].items():
            path = f"by_strategy_and_month.{m}.{key}" if key != "total" else f"by_month.{m}"
            if v is None:
                y -= GAP_HEIGHT
                segments.append({"y": y, "height": GAP_HEIGHT, "gap": True, "cell": f"{m}/{key}",
                                 "label": f(v, path), "title": f"{m} {f.strategy(key)}: {f(v, path)}"})
            elif v:
                bh = round((height - 20) * v / top)
                y -= bh
                segments.append({"y": y, "height": bh, "gap": False, "cell": f"{m}/{key}",
                                 "colour": COLOURS.get(key, "#1565c0"), "label": f.cell(v),
                                 "title": f"{m} {f.strategy(key)}: {f.cell(v)}"})
        bars.append({"x": left + i * bar_width, "label": m[2:], "segments": segments})
    legend = [(f.strategy(k), c) for k, c in COLOURS.items()] if report["by_strategy_and_month"] else []
    return {"bars": bars, "top": top, "height": height, "left": left, "bar_width": bar_width,
            "width": max(left + bar_width * len(months) + 10, left + 6 * 100), "gap_height": GAP_HEIGHT,
            "legend": [{"x": left + j * 100, "label": s, "colour": c} for j, (s, c) in enumerate(legend)]
            + [{"x": left + len(legend) * 100, "label": f"{export.LABELS[f.lang]['primary']} / "
                f"{export.LABELS[f.lang]['secondary']}", "colour": "url(#hatch)"}]}


def limit_bars(report: dict[str, Any], f: Figures, width: int = 260) -> dict[str, Any]:
    rows = []
    for i, n in enumerate(report["neighbourhood_limits"]):
        cap, placed = max(1, n["max_placements"]), n["placed"]
        outside = n["used_outside_ledger"]
        used = (outside or 0) + (placed or 0)
        frac = min(1.0, used / cap)
        rows.append({"y": 4 + i * 24, "label": f'{n["neighbourhood"]} {n["period"]}', "filled": round(width * frac),
                     "colour": "#757575" if placed is None or outside is None else "#c62828" if used > cap else
                     "#ef6c00" if frac >= 0.8 else "#2e7d32", "gap": placed is None or outside is None,
                     "placed": f(placed, f"neighbourhood_limits[{i}].placed"),
                     "outside": f(outside, f"neighbourhood_limits[{i}].used_outside_ledger"),
                     "max": f.cell(n["max_placements"])})
    return {"rows": rows, "width": width, "height": len(rows) * 24 + 6}


def _share(v: float | None) -> str:
    return "–" if v is None else f"{v:.0%}"


def comparison(report: dict[str, Any], f: Figures) -> dict[str, Any] | None:
    """A municipality's shares beside the national ones, and every municipality's total (published figures)."""
    cmp = report.get("comparison")
    if not cmp:
        return None
    return {"shares": [[f._(label), _share(cmp["own"][k]), _share(cmp["national"][k])]
                       for k, label in SHARE_LABELS.items()],
            "region": cmp["region"]["region"],
            "region_places": f(cmp["region"]["realised_places"], "comparison.region.realised_places"),
            "national_places": f(cmp["national"]["realised_places"], "comparison.national.realised_places"),
            "municipalities": [[m, f(v, f"comparison.by_municipality.{m}")] for m, v in cmp["by_municipality"].items()]}


def fragment(report: dict[str, Any], lang: str = "nl") -> str:
    """The figures as HTML: KPIs, three charts and the tables behind them."""
    f = Figures(report, lang)
    return i18n.templates(lang).get_template("dashboard_fragment.html").render(
        scope=report["scope"]["municipality"] or f._("national"), as_of=report["as_of"],
        kpis=[(i, f._(label), f(report[k], k)) for i, label, k in KPIS],
        progress=progress(report, f), months=month_bars(report, f), limits=limit_bars(report, f),
        by_strategy=[[f.strategy(s), f(v, f"by_strategy.{s}")] for s, v in report["by_strategy"].items()],
        by_region=[[r, f(v, f"by_region.{r}")] for r, v in report["by_region"].items()],
        sources=[[s["source"], f(s["places"], f"sources.{s['source']}")] for s in report["sources"]],
        overlap=[[o["source_a"], o["source_b"], f(o["places"], f"overlap.{o['source_a']}&{o['source_b']}")]
                 for o in report["overlap"]],
        agreements=[[a["municipality"], a["corporation"], a["period"], f.cell(a["committed_places"]),
                     f(a["realised"], f"agreements[{i}].realised"),
                     f(a.get("registered_used"), f"agreements[{i}].registered_used"),
                     "–" if a.get("progress") is None else f.cell(a["progress"])]
                    for i, a in enumerate(report["agreements"])],
        unverified=[[u["source"], u["period"], u["region"] or f._("all"), f(u["places"], "unverified")]
                    for u in report["unverified_totals"]],
        comparison=comparison(report, f))
