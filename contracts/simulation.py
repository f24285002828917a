"""What-if variants of the simulator (issue 21): one schema for ``housing-match simulate --variants`` and for
the municipalities' simulation jobs over the API (``POST /v1/simulations``, carried by ``SimulationRequested``).

A variant is ``{"name", "changes"}``; ``changes`` (every key optional) may alter:

* ``agreements``: ``[{"corporation"?, "municipality"?, "max_places" | "extra_places"}]``; a row without
  corporation or municipality applies to every agreement it leaves open;
* ``limits``: ``[{"neighbourhood"?, "max_placements" | "extra_placements"}]``, likewise;
* ``policy``: policy fields (contracts/solver_policy.py), ``region_policies``: ``{"R01": {…}}``;
* ``strategy``: matcher, greedy, fcfs or look_ahead;
* ``batching_window_hours``, ``offer_deadline_hours``;
* ``acceptance``: ``{"accept": {kind: p}, "factors": {group: f}, "confirm": p, "silent": p,
  "decline_categories": {category: share}}`` (the simulator's acceptance model checks it);
* ``support_capacity``: ``[{"provider"?, "max_new_clients", "used"?}]``, and ``refusal_rules``: the
  policy's ``refusals`` group. ``policy.refusals`` is refused with a pointer to ``refusal_rules``: the
  solver ignores it, the matcher applies the refusal rules.

Contracts import no service, so the simulator (services/system/simulation/variants.py) and the intake both
take the schema from here; how a variant changes a scenario stays with the simulator.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from contracts.solver import format_validation_error
from contracts.solver_policy import PolicyOverrides, RefusalsOverrides
from contracts.types import Identifier

#: Where a simulation's people and homes come from: the seeded generator, or a replay of the region's recorded
#: history from the matcher's database (its results pass the ledger's disclosure control before anyone sees them).
SimulationSource = Literal["synthetic", "history"]
STRATEGIES = ("matcher", "greedy", "fcfs", "look_ahead")
VariantName = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f]+$")]


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


class SupportCapacityChange(_Strict):
    provider: Identifier | None = None
    max_new_clients: Annotated[int, Field(ge=0)]
    used: Annotated[int, Field(ge=0)] = 0


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
    name: VariantName
    changes: Changes = Changes()


DEFAULT_VARIANTS = [Variant(name=s, changes=Changes(strategy=s)) for s in STRATEGIES]
REFUSALS_IN_POLICY = "the solver does not apply it; use changes.refusal_rules"
UNIQUE_NAMES = "every name must be different"


Loc = tuple[int | str, ...]


def refusals_in_policy(data: Any) -> list[tuple[Loc, str]]:
    """``(location, reason)`` for every ``policy.refusals`` of a raw variants list (checked before the schema, so
    the pointer to ``refusal_rules`` is the only complaint about it)."""
    if not isinstance(data, list):
        return []
    out: list[tuple[Loc, str]] = []
    for i, v in enumerate(data):
        changes = v.get("changes") if isinstance(v, dict) else None
        if not isinstance(changes, dict):
            continue
        regional = changes.get("region_policies")
        places = [(("policy",), changes.get("policy")),
                  *(((("region_policies", r), p) for r, p in regional.items()) if isinstance(regional, dict) else ())]
        out += [((i, "changes", *where, "refusals"), REFUSALS_IN_POLICY)
                for where, p in places if isinstance(p, dict) and "refusals" in p]
    return out


def same_names(variants: list[Variant]) -> list[tuple[Loc, str]]:
    """``(location, reason)`` for every variant whose name an earlier one has."""
    seen: set[str] = set()
    out: list[tuple[Loc, str]] = []
    for i, v in enumerate(variants):
        if v.name in seen:
            out.append(((i, "name"), UNIQUE_NAMES))
        seen.add(v.name)
    return out


def _lines(problems: list[tuple[Loc, str]]) -> str:
    return "\n".join("".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".") + f": {reason}"
                     for loc, reason in problems)


_VARIANTS = TypeAdapter(list[Variant])


def parse_variants(data: Any) -> list[Variant]:
    """The variants of a decoded JSON list, or ValueError with one ``path: reason`` line per problem (never a
    value)."""
    if not isinstance(data, list) or not data:
        raise ValueError("must be a non-empty JSON list of {\"name\", \"changes\"}")
    if problems := refusals_in_policy(data):
        raise ValueError(_lines(problems))
    try:
        variants = _VARIANTS.validate_python(data)
    except ValidationError as err:
        raise ValueError("\n".join(format_validation_error(err))) from None
    if problems := same_names(variants):
        raise ValueError(_lines(problems))
    return variants
