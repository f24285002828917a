"""Pure rules of the ledger: how a report identifies a unit and which strategy a place counts for."""
from __future__ import annotations

from contracts.types import STRATEGY_OF_KIND, UnitKind

#: Reports of the same person and unit whose move-in dates lie this close are one placement.
MOVE_IN_TOLERANCE_DAYS = 31


def unit_key(bag_id: str | None, corporation: str | None, unit_id: str | None) -> str:
    """Units are the same across sources by BAG id where given, else by corporation + own unit id."""
    if bag_id:
        return f"bag:{bag_id}"
    own = (unit_id or "").split(":", 1)[-1] if corporation and (unit_id or "").startswith(f"{corporation}:") \
        else unit_id
    return f"corp:{corporation}:{own}"


def strategy_of(kind: str) -> str:
    return STRATEGY_OF_KIND[UnitKind(kind)].value
