"""Who sees what of an offer (pure): the one place that decides it, documented in API.md.

The person's shelter discusses the offer with them before the deadline, so it sees the home:
what it is, where, what it costs, who shows it. The corporation decides whether to let the home,
so it sees what a landlord may know of the household and nothing more: its size, the children,
the support arranged and by whom, and whether the person is 18-27. Never the urgency score or its
components: a score minus the visible bonuses would reveal a medical urgency or an exit from an
institution. A decline reaches the corporation as a category only (the shelter's text may hold
health details); a rejection reaches the shelter with its category and the corporation's text.
"""
from __future__ import annotations

from typing import Any

#: What the shelter sees of the offered home (from the vacancy as its corporation published it).
HOME_FIELDS = ("kind", "rooms", "places", "municipality", "neighbourhood", "wheelchair_accessible", "support",
               "available_from", "available_until", "address", "rent", "service_costs", "energy_label", "floor",
               "lift", "viewing_contact")
#: What the corporation sees of the household (from the candidate as the shelter submitted it).
HOUSEHOLD_FIELDS = ("household_size", "children", "support", "support_provider", "youth")


def home_for_shelter(vacancy: dict[str, Any] | None) -> dict[str, Any] | None:
    """The offered home as the person's shelter sees it; None when the vacancy came through another channel."""
    if vacancy is None:
        return None
    return {k: vacancy.get(k) for k in HOME_FIELDS}


def household_for_corporation(profile: dict[str, Any] | None) -> dict[str, Any] | None:
    """The household as a landlord may see it; None once the person was erased."""
    if not profile:
        return None
    return {k: profile.get(k) for k in HOUSEHOLD_FIELDS}


def answers(offer: Any, shelter: bool) -> dict[str, Any]:
    """The reasons given with the answers, as the caller's side may see them."""
    return {"rejection": ({"category": offer.rejection_category, "reason": offer.rejection_reason}
                          if offer.rejection_category else None),
            "decline": ({"category": offer.decline_category, "reason": offer.decline_reason if shelter else None}
                        if offer.decline_category else None)}


def offer_for(offer: Any, shelter: bool, vacancy: dict[str, Any] | None, profile: dict[str, Any] | None
              ) -> dict[str, Any]:
    """One offer as its shelter (``shelter``) or its corporation sees it."""
    return {"offer_id": offer.offer_id, "candidate_id": offer.candidate_id if shelter else None,
            "vacancy_id": offer.unit_id.split(":", 1)[-1], "corporation": offer.corporation, "status": offer.status,
            "priority": offer.priority if shelter else None, "explanation": offer.explanation if shelter else None,
            "passed_over": offer.passed_over or {}, "period": offer.period,
            "corporation_answer": offer.corporation_answer, "person_answer": offer.person_answer,
            **answers(offer, shelter),
            "home": home_for_shelter(vacancy) if shelter else None,
            "household": None if shelter else household_for_corporation(profile),
            "made_at": offer.made_at, "expires_at": offer.expires_at,
            # A transfer officer's decision is told to both sides as such, with its reason (issue 20).
            "decision": ({"kind": offer.decision, "reason": offer.decision_reason, "decided_by": "transfer_point"}
                         if getattr(offer, "decision", None) else None)}
