"""Personal accounts (issue 15), the pure rules: which role a person may hold in which organisation,
what each role narrows the organisation's operations to, throttling after failed sign-ins, and when
a session has run out.

A person never does more than their organisation's token may: the operation's own check of the
organisation's role and ownership runs first, this narrowing comes on top.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from contracts.vocabulary import Role, UserRole

#: The organisation roles each person role belongs to (org_admin: any organisation).
ROLE_HOME: dict[UserRole, frozenset[Role]] = {
    UserRole.CASE_WORKER: frozenset({Role.SHELTER}),
    UserRole.ALLOCATION_OFFICER: frozenset({Role.CORPORATION}),
    UserRole.POLICY_OFFICER: frozenset({Role.MUNICIPALITY}),
    UserRole.TRANSFER_OFFICER: frozenset({Role.TRANSFER_POINT}),
    UserRole.SUPPORT_COORDINATOR: frozenset({Role.SUPPORT_PROVIDER}),
    UserRole.ANALYST: frozenset({Role.MINISTRY}),
    UserRole.ORG_ADMIN: frozenset(Role),
    UserRole.SYSTEM_ADMIN: frozenset({Role.ADMIN}),
}

#: The operation tags (operations.py) each person role may use; "users" is account management.
ROLE_TAGS: dict[UserRole, frozenset[str]] = {
    UserRole.CASE_WORKER: frozenset({"persons", "candidates", "offers", "changes"}),
    # "municipalities": a corporation reads the agreements it is party to (the writes are the municipality's).
    UserRole.ALLOCATION_OFFICER: frozenset({"persons", "vacancies", "offers", "placements", "organisations",
                                            "municipalities", "changes"}),
    UserRole.POLICY_OFFICER: frozenset({"persons", "municipalities", "regional-policy", "simulations",
                                        "placements", "organisations", "changes"}),
    UserRole.TRANSFER_OFFICER: frozenset({"transfer-point", "regional-policy", "changes"}),
    UserRole.SUPPORT_COORDINATOR: frozenset({"support-providers", "changes"}),
    UserRole.ANALYST: frozenset(),  # the ministry reads aggregates at the ledger, nothing here
    # An organisation's administrator manages its people and reads no client's data (nor the change feed).
    UserRole.ORG_ADMIN: frozenset({"users"}),
    UserRole.SYSTEM_ADMIN: frozenset({"users", "audit"}),
}


# Issue 18: everyone sets their own e-mail notifications; administrators manage the organisation's webhooks.
ROLE_TAGS = {role: tags | {"notification-settings"}
             | ({"webhooks"} if role in (UserRole.ORG_ADMIN, UserRole.SYSTEM_ADMIN) else frozenset())
             for role, tags in ROLE_TAGS.items()}


def role_fits(user_role: str, org_role: str) -> bool:
    """Whether a person of this role may belong to an organisation of that role."""
    try:
        return Role(org_role) in ROLE_HOME[UserRole(user_role)]
    except ValueError:
        return False


def may_use(user_role: str, tag: str) -> bool:
    """Whether a person of this role may use operations of this tag (on top of the organisation's checks)."""
    try:
        return tag in ROLE_TAGS[UserRole(user_role)]
    except ValueError:
        return False


def may_manage(manager_role: str | None, target_role: str) -> bool:
    """Only a system administrator makes system administrators; an organisation's own token or admin the rest."""
    return target_role != UserRole.SYSTEM_ADMIN or manager_role in (None, UserRole.SYSTEM_ADMIN)


# --- throttling after failed sign-ins ----------------------------------------------------

#: Wrong passwords or codes allowed before the account is locked for a while.
FREE_ATTEMPTS = 5
#: The first lock; every further failure doubles it, up to MAX_LOCK.
FIRST_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(hours=1)
#: Every refusal waits this long before it is answered, so guessing is slow even below the lock.
FAILURE_DELAY_S = 0.5


def locked_until(failures: int, at: datetime) -> datetime | None:
    """When an account with this many consecutive failures may try again (None: not locked)."""
    if failures < FREE_ATTEMPTS:
        return None
    return at + min(FIRST_LOCK * (2 ** (failures - FREE_ATTEMPTS)), MAX_LOCK)


# --- sessions ----------------------------------------------------------------------------

IDLE_TIMEOUT = timedelta(minutes=15)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
#: Between password and second factor, or while at the identity provider.
PENDING_TIMEOUT = timedelta(minutes=10)


def session_alive(created_at: datetime, last_seen_at: datetime, now: datetime, pending: bool = False) -> bool:
    if pending:
        return now - created_at < PENDING_TIMEOUT
    return now - last_seen_at < IDLE_TIMEOUT and now - created_at < ABSOLUTE_TIMEOUT


#: Shortest password the embedded sign-in takes (NIST SP 800-63B: at least 8; we ask more, no other rules).
MIN_PASSWORD = 12
MAX_PASSWORD = 200
