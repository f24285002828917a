"""Words every part of the product shares: the services, as one enum instead of bare strings."""
from __future__ import annotations

from enum import StrEnum


class Service(StrEnum):
    """The three services, and the simulation worker (issue 21): they talk only through the topics of
    contracts/topics.py."""

    INTAKE = "intake"
    MATCHER = "matcher"
    LEDGER = "ledger"
    #: runs municipalities' what-if jobs with the matcher's own code (services/system/simulation_worker.py)
    SIMULATION = "simulation"


class Role(StrEnum):
    """What an organisation is to the product; its API tokens act in this role."""

    SHELTER = "shelter"            # shelters and other institutions people leave (youth care, clinics …)
    CORPORATION = "corporation"    # housing corporations
    MUNICIPALITY = "municipality"  # central and regional municipalities
    MINISTRY = "ministry"
    ADMIN = "admin"
    MONITOR = "monitor"            # monitoring sources that report placements
    TRANSFER_POINT = "transfer_point"  # a region's transfer point: sees the region's waiting candidates, pseudonymously
    SUPPORT_PROVIDER = "support_provider"  # ambulant support: states its room for new clients per period


class UserRole(StrEnum):
    """What a person is within their organisation (issue 15): narrows what the organisation may do."""

    CASE_WORKER = "case_worker"                # shelter
    ALLOCATION_OFFICER = "allocation_officer"  # corporation
    POLICY_OFFICER = "policy_officer"          # municipality
    TRANSFER_OFFICER = "transfer_officer"      # transfer point
    SUPPORT_COORDINATOR = "support_coordinator"  # support provider: states its room for new clients
    ANALYST = "analyst"                        # ministry
    ORG_ADMIN = "org_admin"                    # any organisation: manages its own users
    SYSTEM_ADMIN = "system_admin"              # the operators' organisation (role admin)


class UserStatus(StrEnum):
    """A personal account's state: invited until it has a password and a second factor."""

    INVITED = "invited"
    ACTIVE = "active"
    DISABLED = "disabled"


class CandidateStatus(StrEnum):
    """A submission's status, as the intake shows it to its shelter."""

    WAITING = "waiting"
    OFFERED = "offered"
    PLACED = "placed"
    WITHDRAWN = "withdrawn"
    HOUSED_ELSEWHERE = "housed_elsewhere"  # placed through another organisation's submission of the person


class OfferStatus(StrEnum):
    """An offer's status, as partners see it."""

    OPEN = "open"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    DECLINED = "declined"
    PLACED = "placed"


class VacancyStatus(StrEnum):
    """A published unit's status, as its corporation sees it: open -> offered -> let, or withdrawn.

    ``offered`` while an offer on it is open; ``let`` once placements were confirmed for all its places;
    back to ``open`` when an offer closes without a placement and a place is left.
    """

    OPEN = "open"
    OFFERED = "offered"
    LET = "let"
    WITHDRAWN = "withdrawn"


#: Submissions the matcher still works with (the intake and the matcher mean the same by it).
STILL_MATCHABLE: tuple[str, ...] = (CandidateStatus.WAITING.value, CandidateStatus.OFFERED.value)
