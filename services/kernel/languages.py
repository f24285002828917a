"""Which of our languages a browser asks for (RFC 9110 Accept-Language), for every service's pages.

The intake's screens and the ledger's dashboard both speak Dutch first and English by choice; they
rank the browser's list the same way here instead of each parsing the header.
"""
from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations


def from_accept_language(header: str | None, available: tuple[str, ...], default: str) -> str:
    """The first of ``available`` in the header's order of preference (by q, then position), else
    ``default``. Only the primary subtag counts (``en-GB`` is ``en``); ``q=0`` means "not this one"."""
    ranked = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, position, tag.strip().lower()[:2]))
    return next((tag for minus_q, _, tag in sorted(ranked) if tag in available and minus_q < 0), default)


def compiled_catalogue(po_path: Path, language: str) -> Translations:
    """A gettext catalogue compiled from its .po in memory at start: no .mo to build or commit."""
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)
