"""The HTML report: tables and bar charts with 95% intervals as inline SVG (no JavaScript, no files).

Each chart has a text title and every bar a <title> with its numbers, and the tables hold the same
numbers, so nothing is only in a picture.
"""
from __future__ import annotations

from html import escape
from typing import Any

COLOURS = ("#01689b", "#e17000", "#39870c", "#a90061", "#8fcae7", "#ffb612")
HEADLINE = (("placed", "People placed"), ("share_placed_over_90_days", "Share of placed whose stay exceeded 90 days"),
            ("days_in_shelter_median", "Days in shelter at placement, median"),
            ("days_in_shelter_p90", "Days in shelter at placement, p90"),
            ("waiting_at_end", "Still waiting at the end"),
            ("waiting_at_end_over_90_days", "… of whom waiting over 90 days"))


def _fmt(x: float) -> str:
    if x == int(x):
        return f"{int(x):,}"
    return f"{x:.3f}" if abs(x) < 1 else f"{x:,.1f}"


def bar_chart(title: str, bars: list[tuple[str, dict[str, float]]]) -> str:
    """One horizontal bar per (label, interval), with its interval as a whisker."""
    top = max([iv["high"] for _, iv in bars if iv["mean"] is not None] + [1e-9])
    width, row, left = 640, 26, 170
    scale = (width - left - 60) / top
    parts = [f'<figure><figcaption>{escape(title)}</figcaption>'
             f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{row * len(bars) + 10}" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">']
    for i, (label, iv) in enumerate(bars):
        y = 5 + i * row
        if iv["mean"] is None:  # hidden by disclosure control: no bar of its size, only its label
            parts.append(f'<g><title>{escape(label)}: {escape(_cell(iv))}</title>'
                         f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
                         f'<text x="{left + 4}" y="{y + 15}">{escape(_cell(iv))}</text></g>')
            continue
        # The measures are counts, days and shares: an interval below 0 is drawn from 0.
        x_low, x_high = left + max(0.0, iv["low"]) * scale, left + max(0.0, iv["high"]) * scale
        parts.append(
            f'<g><title>{escape(label)}: {_fmt(iv["mean"])} (95%: {_fmt(iv["low"])}–{_fmt(iv["high"])})</title>'
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{max(0.0, iv["mean"] * scale):.1f}" height="16" '
            f'fill="{COLOURS[i % len(COLOURS)]}"/>'
            f'<line x1="{x_low:.1f}" x2="{x_high:.1f}" y1="{y + 11}" y2="{y + 11}" stroke="#000"/>'
            f'<text x="{x_high + 4:.1f}" y="{y + 15}">{escape(_fmt(iv["mean"]))}</text></g>')
    parts.append("</svg></figure>")
    return "".join(parts)


def _table(caption: str, header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = "".join("<tr>" + f'<th scope="row">{escape(r[0])}</th>' + "".join(f"<td>{escape(c)}</td>" for c in r[1:])
                   + "</tr>" for r in rows)
    return f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(iv: dict[str, Any]) -> str:
    if iv["mean"] is None:
        return str(iv.get("suppressed", "–"))
    return f"{_fmt(iv['mean'])} ({_fmt(iv['low'])}–{_fmt(iv['high'])})"


def _scope(sc: dict[str, Any]) -> str:
    if "params" in sc:
        return f'{sc["params"]["regions"]} region(s), {sc["params"]["days"]} days'
    return escape(f'{sc["source"]}: region(s) {", ".join(sc["regions"])}, {sc["days"]} days from '
                  f'{sc["first_arrival"]} (seeds drive only the acceptance model; counts about people under '
                  f'disclosure control: "<5" and "hidden" cells)')


def _hindsight_row(v: dict[str, Any], group: str = "all") -> list[str]:
    """The hindsight optimum's own assignment, measured as the strategies' placements are."""
    best = v.get("hindsight_metrics")
    row = [f"hindsight optimum under {v['name']}'s rules (knows every arrival and decline; best objective, "
           "not best measures)", *[_cell(best[group][k]) if best else "–" for k, _ in HEADLINE]]
    return [*row, "–", _cell(v["hindsight_optimum"])] if group == "all" else row


def render(report: dict[str, Any]) -> str:
    vs = report["variants"]
    sc = report["scenario"]
    out = ['<!doctype html><html lang="en"><head><meta charset="utf-8"><title>housing-match simulation</title>'
           '<style>body{font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem}table{border-collapse:'
           'collapse;margin:1rem 0}td,th{border:1px solid #999;padding:.2rem .5rem;text-align:right}'
           'th[scope=row]{text-align:left}caption{font-weight:bold;text-align:left}figcaption{font-weight:bold}'
           '</style></head><body><main><h1>What if? Simulation report</h1>',
           f'<p>{_scope(sc)}, seeds '
           f'{escape(", ".join(map(str, sc["seeds"])))}; mean and 95% interval over the seeds. Hindsight optimum at '
           f'least every objective: {"yes" if report["hindsight_at_least_every_objective"] else "NO"}.</p>']
    for key, title in HEADLINE:
        out.append(bar_chart(title, [(v["name"], v["metrics"]["all"][key]) for v in vs]))
    out.append(bar_chart("Objective (summed priority of the placements) as a share of the hindsight optimum",
                         [(v["name"], v["objective_share_of_hindsight"]) for v in vs]))
    out.append(_table("All people", ["variant", *[t for _, t in HEADLINE], "objective", "hindsight optimum"],
                      [[v["name"], *[_cell(v["metrics"]["all"][k]) for k, _ in HEADLINE],
                        _cell(v["objective"]), _cell(v["hindsight_optimum"])] for v in vs]
                      + [_hindsight_row(vs[0])]))
    out.append("<h2>Per group</h2>")
    for group in sorted(vs[0]["metrics"]):
        if group == "all":
            continue
        out.append(bar_chart(f"{group}: days in shelter at placement, p90",
                             [(v["name"], v["metrics"][group]["days_in_shelter_p90"]) for v in vs]))
        out.append(_table(group, ["variant", *[t for _, t in HEADLINE]],
                          [[v["name"], *[_cell(v["metrics"][group][k]) for k, _ in HEADLINE]] for v in vs]
                          + [_hindsight_row(vs[0], group)]))
    out.append("<h2>Homes, agreements and limits</h2>")
    out.append(_table("Homes", ["variant", "homes (places) published", "days a place stood empty, mean",
                                "offers made", "offers expired"],
                      [[v["name"], *[_cell(v["metrics"]["all"][k]) for k in
                                     ("homes_published", "home_empty_days_mean", "offers_made", "offers_expired")]]
                       for v in vs]))
    out.append(_table("Placements per agreement and limit", ["rule", *[v["name"] for v in vs]],
                      [[k, *[_cell(v["rules"][k]) if k in v["rules"] else "–" for v in vs]]
                       for k in sorted({k for v in vs for k in v["rules"]})]))
    out.append("</main></body></html>\n")
    return "".join(out)
