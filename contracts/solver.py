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
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from contracts.types import Support, UnitKind

__all__ = [
    "Agreement",
    "Assignment",
    "Candidate",
    "Explanation",
    "Instance",
    "InstanceError",
    "NeighbourhoodLimit",
    "PriorityComponents",
    "Result",
    "Status",
    "SupportLevel",
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


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


class Candidate(_Frozen):
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


class Unit(_Frozen):
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

    @property
    def shared(self) -> bool:
        return self.places > 1 or self.kind == UnitKind.SHARED


class Agreement(_Frozen):
    """Performance agreement (prestatieafspraak) of a corporation with a municipality."""

    corporation: Identifier
    municipality: MunicipalityCode
    period: Period
    max_places: Count
    used: Count


class NeighbourhoodLimit(_Frozen):
    """Carrying capacity (draagkracht) of a neighbourhood for a period."""

    neighbourhood: NeighbourhoodCode
    period: Period
    max_placements: Count
    used: Count


def _duplicate_error(loc: tuple[Any, ...], first: int, what: str) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError("duplicate", "duplicate {what}, first given at index {first}",
                                 {"what": what, "first": first}),
        loc=loc,
        input=None,
    )


class Instance(_Frozen):
    """One matching problem: candidates, units and the limits that apply in ``period``."""

    period: Period
    candidates: tuple[Candidate, ...]
    units: tuple[Unit, ...]
    agreements: tuple[Agreement, ...] = ()
    neighbourhood_limits: tuple[NeighbourhoodLimit, ...] = ()
    declined_pairs: tuple[tuple[Identifier, Identifier], ...] = ()

    @model_validator(mode="after")
    def _unique_keys(self) -> Instance:
        errors: list[InitErrorDetails] = []
        seen: dict[Any, int] = {}
        for i, c in enumerate(self.candidates):
            if (first := seen.setdefault(c.id, i)) != i:
                errors.append(_duplicate_error(("candidates", i, "id"), first, "candidate id"))
        seen = {}
        for i, u in enumerate(self.units):
            if (first := seen.setdefault(u.id, i)) != i:
                errors.append(_duplicate_error(("units", i, "id"), first, "unit id"))
        seen = {}
        for i, a in enumerate(self.agreements):
            key = (a.corporation, a.municipality, a.period)
            if (first := seen.setdefault(key, i)) != i:
                errors.append(_duplicate_error(("agreements", i), first,
                                               "agreement (corporation, municipality, period)"))
        seen = {}
        for i, lim in enumerate(self.neighbourhood_limits):
            key = (lim.neighbourhood, lim.period)
            if (first := seen.setdefault(key, i)) != i:
                errors.append(_duplicate_error(("neighbourhood_limits", i), first,
                                               "limit (neighbourhood, period)"))
        if errors:
            raise ValidationError.from_exception_data("Instance", errors, hide_input=True)
        return self

    def period_of(self, unit: Unit) -> str:
        """The period a placement in ``unit`` counts against."""
        return unit.period or self.period


Status = Literal["OPTIMAL", "FEASIBLE"]


class PriorityComponents(_Frozen):
    base: StrictInt
    days_in_shelter: StrictInt
    over_90_days: StrictInt
    youth: StrictInt
    children: StrictInt
    medical_urgency: StrictInt
    preferred_neighbourhood: StrictInt


class Explanation(_Frozen):
    """Why a placement scores what it scores: ``priority`` is the sum of ``components``."""

    priority: StrictInt
    components: PriorityComponents


class Assignment(_Frozen):
    candidate: Identifier
    unit: Identifier
    explanation: Explanation


class Result(_Frozen):
    """Proposed placements; ``bound`` is a proven upper bound on the best objective."""

    assignments: tuple[Assignment, ...]
    objective: StrictInt
    bound: StrictInt
    status: Status


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
