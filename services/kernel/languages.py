"""Which of our languages a browser asks for (RFC 9110 Accept-Language), for every service's pages.

The intake's screens and the ledger's dashboard both speak Dutch first and English by choice; they
rank the browser's list the same way here instead of each parsing the header.
"""
from __future__ import annotations


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
