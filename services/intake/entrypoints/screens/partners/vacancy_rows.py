"""A home as a form or a CSV row gives it, to the API's own request model (PublishVacancy): the same
columns for both, empty optional fields left out. The rules are the model's (no second copy)."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

#: The columns of a CSV upload, in this order in the template; the first five and available_from are required.
COLUMNS = ("unit_id", "municipality", "region", "neighbourhood", "kind", "rooms", "places", "wheelchair_accessible",
           "support", "available_from", "available_until", "rent")
YES = ("ja", "yes", "true", "1", "j", "y")
MAX_ROWS = 2000


def vacancy_data(row: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in COLUMNS:
        value = (row.get(name) or "").strip()
        if name == "wheelchair_accessible":
            data[name] = value.lower() in YES
        elif name == "support":
            if value:
                data[name] = [part.strip() for part in value.replace("|", " ").split() if part.strip()]
        elif value:
            data[name] = value
    return data


def row_key(data: dict[str, Any]) -> str:
    """A row's idempotency key: the same row uploaded again is the same write (nothing happens twice); a
    changed row of the same home is a new version of it."""
    return "csv-" + hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:40]


class NotACsv(ValueError):
    """The file is not a CSV with the expected header (the reason is safe to show)."""


def read_rows(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of every data line; the header must name the columns (in any order)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotACsv("not_utf8") from None
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    if "unit_id" not in header:
        raise NotACsv("no_header")
    reader.fieldnames = header
    rows = []
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue  # an empty line
        if len(rows) >= MAX_ROWS:
            raise NotACsv("too_many")
        rows.append((reader.line_num, {k: v for k, v in row.items() if k is not None and isinstance(v, str)}))
    return rows
