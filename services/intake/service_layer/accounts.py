"""Managing personal accounts (issue 15): an organisation (its token or its administrator) creates,
lists, disables and resets its own people; the CLI does the same for operators.

A new or reset account gets a one-time enrolment code: with it the person chooses a password and
enrols the second factor (signin.py). A disabled person's sessions end at once.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from sqlmodel import select

from contracts.vocabulary import UserRole, UserStatus
from services.intake.adapters.accounts_orm import RecoveryCode, User, UserSession
from services.intake.adapters.orm import Organisation
from services.intake.domain import accounts as rules
from services.intake.domain.errors import Forbidden, Invalid, NotFound
from services.intake.service_layer.common import audit, new_id, now
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.privacy import hash_token

#: How long an enrolment code (new account or password reset) stays usable.
ENROLMENT_VALID = timedelta(days=7)
EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,24}")


def new_enrolment_code() -> str:
    return "enr_" + secrets.token_urlsafe(24)


def user_view(u: User) -> dict[str, Any]:
    return {"user_id": u.user_id, "org_id": u.org_id, "email": u.email, "role": u.role, "status": u.status,
            "second_factor": u.totp_confirmed, "oidc_subject": u.oidc_subject, "created_at": u.created_at}


def _check_new(org: Organisation | None, email: str, role: str) -> None:
    if org is None:
        raise Invalid("no such organisation", [{"field": "org", "reason": "an existing organisation id"}])
    if not EMAIL.fullmatch(email):
        raise Invalid("bad e-mail address", [{"field": "email", "reason": "an e-mail address"}])
    if role not in {r.value for r in UserRole}:
        raise Invalid("unknown role", [{"field": "role", "reason": f"one of {', '.join(r.value for r in UserRole)}"}])
    if not rules.role_fits(role, org.role):
        raise Invalid("this role does not fit the organisation",
                      [{"field": "role", "reason": f"not a role within an organisation of role {org.role}"}])


def create_user_in(uow: IntakeUnitOfWork, org_id: str, email: str, role: str,
                   oidc_subject: str | None = None) -> tuple[User, str]:
    """A new account (status invited) and its one-time enrolment code, inside the caller's transaction."""
    email = email.strip().lower()
    _check_new(uow.session.get(Organisation, org_id), email, role)
    if uow.session.exec(select(User).where(User.email == email)).first() is not None:
        raise Invalid("this e-mail address has an account", [{"field": "email", "reason": "already in use"}])
    code = new_enrolment_code()
    user = User(user_id=new_id("usr"), org_id=org_id, email=email, role=role, status=UserStatus.INVITED,
                oidc_subject=oidc_subject, enrolment_hash=hash_token(code),
                enrolment_expires_at=now() + ENROLMENT_VALID, created_at=now())
    uow.session.add(user)
    return user, code


def create_user(uow: IntakeUnitOfWork, caller: Caller, body) -> tuple[int, dict[str, Any]]:
    if not rules.may_manage(caller.user_role, body.role):
        raise Forbidden("only a system administrator makes system administrators")
    with uow:
        user, code = create_user_in(uow, caller.org_id, body.email, body.role, body.oidc_subject)
        audit(uow, caller, "user.create", user.user_id)
        uow.commit()
        return 201, {**user_view(user), "enrolment_code": code}


def _own_user(uow: IntakeUnitOfWork, caller: Caller, user_id: str) -> User:
    user = uow.session.get(User, user_id)
    if user is None or user.org_id != caller.org_id:
        raise NotFound("no such user")
    if not rules.may_manage(caller.user_role, user.role):
        raise Forbidden("only a system administrator manages system administrators")
    return user


def list_users(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    with uow:
        rows = uow.session.exec(select(User).where(User.org_id == caller.org_id).order_by(User.email)).all()
        return {"items": [user_view(u) for u in rows]}


def end_sessions_in(uow: IntakeUnitOfWork, user_id: str) -> int:
    """End every open session of a person (sign-out everywhere, disabling, reset)."""
    rows = uow.session.exec(select(UserSession).where(UserSession.user_id == user_id,
                                                      UserSession.ended_at == None)).all()  # noqa: E711
    for s in rows:
        s.ended_at = now()
        uow.session.add(s)
    return len(rows)


def disable_user_in(uow: IntakeUnitOfWork, user: User) -> None:
    user.status, user.disabled_at = UserStatus.DISABLED, now()
    user.enrolment_hash = None
    uow.session.add(user)
    end_sessions_in(uow, user.user_id)


def disable_user(uow: IntakeUnitOfWork, caller: Caller, user_id: str) -> tuple[int, dict[str, Any]]:
    with uow:
        user = _own_user(uow, caller, user_id)
        disable_user_in(uow, user)
        audit(uow, caller, "user.disable", user.user_id)
        uow.commit()
        return 200, user_view(user)


def reset_user(uow: IntakeUnitOfWork, caller: Caller, user_id: str) -> tuple[int, dict[str, Any]]:
    """A password reset by the organisation: the person enrols anew (password and second factor) with a new
    one-time code; their sessions and recovery codes end now."""
    with uow:
        user = _own_user(uow, caller, user_id)
        if user.status == UserStatus.DISABLED:
            raise Invalid("a disabled account cannot be reset", [{"field": "user_id", "reason": "disabled"}])
        code = new_enrolment_code()
        user.password_hash, user.totp_secret, user.totp_confirmed = None, None, False
        user.status, user.failed_attempts, user.locked_until = UserStatus.INVITED, 0, None
        user.enrolment_hash, user.enrolment_expires_at = hash_token(code), now() + ENROLMENT_VALID
        uow.session.add(user)
        for rc in uow.session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.user_id)).all():
            uow.session.delete(rc)
        end_sessions_in(uow, user.user_id)
        audit(uow, caller, "user.reset", user.user_id)
        uow.commit()
        return 200, {**user_view(user), "enrolment_code": code}
