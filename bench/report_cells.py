"""The hidden counts of one ledger report, by label (bench/disclosure.py counts them per view)."""
from __future__ import annotations

from collections import Counter


def counts(report: dict) -> Counter:
    """The report's hidden counts, by label: every null count (shares and ratios left out)."""
    secondary, out = set(report["secondary_suppressed"]), Counter()

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}" if path else k)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")
        elif value is None and not path.endswith(("_share", "_ratio", "progress", "as_of", "municipality", "region",
                                                   "suppressed_below")):
            out["hidden"] += 1
        elif isinstance(value, int) and not isinstance(value, bool):
            out["shown"] += 1
    walk({k: v for k, v in report.items() if k not in ("scope", "secondary_suppressed", "national_target",
                                                          "retractions", "unverified_totals")}, "")
    out["verborgen"] = sum(1 for p in secondary if _resolve(report, p) is None)
    out["<5"] = out.pop("hidden", 0) - out["verborgen"]
    return out


def _resolve(report: dict, path: str):
    """The value at a path of ``secondary_suppressed`` (``agreements[0].realised``, ``sources.matcher``...)."""
    head, _, rest = path.partition(".")
    if head in ("sources", "overlap", "overlap_by_source_kind"):
        for row in report[head]:
            names = [v for k, v in row.items() if k != "places"]
            if rest in (names[0], "&".join(names)):
                return row["places"]
        raise KeyError(path)
    value = report
    for part in path.split("."):
        name, _, index = part.partition("[")
        value = value[name]
        if index:
            value = value[int(index[:-1])]
    return value
