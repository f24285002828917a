"""Which year's agreement and neighbourhood limit a placement counts against (pure).

Agreements (prestatieafspraken) and limits are made per calendar year. A placement counts in the
year the person can move in: the later of the home's ``available_from`` and the round's date, that
date taken in Europe/Amsterdam, where the partners and their agreements live (a round at 23:30 UTC on
31 December is already in the new year there). So a home available in February next year counts
against next year's agreement, and a home available since last year against this year's.
"""
from __future__ import annotations

from datetime import date, datetime

from contracts.types import local_date

__all__ = ["local_date", "move_in_date", "placement_period"]


def move_in_date(available_from: date, at: datetime) -> date:
    """The earliest day the person can move in: the home is free and the round (or answer) has happened."""
    return max(available_from, local_date(at))


def placement_period(available_from: date, at: datetime) -> str:
    """The period (a year, as agreements name it) a placement in a home available from ``available_from``,
    proposed at ``at``, counts against."""
    return str(move_in_date(available_from, at).year)
