"""The intake's operations as data: every operation once, for the HTTP views, the inbound topic and /openapi.json.

The HTTP routes are registered from OPERATIONS (entrypoints/views.py), the inbound
Kafka commands are dispatched through the same entries (``command``, inbound.py), and
the OpenAPI 3.1 document is generated from the same request, query and response models
(entrypoints/openapi.py), so the three cannot drift apart. The table lives in the
service layer so both entrances only translate and dispatch.
"""
from __future__ import annotations

from contracts.vocabulary import Role
from services.intake.domain import commands as cmd
from services.intake.domain import responses as r
from services.intake.service_layer import calls, placements
from services.intake.service_layer.account_operations import ACCOUNT_OPERATIONS
from services.intake.service_layer.notification_operations import NOTIFICATION_OPERATIONS
from services.intake.service_layer.regional_operations import REGIONAL_OPERATIONS
from services.intake.service_layer.simulation_operations import SIMULATION_OPERATIONS
from services.intake.service_layer.operation_types import (AuditQuery, CandidateQuery, CursorQuery, OfferQuery,
                                                           Operation, OrganisationQuery)

SHELTER, CORPORATION, MUNICIPALITY, ADMIN = (Role.SHELTER,), (Role.CORPORATION,), (Role.MUNICIPALITY,), (Role.ADMIN,)
PARTNERS = (Role.SHELTER, Role.CORPORATION, Role.MUNICIPALITY, Role.MONITOR)

OPERATIONS: tuple[Operation, ...] = (
    Operation("POST", "/person-references", "createPersonReference", "Turn a BSN into the person reference",
              "persons", PARTNERS, calls.create_person_reference, r.PersonReference, request=cmd.PersonReferenceRequest,
              description="HTTPS only. The BSN is checked (9 digits, 11-proef) and replaced at once by a keyed "
                          "pseudonym; it is never stored. Streaming partners send only this reference on topics."),
    # candidates: shelters and other institutions people leave
    Operation("GET", "/candidates", "listCandidates", "The caller's candidates with their status", "candidates",
              SHELTER, calls.list_candidates, r.CandidateList, query=CandidateQuery, personal=True),
    Operation("POST", "/candidates", "submitCandidate", "Submit an outflow candidate", "candidates", SHELTER,
              calls.submit_candidate, r.Candidate, success=(201, 200), request=cmd.SubmitCandidate, write=True,
              idempotent=True, conflicts=True, command="candidate.submit",
              description="201: a new candidate. 200: the person is already a candidate of this organisation "
                          "with the same data (the same candidate). 409: the person is already a candidate of this "
                          "organisation with other data; nothing is changed, the problem names the fields and the "
                          "update (PUT /v1/candidates/{candidate_id}). A person already submitted by another "
                          "organisation is answered like a new one (201); the product matches the person once."),
    Operation("GET", "/candidates/{candidate_id}", "getCandidate", "One candidate with its offers", "candidates",
              SHELTER, calls.get_candidate, r.CandidateDetail, personal=True),
    Operation("GET", "/candidates/{candidate_id}/passed-over", "listPassedOver",
              "Units offered to someone less urgent, and why this candidate did not get them", "candidates",
              SHELTER, calls.list_passed_over, r.PassedOverList,
              description="The matcher records, for every offer, the more urgent candidates of the region who did "
                          "not get the unit and why (at most the 50 most urgent per offer). Only the candidate's "
                          "own shelter sees these entries; the corporation sees counts per reason on the offer.",
              personal=True),
    Operation("PUT", "/candidates/{candidate_id}", "updateCandidate", "Replace a candidate's profile", "candidates",
              SHELTER, calls.update_candidate, r.Candidate, request=cmd.UpdateCandidate, write=True, idempotent=True,
              conflicts=True, command="candidate.update", target="candidate_id"),
    Operation("POST", "/candidates/{candidate_id}/withdrawal", "withdrawCandidate", "Withdraw a candidate",
              "candidates", SHELTER, calls.withdraw_candidate, r.Candidate, request=cmd.WithReason, write=True,
              idempotent=True, conflicts=True, command="candidate.withdraw", target="candidate_id"),
    # vacancies: housing corporations
    Operation("GET", "/vacancies", "listVacancies", "The caller's vacancies", "vacancies", CORPORATION,
              calls.list_vacancies, r.VacancyList),
    Operation("POST", "/vacancies", "publishVacancy", "Publish (or re-publish) a vacancy of any kind", "vacancies",
              CORPORATION, calls.publish_vacancy, r.Vacancy, success=(201, 200), request=cmd.PublishVacancy,
              write=True, idempotent=True, command="vacancy.publish",
              description="Regular (priority allocation), flex (with available_until), shared (places >= 2), "
                          "Housing First, transformation or new build. 200 when the unit was published before."),
    Operation("GET", "/vacancies/{vacancy_id}", "getVacancy", "One of the caller's vacancies", "vacancies",
              CORPORATION, calls.get_vacancy, r.Vacancy),
    Operation("POST", "/vacancies/{vacancy_id}/withdrawal", "withdrawVacancy", "Withdraw a vacancy", "vacancies",
              CORPORATION, calls.withdraw_vacancy, r.Vacancy, request=cmd.WithReason, write=True, idempotent=True,
              conflicts=True, command="vacancy.withdraw", target="vacancy_id"),
    # municipalities
    Operation("GET", "/agreements", "listAgreements", "The caller's prestatieafspraken, with their counters",
              "municipalities", (Role.MUNICIPALITY, Role.CORPORATION), calls.list_agreements, r.AgreementList,
              description="A municipality reads its own agreements, a corporation the agreements it is party to "
                          "(with any municipality). Counters are exact: committed, used (registered used plus "
                          "placements confirmed through this product), held by open offers, remaining. An offer "
                          "counts in the year of the later of the home's available_from and the matching "
                          "round's date (Europe/Amsterdam)."),
    Operation("POST", "/agreements", "registerAgreement", "Register a prestatieafspraak for the own municipality",
              "municipalities", MUNICIPALITY, calls.register_agreement, r.Agreement, success=(201,),
              request=cmd.RegisterAgreement, write=True, idempotent=True, conflicts=True, command="agreement.register"),
    Operation("GET", "/neighbourhood-limits", "listNeighbourhoodLimits",
              "The caller's neighbourhood limits, with their counters", "municipalities", MUNICIPALITY,
              calls.list_neighbourhood_limits, r.NeighbourhoodLimitList,
              description="Counters as for agreements: committed, used, held by open offers, remaining."),
    Operation("POST", "/neighbourhood-limits", "setNeighbourhoodLimit",
              "Set the placement limit of a neighbourhood of the own municipality (draagkracht)", "municipalities",
              MUNICIPALITY, calls.set_neighbourhood_limit, r.NeighbourhoodLimit, success=(201,),
              request=cmd.SetNeighbourhoodLimit, write=True, idempotent=True, conflicts=True,
              command="neighbourhood-limit.set"),
    # offers
    Operation("GET", "/offers", "listOffers", "Offers to the caller's candidates or on the caller's units",
              "offers", ("shelter", "corporation"), calls.list_offers, r.OfferList, query=OfferQuery, personal=True),
    Operation("GET", "/offers/{offer_id}", "getOffer", "One offer", "offers", ("shelter", "corporation"),
              calls.get_offer, r.Offer, personal=True),
    Operation("POST", "/offers/{offer_id}/confirmation", "confirmOffer", "The corporation confirms the offer",
              "offers", CORPORATION, calls.confirm_offer, r.Offer, request=None, write=True,
              idempotent=True, conflicts=True, command="offer.confirm", target="offer_id"),
    Operation("POST", "/offers/{offer_id}/rejection", "rejectOffer", "The corporation rejects the offer (reason)",
              "offers", CORPORATION, calls.reject_offer, r.Offer, request=cmd.Rejection, write=True,
              idempotent=True, conflicts=True, command="offer.reject", target="offer_id"),
    Operation("POST", "/offers/{offer_id}/acceptance", "acceptOffer", "The person accepts the offer", "offers",
              SHELTER, calls.accept_offer, r.Offer, request=None, write=True, idempotent=True, conflicts=True,
              command="offer.accept", target="offer_id"),
    Operation("POST", "/offers/{offer_id}/decline", "declineOffer", "The person declines the offer (reason)",
              "offers", SHELTER, calls.decline_offer, r.Offer, request=cmd.Decline, write=True,
              idempotent=True, conflicts=True, command="offer.decline", target="offer_id"),
    # monitoring sources: placements for the ledger
    Operation("GET", "/placement-reports", "listPlacementReports", "The caller's placement reports", "placements",
              placements.REPORTERS, calls.list_placement_reports, r.PlacementReportList),
    Operation("POST", "/placement-reports", "reportPlacement", "Report a realised placement", "placements",
              placements.REPORTERS, calls.report_placement, r.PlacementReport, success=(201, 200),
              request=cmd.ReportPlacement, write=True, idempotent=True, conflicts=True, command="placement.report",
              description="By a municipality's monitor, a corporation's monitor or a national source (flex "
                          "registry). The ledger counts each person once across all sources."),
    Operation("POST", "/placement-reports/{report_id}/retraction", "retractPlacement", "Retract an own report",
              "placements", placements.REPORTERS, calls.retract_placement, r.PlacementReport,
              request=cmd.RetractPlacement, write=True, idempotent=True, command="placement.retract",
              target="report_id"),
    Operation("POST", "/placement-endings", "endPlacement", "Report that a person left a home", "placements",
              placements.REPORTERS, calls.end_placement, r.PlacementEnding, success=(202,), request=cmd.EndPlacement,
              write=True, idempotent=True, command="placement.end"),
    Operation("POST", "/placement-totals", "reportPlacementTotals", "Report totals without persons", "placements",
              placements.REPORTERS, calls.report_placement_totals, r.PlacementTotals, success=(202,),
              request=cmd.ReportPlacementTotals, write=True, idempotent=True, command="placement-totals.report"),
    # look-ups: the ids other operations take
    Operation("GET", "/organisations", "listOrganisations", "Organisations of the caller's region, by name and id",
              "organisations", (Role.MUNICIPALITY, Role.CORPORATION), calls.list_organisations,
              r.OrganisationList, query=OrganisationQuery, conflicts=True,
              description="A municipality looks up the corporations, shelters and municipalities of its own "
                          "region (e.g. a corporation's id for registering an agreement); a corporation looks up "
                          "the municipalities of its region. Id, name, role, municipality and region only; "
                          "never another region, never monitors, ministries or administrators. 403 for a role "
                          "the caller may not look up; 409 when the caller has no region on record."),
    # hearing back
    Operation("GET", "/changes", "listChanges", "What changed for the caller, after a cursor", "changes", (),
              calls.list_changes, r.ChangePage, query=CursorQuery,
              description="The same entries as the caller's messages on housing.outbound.v1 (key = org id)."),
    Operation("GET", "/audit-entries", "listAuditEntries", "Who did what to which record, when (no personal data)",
              "audit", ADMIN, calls.list_audit_entries, r.AuditPage, query=AuditQuery),
)

# Issue 15: people of an organisation and the transfer point's view, from their own module.
OPERATIONS += ACCOUNT_OPERATIONS
# Issue 18: webhooks and a person's notification settings.
OPERATIONS += NOTIFICATION_OPERATIONS
# Issue 20: region policies, support providers' room, the transfer point's decisions.
OPERATIONS += REGIONAL_OPERATIONS
# Issue 21: municipalities' simulation jobs.
OPERATIONS += SIMULATION_OPERATIONS

COMMANDS: dict[str, Operation] = {op.command: op for op in OPERATIONS if op.command}
