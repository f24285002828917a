"""``--variants FILE``: a JSON list of ``{"name", "changes"}``; what ``changes`` may alter, checked.

``changes`` (every key optional):

* ``agreements``: a list of ``{"corporation"?, "municipality"?, "max_places" | "extra_places"}``; a row
  without corporation or municipality applies to every agreement it leaves open;
* ``limits``: a list of ``{"neighbourhood"?, "max_placements" | "extra_placements"}``, likewise;
* ``policy``: policy fields (contracts/solver_policy.py), ``region_policies``: ``{"R01": {…}}``;
* ``strategy``: matcher, greedy, fcfs or look_ahead;
* ``batching_window_hours``, ``offer_deadline_hours``;
* ``acceptance``: ``{"accept": {kind: p}, "factors": {group: f}, "confirm": p, "silent": p,
  "decline_categories": {category: share}}``;
* ``support_capacity``: a list of ``{"provider"?, "max_new_clients", "used"?}``, and ``refusal_rules``:
  the policy's ``refusals`` group; both reach the matcher as its own events (regional_changes.py).
  ``policy.refusals`` is refused with a reason: the solver ignores it, ``refusal_rules`` is the way.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contracts import events as ev
from contracts.solver import PolicyOverrides, format_validation_error
from contracts.solver_policy import RefusalsOverrides
from services.system.simulation.regional_changes import SupportCapacityChange, regional_events
from services.system.simulation.scenario import Scenario



class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, frozen=True)


class AgreementChange(_Strict):
    corporation: str | None = None
    municipality: str | None = None
    max_places: Annotated[int, Field(ge=0)] | None = None
    extra_places: int | None = None


class LimitChange(_Strict):
    neighbourhood: str | None = None
    max_placements: Annotated[int, Field(ge=0)] | None = None
    extra_placements: int | None = None


class Changes(_Strict):
    agreements: list[AgreementChange] = []
    limits: list[LimitChange] = []
    policy: PolicyOverrides | None = None  # type: ignore[valid-type]
    region_policies: dict[str, PolicyOverrides] = {}  # type: ignore[valid-type]
    strategy: Literal["matcher", "greedy", "fcfs", "look_ahead"] = "matcher"
    batching_window_hours: Annotated[float, Field(gt=0, le=24 * 7)] = 24.0
    offer_deadline_hours: Annotated[float, Field(gt=0, le=24 * 60)] = 72.0
    acceptance: dict[str, Any] = {}
    support_capacity: list[SupportCapacityChange] = []
    refusal_rules: RefusalsOverrides | None = None  # type: ignore[valid-type]


class Variant(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    changes: Changes = Changes()


DEFAULT_VARIANTS = [Variant(name=s, changes=Changes(strategy=s)) for s in ("matcher", "greedy", "fcfs", "look_ahead")]


def load_variants(path: str | Path) -> list[Variant]:
    """The variants of FILE, or ValueError with one ``path: reason`` line per problem (never a value)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"--variants: cannot read a JSON list ({type(err).__name__})") from None
    if not isinstance(data, list) or not data:
        raise ValueError("--variants: must be a non-empty JSON list of {\"name\", \"changes\"}")
    problems = [f"[{i}].changes.{where}refusals: the solver does not apply it; use changes.refusal_rules"
                for i, v in enumerate(data) if isinstance(v, dict) and isinstance(v.get("changes"), dict)
                for where, p in [("policy.", v["changes"].get("policy")),
                                 *((f"region_policies.{r}.", p) for r, p in
                                   (v["changes"].get("region_policies") or {}).items())]
                if isinstance(p, dict) and "refusals" in p]
    if problems:
        raise ValueError("\n".join(problems))
    try:
        variants = [Variant.model_validate(v) for v in data]
    except ValidationError as err:
        raise ValueError("\n".join(format_validation_error(err))) from None
    if len({v.name for v in variants}) != len(variants):
        raise ValueError("--variants: every name must be different")
    return variants


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
