"""The acceptance model calibrated from the recorded answers (issue 21): smoothed toward the defaults.

From every offer in ``matcher_offer`` that ended (placed, declined, rejected, expired):

* ``silent``: the share of ended offers that expired with no answer from either side;
* ``confirm``: of the offers the corporation answered, the share it confirmed (a placement, or the
  confirmed flag of an offer that ended otherwise) against those it rejected;
* ``accept[kind]`` and ``factors[group]``: the model stays multiplicative, p = accept[kind] × Π factor[g]
  over the person's groups (acceptance.py); both are fitted to the offers the person answered (accepted,
  or declined) by alternating between the two (10 passes: each given the other, the ratio of answers
  that were yes to the yes the rest of the model expects);
* ``decline_categories``: the shares of the recorded categories of the declines (the matcher keeps the
  category as the offer's closing reason; an unknown one counts as "other").

**Thin cells are smoothed toward the default model**: every estimate is a posterior mean under a prior
worth ``STRENGTH`` (20) offers at the default value: a Beta prior for silent, confirm and accept[kind]
(``(yes + 20 · default) / (n + 20)``), the same weight for a group's factor (20 offers' worth of expected
yes at the default factor) and a Dirichlet prior with the default shares for the categories. With no
recorded answers the calibrated model is the default model exactly; with hundreds it follows the data.
Groups are those of the report (history.groups_of); a person in two groups counts in both.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from contracts.types import DeclineCategory
from services.system.simulation.acceptance import AcceptanceModel

STRENGTH = 20.0
PASSES = 10
ENDED = ("placed", "declined", "rejected", "expired")


@dataclass(frozen=True)
class RecordedOffer:
    """One ended offer as the matcher recorded it: no person, only the kind of home and the person's groups."""

    kind: str
    groups: frozenset[str]
    status: str  # placed | declined | rejected | expired
    corporation_confirmed: bool
    person_accepted: bool
    category: str | None = None  # a decline's recorded category


def _beta(yes: float, n: float, prior: float, strength: float = STRENGTH) -> float:
    return (yes + strength * prior) / (n + strength)


def calibrate(offers: Iterable[RecordedOffer], default: AcceptanceModel = AcceptanceModel()) -> AcceptanceModel:
    ended = [o for o in offers if o.status in ENDED]
    silent = sum(o.status == "expired" and not (o.corporation_confirmed or o.person_accepted) for o in ended)
    confirmed = sum(o.corporation_confirmed for o in ended)
    rejected = sum(o.status == "rejected" for o in ended)
    answered = [o for o in ended if o.person_accepted or o.status == "declined"]
    accept, factors = _accept_and_factors(answered, default)
    return AcceptanceModel(accept=accept, factors=factors, confirm=_beta(confirmed, confirmed + rejected, default.confirm),
                           silent=_beta(silent, len(ended), default.silent),
                           decline_categories=_categories([o for o in ended if o.status == "declined"], default))


def _accept_and_factors(answered: list[RecordedOffer], default: AcceptanceModel
                        ) -> tuple[dict[str, float], dict[str, float]]:
    accept, factors = dict(default.accept), dict(default.factors)
    kinds = sorted({o.kind for o in answered} | set(accept))
    fallback = 0.8  # AcceptanceModel.probability's rate for a kind it does not know
    for _ in range(PASSES if answered else 0):
        for k in kinds:
            mine = [o for o in answered if o.kind == k]
            weight = sum(_product(factors, o.groups) for o in mine)  # offers, each at its groups' factor
            accept[k] = _beta(sum(o.person_accepted for o in mine), weight, default.accept.get(k, fallback))
        for g in sorted(factors):
            mine = [o for o in answered if g in o.groups]
            expected = sum(accept[o.kind] * _product(factors, o.groups - {g}) for o in mine)
            yes = sum(o.person_accepted for o in mine)
            # the prior: STRENGTH offers whose expected yes is the model's mean rate, at the default factor
            rate = sum(accept.values()) / len(accept)
            factors[g] = (yes + STRENGTH * rate * default.factors[g]) / (expected + STRENGTH * rate)
    return accept, factors


def _product(factors: dict[str, float], groups: Iterable[str]) -> float:
    return math.prod(factors.get(g, 1.0) for g in groups)


def _categories(declines: list[RecordedOffer], default: AcceptanceModel) -> dict[str, float]:
    if not declines:
        return dict(default.decline_categories)
    known = {c.value for c in DeclineCategory}
    counts = Counter(o.category if o.category in known else DeclineCategory.OTHER.value for o in declines)
    names = sorted(set(default.decline_categories) | set(counts))
    total = sum(default.decline_categories.values())
    return {c: (counts[c] + STRENGTH * default.decline_categories.get(c, 0.0) / total) / (len(declines) + STRENGTH)
            for c in names}
