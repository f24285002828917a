"""What each operation of the table (operations.py) runs: one function per operation, named after its operationId.

Each takes the parsed, authenticated call and a unit of work, and hands the call's parts to the
subject's handler (candidates, vacancies, agreements, offers, placements, feed), which checks the
caller's role and ownership. The HTTP views and the inbound Kafka commands both run these.
"""
from __future__ import annotations

from typing import Any

from services.intake.service_layer import agreements, candidates, common, directory, feed, offers, placements, vacancies
from services.intake.service_layer.common import Result
from services.intake.service_layer.operation_types import Call
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def create_person_reference(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return {"person_ref": common.person_ref_for(call.body.bsn, call.secret)}


# --- candidates -----------------------------------------------------------------------

def list_candidates(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return candidates.list_candidates(uow, call.caller, call.query.status)


def submit_candidate(call: Call, uow: IntakeUnitOfWork) -> Result:
    return candidates.submit_candidate(uow, call.caller, call.body, call.secret, call.channel)


def get_candidate(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return candidates.get_candidate(uow, call.caller, call.params["candidate_id"])


def list_passed_over(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return candidates.list_passed_over(uow, call.caller, call.params["candidate_id"])


def update_candidate(call: Call, uow: IntakeUnitOfWork) -> Result:
    return candidates.update_candidate(uow, call.caller, call.params["candidate_id"], call.body, call.channel)


def withdraw_candidate(call: Call, uow: IntakeUnitOfWork) -> Result:
    return candidates.withdraw_candidate(uow, call.caller, call.params["candidate_id"], call.body, call.channel)


# --- vacancies ------------------------------------------------------------------------

def list_vacancies(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return vacancies.list_vacancies(uow, call.caller)


def publish_vacancy(call: Call, uow: IntakeUnitOfWork) -> Result:
    return vacancies.publish_vacancy(uow, call.caller, call.body, call.channel)


def get_vacancy(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return vacancies.get_vacancy(uow, call.caller, call.params["vacancy_id"])


def withdraw_vacancy(call: Call, uow: IntakeUnitOfWork) -> Result:
    return vacancies.withdraw_vacancy(uow, call.caller, call.params["vacancy_id"], call.body, call.channel)


# --- municipalities: agreements and neighbourhood limits ------------------------------

def list_agreements(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return agreements.list_agreements(uow, call.caller, "agreement")


def register_agreement(call: Call, uow: IntakeUnitOfWork) -> Result:
    return agreements.register_agreement(uow, call.caller, call.body, call.channel)


def list_neighbourhood_limits(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return agreements.list_agreements(uow, call.caller, "limit")


def set_neighbourhood_limit(call: Call, uow: IntakeUnitOfWork) -> Result:
    return agreements.set_neighbourhood_limit(uow, call.caller, call.body, call.channel)


# --- offers ---------------------------------------------------------------------------

def list_offers(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return offers.list_offers(uow, call.caller, call.query.status)


def get_offer(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return offers.get_offer(uow, call.caller, call.params["offer_id"])


def _answer_offer(call: Call, uow: IntakeUnitOfWork, answer: str) -> Result:
    """One of the four answers (offers.ANSWERS); confirmation and acceptance have no body, hence no reason."""
    return offers.answer_offer(uow, call.caller, call.params["offer_id"], answer,
                               getattr(call.body, "reason", None), call.channel, getattr(call.body, "category", None))


def confirm_offer(call: Call, uow: IntakeUnitOfWork) -> Result:
    return _answer_offer(call, uow, "confirmation")


def reject_offer(call: Call, uow: IntakeUnitOfWork) -> Result:
    return _answer_offer(call, uow, "rejection")


def accept_offer(call: Call, uow: IntakeUnitOfWork) -> Result:
    return _answer_offer(call, uow, "acceptance")


def decline_offer(call: Call, uow: IntakeUnitOfWork) -> Result:
    return _answer_offer(call, uow, "decline")


# --- placements for the ledger --------------------------------------------------------

def list_placement_reports(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return placements.list_placement_reports(uow, call.caller)


def report_placement(call: Call, uow: IntakeUnitOfWork) -> Result:
    return placements.report_placement(uow, call.caller, call.body, call.secret, call.channel)


def retract_placement(call: Call, uow: IntakeUnitOfWork) -> Result:
    return placements.retract_placement(uow, call.caller, call.params["report_id"], call.body, call.channel)


def end_placement(call: Call, uow: IntakeUnitOfWork) -> Result:
    return placements.end_placement(uow, call.caller, call.body, call.secret, call.channel)


def report_placement_totals(call: Call, uow: IntakeUnitOfWork) -> Result:
    return placements.report_totals(uow, call.caller, call.body, call.channel)


# --- look-ups -------------------------------------------------------------------------

def list_organisations(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return directory.list_organisations(uow, call.caller, call.query.role)


# --- hearing back ---------------------------------------------------------------------

def list_changes(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return feed.changes(uow, call.caller, call.query.cursor, call.query.limit)


def list_audit_entries(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return feed.audit_entries(uow, call.caller, call.query.cursor, call.query.limit, call.query.organisation)
