"""Contract of the pure matching solver: the instance it reads and the result it writes.

Both are frozen pydantic v2 models that forbid unknown fields.  ``parse_instance`` turns
raw JSON (or an already decoded object) into an :class:`Instance`, or raises
:class:`InstanceError` whose messages name the field path (``candidates[3].household_size``)
and the reason, never the submitted value (candidate records are sensitive).

The JSON Schemas under ``contracts/schemas/`` are generated from these models by
``write_solver_schemas``; a unit test keeps the committed copies in sync.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from contracts.solver_policy import Euros, Policy, PolicyOverrides
from contracts.solver_result import Assignment, Explanation, Frozen, PriorityComponents, Result, Status
from contracts.types import Support, UnitKind

__all__ = [
    "Agreement",
    "Assignment",
    "Candidate",
    "Explanation",
    "Forecast",
    "Instance",
    "InstanceError",
    "NeighbourhoodLimit",
    "Policy",
    "PolicyOverrides",
    "PriorityComponents",
    "Result",
    "Status",
    "SupportLevel",
    "SupportProvider",
    "Unit",
    "UnitKind",
    "format_validation_error",
    "instance_json_schema",
    "parse_instance",
    "result_json_schema",
    "write_solver_schemas",
]

Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$")]
RegionCode = Annotated[str, StringConstraints(pattern=r"^R[0-9]{2}$")]
MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^GM[0-9]{4}$")]
NeighbourhoodCode = Annotated[str, StringConstraints(pattern=r"^BU[0-9]{8}$")]
Period = Annotated[str, StringConstraints(pattern=r"^20[0-9]{2}$")]
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000)]
Positive = Annotated[StrictInt, Field(ge=1, le=1_000_000)]
Days = Annotated[StrictInt, Field(ge=0, le=36_500)]


# The same levels and kinds as the events carry (one definition for the whole product).
SupportLevel = Support


class Candidate(Frozen):
    """A person ready to move on from a shelter (pseudonymous id)."""

    id: Identifier
    region: RegionCode
    household_size: Annotated[StrictInt, Field(ge=1, le=20)]
    wheelchair: StrictBool
    support: SupportLevel
    days_in_shelter: Days
    youth: StrictBool
    children: Annotated[StrictInt, Field(ge=0, le=19)]
    medical_urgency: StrictBool
    excluded_neighbourhoods: tuple[NeighbourhoodCode, ...] = ()
    preferred_neighbourhoods: tuple[NeighbourhoodCode, ...] = ()
    rent_allowance_eligible: StrictBool = Field(default=False, description="Entitled to rent allowance: "
                                                "affordability (passend toewijzen) applies")
    support_provider: Identifier | None = Field(default=None, description="The provider of ambulant support "
                                                "whose room for new clients a placement uses")
    days_until_exit: Annotated[StrictInt, Field(ge=-36_500, le=36_500)] | None = Field(
        default=None, description="Days until the person leaves an institution (<= 0: left already); "
                                  "null: not leaving one")


class Unit(Frozen):
    """A housing unit on offer; ``places`` > 1 (or kind ``shared``) makes it a shared unit."""

    id: Identifier
    corporation: Identifier
    municipality: MunicipalityCode
    region: RegionCode
    neighbourhood: NeighbourhoodCode
    kind: UnitKind
    rooms: Annotated[StrictInt, Field(ge=1, le=50)]
    places: Annotated[StrictInt, Field(ge=1, le=50)]
    wheelchair_accessible: StrictBool
    support: tuple[SupportLevel, ...] = ()
    period: Period | None = Field(default=None, description="The period whose agreement and neighbourhood limit "
                                                             "a placement in this unit counts against (default: "
                                                             "the instance's period)")
    rent: Euros | None = Field(default=None, description="Rent in euros a month (absent: unknown, "
                                                         "affordability does not restrict the unit)")

    @property
    def shared(self) -> bool:
        return self.places > 1 or self.kind == UnitKind.SHARED


class Agreement(Frozen):
    """Performance agreement (prestatieafspraak) of a corporation with a municipality."""

    corporation: Identifier
    municipality: MunicipalityCode
    period: Period
    max_places: Count
    used: Count


class NeighbourhoodLimit(Frozen):
    """Carrying capacity (draagkracht) of a neighbourhood for a period."""

    neighbourhood: NeighbourhoodCode
    period: Period
    max_placements: Count
    used: Count


class SupportProvider(Frozen):
    """Room of a provider of ambulant support for new clients in a period (shared by all its regions)."""

    id: Identifier
    period: Period
    max_new_clients: Count
    used: Count


class Forecast(Frozen):
    """What the coming weeks will probably bring, for the look-ahead strategy (issue 21): people and
    homes expected to arrive (e.g. the recent weeks' arrivals again) and how long each unit of the
    instance has been open (a home open ``look_ahead_max_hold_days`` is never kept back)."""

    candidates: tuple[Candidate, ...] = ()
    units: tuple[Unit, ...] = ()
    days_open: dict[Identifier, Days] = Field(default_factory=dict)


def _duplicate_error(loc: tuple[Any, ...], first: int, what: str) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError("duplicate", "duplicate {what}, first given at index {first}",
                                 {"what": what, "first": first}),
        loc=loc,
        input=None,
    )


#: (field, key of a row, where the error points inside the row, what must be unique)
_UNIQUE_KEYS: tuple[tuple[str, Any, tuple[str, ...], str], ...] = (
    ("candidates", lambda c: c.id, ("id",), "candidate id"),
    ("units", lambda u: u.id, ("id",), "unit id"),
    ("agreements", lambda a: (a.corporation, a.municipality, a.period), (),
     "agreement (corporation, municipality, period)"),
    ("neighbourhood_limits", lambda n: (n.neighbourhood, n.period), (), "limit (neighbourhood, period)"),
    ("support_providers", lambda p: (p.id, p.period), (), "support provider (id, period)"),
)


class Instance(Frozen):
    """One matching problem: candidates, units and the limits that apply in ``period``."""

    period: Period
    candidates: tuple[Candidate, ...]
    units: tuple[Unit, ...]
    agreements: tuple[Agreement, ...] = ()
    neighbourhood_limits: tuple[NeighbourhoodLimit, ...] = ()
    declined_pairs: tuple[tuple[Identifier, Identifier], ...] = ()
    policy: PolicyOverrides | None = Field(default=None, description="Partial policy over the default "
                                           "(and the --policy file)")  # type: ignore[valid-type]
    region_policies: dict[RegionCode, PolicyOverrides] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="Partial policy per region, over the instance's policy")
    support_providers: tuple[SupportProvider, ...] = ()
    fixed_assignments: tuple[tuple[Identifier, Identifier], ...] = Field(
        default=(), description="(candidate, unit) pairs the transfer point fixed by hand: they must be "
                                "in the result")
    forecast: Forecast | None = Field(default=None, description="Expected arrivals, read only by regions "
                                      "whose policy chooses the look-ahead strategy")

    @model_validator(mode="after")
    def _unique_keys(self) -> Instance:
        errors = self._fixed_assignment_errors()
        for field, key, suffix, what in _UNIQUE_KEYS:
            seen: dict[Any, int] = {}
            for i, row in enumerate(getattr(self, field)):
                if (first := seen.setdefault(key(row), i)) != i:
                    errors.append(_duplicate_error((field, i, *suffix), first, what))
        if errors:
            raise ValidationError.from_exception_data("Instance", errors, hide_input=True)
        return self

    def _fixed_assignment_errors(self) -> list[InitErrorDetails]:
        """Unknown ids and repeated candidates (the policy's rules are checked by the solver)."""
        errors: list[InitErrorDetails] = []
        candidates, units = {c.id for c in self.candidates}, {u.id for u in self.units}
        seen: dict[str, int] = {}
        for i, (cid, uid) in enumerate(self.fixed_assignments):
            if cid not in candidates:
                errors.append(_pair_error(i, "names an unknown candidate"))
            if uid not in units:
                errors.append(_pair_error(i, "names an unknown unit"))
            if (first := seen.setdefault(cid, i)) != i:
                errors.append(_pair_error(i, f"repeats the candidate of fixed_assignments[{first}]"))
        return errors

    def policy_for(self, region: str, base: Policy) -> Policy:
        """The policy of ``region``: ``base`` < the instance's ``policy`` < its ``region_policies``."""
        return base.overridden(self.policy).overridden(self.region_policies.get(region))

    def period_of(self, unit: Unit) -> str:
        """The period a placement in ``unit`` counts against."""
        return unit.period or self.period


def _pair_error(index: int, rule: str) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError("fixed_pair", "fixed pair {rule}", {"rule": rule}),
                            loc=("fixed_assignments", index), input=None)


class InstanceError(ValueError):
    """An instance that cannot be solved; ``errors`` are ``path: reason`` lines."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("invalid instance:\n" + "\n".join(f"  {e}" for e in errors))


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(document)"


def format_validation_error(err: ValidationError) -> list[str]:
    """``path: reason`` per error, without the submitted values."""
    lines = []
    for e in err.errors(include_url=False, include_input=False, include_context=False):
        lines.append(f"{_path(tuple(e['loc']))}: {e['msg']}")
    return lines


def parse_instance(data: str | bytes | dict[str, Any]) -> Instance:
    """Validate raw JSON text/bytes or a decoded object; raise InstanceError if invalid."""
    try:
        if isinstance(data, (str, bytes, bytearray)):
            return Instance.model_validate_json(data)
        return Instance.model_validate(data)
    except ValidationError as err:
        raise InstanceError(format_validation_error(err)) from None


def instance_json_schema() -> dict[str, Any]:
    return Instance.model_json_schema(mode="validation")


def result_json_schema() -> dict[str, Any]:
    return Result.model_json_schema(mode="serialization")


SCHEMA_FILES = {
    "solver-instance.schema.json": instance_json_schema,
    "solver-result.schema.json": result_json_schema,
}


def render_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_solver_schemas(directory: str | Path) -> list[Path]:
    """(Re)generate the JSON Schemas of instance and result into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in SCHEMA_FILES.items():
        path = directory / name
        path.write_text(render_schema(make()), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m contracts.solver [DIR]
    import sys

    for p in write_solver_schemas(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "schemas"):
        print(p)
