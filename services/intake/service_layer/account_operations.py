"""The operations of issue 15 in the one operation table (operations.py appends these): an organisation
manages its own people, and a transfer point reads its region's waiting candidates.

Any organisation's token may manage its people; of its people only administrators may (the narrowing by
person role, domain/accounts.py). None of these is a command on the inbound topic.
"""
from __future__ import annotations

from typing import Any

from contracts.vocabulary import Role
from services.intake.domain import account_models as m
from services.intake.service_layer import accounts, transfer_point
from services.intake.service_layer.common import Result
from services.intake.service_layer.operation_types import Call, Operation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def list_users(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return accounts.list_users(uow, call.caller)


def create_user(call: Call, uow: IntakeUnitOfWork) -> Result:
    return accounts.create_user(uow, call.caller, call.body)


def disable_user(call: Call, uow: IntakeUnitOfWork) -> Result:
    return accounts.disable_user(uow, call.caller, call.params["user_id"])


def reset_user(call: Call, uow: IntakeUnitOfWork) -> Result:
    return accounts.reset_user(uow, call.caller, call.params["user_id"])


def list_region_candidates(call: Call, uow: IntakeUnitOfWork) -> dict[str, Any]:
    return transfer_point.region_candidates(uow, call.caller)


ACCOUNT_OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/users", "listUsers", "The caller's organisation's people", "users", (), list_users,
              m.UserList),
    Operation("POST", "/users", "createUser", "Create a personal account in the caller's organisation", "users",
              (), create_user, m.UserWithCode, success=(201,), request=m.CreateUser, write=True,
              shown_once=("enrolment_code",),
              description="Answers a one-time enrolment code (valid 7 days) with which the person chooses a "
                          "password and enrols a second factor at /inschrijven. With `oidc_subject` the person "
                          "can also sign in at the organisation's OpenID provider. No account is ever created "
                          "by signing in."),
    Operation("POST", "/users/{user_id}/disabling", "disableUser", "Disable a person's account; their sessions "
              "end at once", "users", (), disable_user, m.User, write=True),
    Operation("POST", "/users/{user_id}/password-reset", "resetUserPassword",
              "Reset a person's password and second factor: answers a new enrolment code", "users", (), reset_user,
              m.UserWithCode, write=True, conflicts=False, shown_once=("enrolment_code",)),
    Operation("GET", "/transfer-point/candidates", "listRegionCandidates",
              "The waiting candidates of the transfer point's region, pseudonymous", "transfer-point",
              (Role.TRANSFER_POINT,), list_region_candidates, m.RegionCandidateList, personal=True,
              description="Candidate id, shelter, household, support level, days waiting, urgency components and "
                          "exit date of every waiting candidate of the caller's own region; never a BSN, person "
                          "reference, name or free text. Every candidate shown is audited as read."),
)
