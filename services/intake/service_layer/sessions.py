"""Browser sessions (issue 15), kept server-side in the database: the cookie holds only a random id,
whose SHA-256 is the row's key. A session signs in anew with a fresh id (the pending one ends), ends after
15 idle minutes or 12 hours in all, and ends at once when its person is disabled.
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlmodel import delete

from contracts.vocabulary import UserStatus
from services.intake.adapters.accounts_orm import User, UserSession
from services.intake.adapters.orm import Organisation
from services.intake.domain import accounts as rules
from services.intake.domain.errors import Unauthenticated
from services.intake.service_layer.accounts import end_sessions_in
from services.intake.service_layer.common import audit, now
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.privacy import hash_token

SECOND_FACTOR, OIDC, SIGNED_IN = "second_factor", "oidc", "signed_in"
#: How long a session row stays after its absolute timeout (for looking into a sign-in the day after).
PURGE_AFTER = timedelta(hours=12)


def start(uow: IntakeUnitOfWork, stage: str, user_id: str | None = None, data: dict[str, Any] | None = None
          ) -> tuple[str, str]:
    """A new session; returns (session id for the cookie, its CSRF token)."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with uow:
        at = now()
        uow.session.add(UserSession(session_hash=hash_token(sid), user_id=user_id, stage=stage, csrf_token=csrf,
                                    data=data or {}, created_at=at, last_seen_at=at))
        uow.commit()
    return sid, csrf


def pending(uow: IntakeUnitOfWork, sid: str | None, stage: str) -> UserSession:
    """An unfinished sign-in of this stage (between password and code, or at the identity provider)."""
    with uow:
        row = uow.session.get(UserSession, hash_token(sid)) if sid else None
        if row is None or row.stage != stage or row.ended_at is not None or \
                not rules.session_alive(row.created_at, row.last_seen_at, now(), pending=True):
            raise Unauthenticated("the sign-in has expired; start again")
        return row


def sign_in(uow: IntakeUnitOfWork, pending_sid: str | None, user_id: str, how: str) -> tuple[str, str]:
    """End the pending session and start a signed-in one with a fresh id (no session fixation)."""
    with uow:
        if pending_sid:
            old = uow.session.get(UserSession, hash_token(pending_sid))
            if old is not None:
                old.ended_at = now()
                uow.session.add(old)
        user = uow.session.get(User, user_id)
        audit(uow, caller_for(uow, user), f"signin.{how}", user.user_id, channel="web")
        # Sessions past any timeout are of no use to anyone: each sign-in clears those of the day before.
        stale = now() - rules.ABSOLUTE_TIMEOUT - PURGE_AFTER
        uow.session.exec(delete(UserSession).where(UserSession.created_at < stale))
        uow.commit()
    return start(uow, SIGNED_IN, user_id)


def caller_for(uow: IntakeUnitOfWork, user: User) -> Caller:
    org = uow.session.get(Organisation, user.org_id)
    return Caller(org.org_id, org.role, org.municipality, org.region, user_id=user.user_id, user_role=user.role)


def authenticate(uow: IntakeUnitOfWork, sid: str) -> tuple[Caller, str]:
    """The signed-in person of a session cookie, and the session's CSRF token; the session's idle clock restarts."""
    with uow:
        row = uow.session.get(UserSession, hash_token(sid))
        if row is None or row.stage != SIGNED_IN or row.ended_at is not None:
            raise Unauthenticated("not signed in")
        user = uow.session.get(User, row.user_id)
        at = now()
        if user is None or user.status != UserStatus.ACTIVE or \
                not rules.session_alive(row.created_at, row.last_seen_at, at):
            row.ended_at = at
            uow.session.add(row)
            uow.commit()
            raise Unauthenticated("the session has ended; sign in again")
        row.last_seen_at = at
        uow.session.add(row)
        uow.commit()
        return caller_for(uow, user), row.csrf_token


def sign_out(uow: IntakeUnitOfWork, sid: str, everywhere: bool = False) -> None:
    with uow:
        row = uow.session.get(UserSession, hash_token(sid))
        if row is None or row.user_id is None:
            return
        if everywhere:
            end_sessions_in(uow, row.user_id)
        elif row.ended_at is None:
            row.ended_at = now()
            uow.session.add(row)
        user = uow.session.get(User, row.user_id)
        audit(uow, caller_for(uow, user), "signout.everywhere" if everywhere else "signout", user.user_id,
              channel="web")
        uow.commit()
