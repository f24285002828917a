"""``--variants FILE``: a JSON list of ``{"name", "changes"}``, checked by the one schema in contracts/simulation.py
(which the intake's simulation jobs use too); ``apply_changes`` is what a variant does to a scenario.

``support_capacity`` and ``refusal_rules`` reach the matcher as its own events (regional_changes.py).
"""
from __future__ import annotations

import json
from pathlib import Path

from contracts import events as ev
from contracts.simulation import DEFAULT_VARIANTS, Changes, Variant, parse_variants
from services.system.simulation.regional_changes import regional_events
from services.system.simulation.scenario import Scenario

__all__ = ["DEFAULT_VARIANTS", "Changes", "Variant", "apply_changes", "load_variants"]


def load_variants(path: str | Path) -> list[Variant]:
    """The variants of FILE, or ValueError with one ``path: reason`` line per problem (never a value)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"--variants: cannot read a JSON list ({type(err).__name__})") from None
    try:
        return parse_variants(data)
    except ValueError as err:
        raise ValueError(f"--variants: {err}") from None


def apply_changes(scenario: Scenario, changes: Changes) -> None:
    """The scenario's agreements and limits as the variant sets them (events replaced in place), and its
    support providers' room and refusal rules as events at the start (regional_changes.py)."""
    for i, (at, e) in enumerate(scenario.arrivals):
        if isinstance(e, ev.AgreementRegistered):
            for c in changes.agreements:
                if c.corporation in (None, e.corporation) and c.municipality in (None, e.municipality):
                    places = c.max_places if c.max_places is not None else e.max_places + (c.extra_places or 0)
                    e = e.model_copy(update={"max_places": max(0, places)})
        elif isinstance(e, ev.NeighbourhoodLimitSet):
            for c in changes.limits:
                if c.neighbourhood in (None, e.neighbourhood):
                    most = c.max_placements if c.max_placements is not None else \
                        e.max_placements + (c.extra_placements or 0)
                    e = e.model_copy(update={"max_placements": max(0, most)})
        scenario.arrivals[i] = (at, e)
    refusals = changes.refusal_rules.model_dump(mode="json", exclude_unset=True) if changes.refusal_rules else None
    extra = regional_events(scenario, changes.support_capacity, refusals)
    # At the start, before everyone else (a stable sort keeps the scenario's own order after them).
    scenario.arrivals[:0] = [(scenario.start, e) for e in extra]
