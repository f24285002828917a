"""Pure rules of the ledger: how a report identifies a unit and which strategy a place counts for."""
from __future__ import annotations

from contracts.types import STRATEGY_OF_KIND, UnitKind

#: Reports of the same person and unit whose move-in dates lie this close are one placement.
#: Sources date a move-in differently (key handover, contract start, first rent, registration in
#: the BRP), and a monitor often only knows the month: a month of slack absorbs that.
MOVE_IN_TOLERANCE_DAYS = 31

#: A person reported in *another* unit with move-in dates this close is flagged for review:
#: counted once (never twice) until someone resolves it. Beyond this window a second move is a
#: new realised place (the person moved on), unless the first tenancy is known to have ended
#: before the second move-in, in which case it is a move and never a conflict.
REVIEW_WINDOW_DAYS = 183


def bag_key(bag_id: str | None) -> str | None:
    return f"bag:{bag_id}" if bag_id else None


def corp_key(corporation: str | None, unit_id: str | None) -> str | None:
    """The corporation's own unit id, whether the source prefixed it with the corporation or not."""
    if not unit_id:
        return None
    own = unit_id
    if corporation and unit_id.startswith(f"{corporation}:"):
        own = unit_id[len(corporation) + 1:]
    elif not corporation and ":" in unit_id:
        # The matcher's product-wide id is "<corporation>:<own id>".
        corporation, own = unit_id.split(":", 1)
    if not corporation:
        return None
    return f"corp:{corporation}:{own}"


def unit_keys(bag_id: str | None, corporation: str | None, unit_id: str | None) -> frozenset[str]:
    """Every key a report gives its unit by: BAG id and/or corporation + own unit id.

    Two reports are about the same unit when their key sets meet. A report that gives both
    (the matcher does, when the vacancy had a BAG id) bridges a source that gives only the
    BAG id and a source that gives only the corporation's own id.
    """
    return frozenset(k for k in (bag_key(bag_id), corp_key(corporation, unit_id)) if k)


def unit_key(bag_id: str | None, corporation: str | None, unit_id: str | None) -> str:
    """The preferred single key: BAG id where given, else corporation + own unit id."""
    return bag_key(bag_id) or corp_key(corporation, unit_id) or f"unknown:{unit_id or '-'}"


def strategy_of(kind: str) -> str:
    return STRATEGY_OF_KIND[UnitKind(kind)].value
