"""The operations of issue 20 in the one operation table (operations.py appends these): a central municipality
registers its region's policy, a support provider states its room, the transfer point decides.

None is a command on the inbound topic: these are people's decisions over HTTPS (and the screens).
"""
from __future__ import annotations

from typing import Any

from contracts.vocabulary import Role
from services.intake.domain import regional_models as m
from services.intake.service_layer import region_policies, review
from services.intake.service_layer.common import Result
from services.intake.service_layer.operation_types import Call, Operation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

TRANSFER_POINT = (Role.TRANSFER_POINT,)


def list_region_policies(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return region_policies.list_policies(uow, call.caller)


def register_region_policy(call: Call, uow: IntakeUnitOfWork) -> Result:
    return region_policies.register_policy(uow, call.caller, call.body)


def list_support_capacity(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return region_policies.list_capacity(uow, call.caller)


def set_support_capacity(call: Call, uow: IntakeUnitOfWork) -> Result:
    return region_policies.set_capacity(uow, call.caller, call.body)


def list_proposals(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return review.list_proposals(uow, call.caller)


def approve_proposal(call: Call, uow: IntakeUnitOfWork) -> Result:
    return review.decide_proposal(uow, call.caller, call.params["offer_id"], "approve", call.body)


def set_aside_proposal(call: Call, uow: IntakeUnitOfWork) -> Result:
    return review.decide_proposal(uow, call.caller, call.params["offer_id"], "set_aside", call.body)


def list_manual_matches(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return review.list_manual_matches(uow, call.caller)


def match_by_hand(call: Call, uow: IntakeUnitOfWork) -> Result:
    return review.manual_match(uow, call.caller, call.body)


def hold_vacancy(call: Call, uow: IntakeUnitOfWork) -> Result:
    return review.hold(uow, call.caller, call.body)


def lift_parking(call: Call, uow: IntakeUnitOfWork) -> Result:
    return review.lift_parking(uow, call.caller, call.params["candidate_id"], call.body)


_REASON = "Each decision takes a reason, which the shelter and the corporation read as the transfer point's own."

REGIONAL_OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/region-policies", "listRegionPolicies", "The region's policy versions and the one in force",
              "regional-policy", (Role.MUNICIPALITY, Role.TRANSFER_POINT), list_region_policies, m.RegionPolicyList,
              conflicts=True,
              description="Every version the central municipality registered for the caller's region, oldest "
                          "first, and the version in force today. The matcher applies, at each round's event time, "
                          "the version with the latest effective_from reached (of several, the highest version)."),
    Operation("POST", "/region-policies", "registerRegionPolicy",
              "Register the region's policy from a date on (central municipality)", "regional-policy",
              (Role.MUNICIPALITY,), register_region_policy, m.RegionPolicy, success=(201,),
              request=m.RegisterRegionPolicy, write=True, conflicts=True,
              description="Any field of the matching policy (the solver's policy format): priority weights, rooms "
                          "rule, affordability limits, exit bonus, transfer-point review (`review.enabled`, "
                          "`review.flag_after_working_days`) and refusals (`refusals.max_declines`, `window_days`, "
                          "`park_days`, `valid_categories`). Fields not given keep the product's default. 403 "
                          "unless the caller is its region's central municipality; 400 names each invalid field "
                          "by its path, never its value."),
    Operation("GET", "/support-capacity", "listSupportCapacity", "The support provider's room per period",
              "support-providers", (Role.SUPPORT_PROVIDER,), list_support_capacity, m.SupportCapacityList),
    Operation("POST", "/support-capacity", "setSupportCapacity", "State the room for new clients in a period",
              "support-providers", (Role.SUPPORT_PROVIDER,), set_support_capacity, m.SupportCapacity,
              success=(201, 200), request=m.SetSupportCapacity, write=True,
              description="Shared by every region the provider works in. A candidate whose shelter names the "
                          "provider (`support_provider_id`) is offered a home only while the provider has room; "
                          "open offers (and proposals waiting for review) hold it, placements use it."),
    Operation("GET", "/transfer-point/proposals", "listProposals", "The region's proposals under review",
              "transfer-point", TRANSFER_POINT, list_proposals, m.ProposalList, personal=True,
              description="With review on (the region's policy), a round's proposals wait here: approve one (the "
                          "offer goes out) or set it aside. `overdue` once it waited longer than the region's "
                          "review time in working days (event time; also in the change feed: proposal.overdue)."),
    Operation("POST", "/transfer-point/proposals/{offer_id}/approval", "approveProposal",
              "Approve a proposal: the offer goes out", "transfer-point", TRANSFER_POINT, approve_proposal,
              m.DecisionTaken, request=m.Decision, write=True, conflicts=True, description=_REASON),
    Operation("POST", "/transfer-point/proposals/{offer_id}/setting-aside", "setAsideProposal",
              "Set a proposal aside: that pair is not proposed again", "transfer-point", TRANSFER_POINT,
              set_aside_proposal, m.DecisionTaken, request=m.Decision, write=True, conflicts=True,
              description=_REASON),
    Operation("GET", "/transfer-point/manual-matches", "listManualMatches",
              "The transfer point's manual matches and their outcome", "transfer-point", TRANSFER_POINT,
              list_manual_matches, m.ManualMatchList, personal=True),
    Operation("POST", "/transfer-point/manual-matches", "matchByHand",
              "Match a home to a named waiting candidate by hand", "transfer-point", TRANSFER_POINT, match_by_hand,
              m.DecisionTaken, success=(202,), request=m.ManualMatch, write=True, conflicts=True,
              description="The next round makes the offer as the solver's fixed pair, never beyond the unit's "
                          "places, an agreement, a neighbourhood limit, a provider's room or the region's "
                          "eligibility rules; a match that breaks one is refused with the rule "
                          "(listManualMatches, change feed manual-match.refused). " + _REASON),
    Operation("POST", "/transfer-point/holds", "holdVacancy", "Hold a home: not offered until a date",
              "transfer-point", TRANSFER_POINT, hold_vacancy, m.DecisionTaken, success=(202,), request=m.Hold,
              write=True, conflicts=True, description="Waiting proposals on the home are withdrawn; the "
                                                      "corporation hears vacancy.held. " + _REASON),
    Operation("POST", "/transfer-point/candidates/{candidate_id}/parking-lift", "liftParking",
              "Lift a candidate's parking after refusals", "transfer-point", TRANSFER_POINT, lift_parking,
              m.DecisionTaken, request=m.Decision, write=True, conflicts=True,
              description="Declines before the lifting no longer count. " + _REASON),
)
