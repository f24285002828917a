"""The matching policy as the solver instance and the ``--policy`` file carry it.

:class:`Policy` holds every tunable number with its default (issue 4, extended by the regional rules
of issue 19).  An instance may carry a *partial* policy (``policy``) and partial overrides per region
(``region_policies``): :class:`PolicyOverrides` has the same fields, none required, and nested objects
(``affordability``) merge key by key.  Precedence: default < ``--policy FILE`` < the instance's
``policy`` < its ``region_policies``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, StrictBool, StrictInt, create_model, model_serializer

from contracts.solver_result import Frozen
from contracts.types import DeclineCategory

__all__ = ["Affordability", "AffordabilityOverrides", "Euros", "Policy", "PolicyOverrides", "Refusals",
           "RefusalsOverrides", "Review", "ReviewOverrides"]

#: euros a month, decimals allowed (an integer is a number too; a string is not)
Euros = Annotated[float, Field(strict=True, ge=0, le=100_000, allow_inf_nan=False)]


class Affordability(Frozen):
    """Passend toewijzen: an allowance-eligible household only gets a home under its rent limit."""

    enabled: StrictBool = False
    limit_small: Euros = 0
    limit_large: Euros = 0
    large_from_household_size: Annotated[StrictInt, Field(ge=1, le=20)] = 3

    def limit(self, household_size: int) -> float:
        return self.limit_large if household_size >= self.large_from_household_size else self.limit_small


class Review(Frozen):
    """Transfer-point review (issue 20): a round's proposals wait for a transfer officer (the solver ignores it)."""

    enabled: StrictBool = False
    flag_after_working_days: Annotated[StrictInt, Field(ge=1, le=30)] = 2


class Refusals(Frozen):
    """Parking after refusals (issue 20): ``max_declines`` declines without a valid category within
    ``window_days`` park the candidate for ``park_days`` (the solver ignores it; the matcher applies it)."""

    max_declines: Annotated[StrictInt, Field(ge=1, le=50)] = 3
    window_days: Annotated[StrictInt, Field(ge=1, le=3650)] = 365
    park_days: Annotated[StrictInt, Field(ge=0, le=3650)] = 60
    valid_categories: tuple[DeclineCategory, ...] = (DeclineCategory.HOME_UNSUITABLE_FOR_HEALTH,
                                                     DeclineCategory.HOUSEHOLD_CHANGED,
                                                     DeclineCategory.FOUND_OTHER_HOME)


class Policy(Frozen):
    """Tunable numbers of the matching policy (defaults: issues 4 and 19)."""

    base: StrictInt = 100
    days_weight: StrictInt = Field(default=1, ge=0)
    long_wait_days: StrictInt = Field(default=90, ge=0)
    long_wait_bonus: StrictInt = 150
    youth_bonus: StrictInt = 50
    child_bonus: StrictInt = 40
    medical_urgency_bonus: StrictInt = 200
    preferred_neighbourhood_bonus: StrictInt = 10
    shared_max_household_size: StrictInt = Field(default=1, ge=0)
    rooms_floor: StrictInt = Field(default=1, ge=0)
    rooms_below: StrictInt = Field(default=1, ge=0)
    rooms_above: StrictInt = Field(default=1, ge=0)
    require_wheelchair_access: StrictBool = True
    exit_bonus: StrictInt = 0
    exit_window_days: StrictInt = Field(default=30, ge=0)
    affordability: Affordability = Affordability()
    review: Review = Review()
    refusals: Refusals = Refusals()
    #: "optimal": the best placements for this round; "look_ahead" (issue 21): each placement's
    #: priority also carries the opportunity cost of its home over the instance's ``forecast``.
    strategy: Literal["optimal", "look_ahead"] = "optimal"
    #: a home open this many days is never kept back any longer (look-ahead)
    look_ahead_max_hold_days: StrictInt = Field(default=14, ge=0)
    #: what a placement later is worth against one now, in percent (look-ahead)
    look_ahead_wait_discount_percent: StrictInt = Field(default=90, ge=0, le=100)

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        return cls.model_validate_json(Path(path).read_text(encoding="utf-8"))

    def rooms_range(self, household_size: int) -> tuple[int, int]:
        return (max(self.rooms_floor, household_size - self.rooms_below),
                household_size + self.rooms_above)

    def leaving_soon(self, days_until_exit: int | None) -> bool:
        """Leaving an institution within the window: the priority gains ``exit_bonus``."""
        return days_until_exit is not None and days_until_exit <= self.exit_window_days

    def overridden(self, overrides: PolicyOverrides | None) -> Policy:
        """This policy with the fields ``overrides`` gives (nested objects key by key)."""
        if overrides is None:
            return self
        given = overrides.model_dump(exclude_unset=True)
        if not given:
            return self
        merged = self.model_dump()
        for key, value in given.items():
            merged[key] = {**merged[key], **value} if isinstance(value, dict) else value
        return Policy.model_validate(merged)


class _Partial(Frozen):
    @model_serializer(mode="wrap")
    def _given_fields_only(self, handler: SerializerFunctionWrapHandler):
        # A field not given is absent, never null: null is no value of the policy (and the reader refuses it).
        data = handler(self)
        if not isinstance(self, BaseModel):  # a nested partial not given (None) serialises as itself
            return data
        return {k: v for k, v in data.items() if k in self.model_fields_set}


def _partial(model: type[Frozen], name: str, nested: dict[str, type[BaseModel]]) -> type[BaseModel]:
    """``model`` with every field optional (absent = keep the value underneath; null is refused)."""
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        annotation = nested.get(field_name, info.annotation)
        if info.metadata:
            annotation = Annotated[annotation, *info.metadata]
        fields[field_name] = (annotation, Field(default=None, json_schema_extra=_no_default))
    return create_model(name, __base__=_Partial, __doc__=f"Partial {model.__name__}: fields not given keep "
                                                          "the value of the policy underneath.", **fields)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


AffordabilityOverrides = _partial(Affordability, "AffordabilityOverrides", {})
ReviewOverrides = _partial(Review, "ReviewOverrides", {})
RefusalsOverrides = _partial(Refusals, "RefusalsOverrides", {})
PolicyOverrides = _partial(Policy, "PolicyOverrides", {"affordability": AffordabilityOverrides,
                                                       "review": ReviewOverrides, "refusals": RefusalsOverrides})
