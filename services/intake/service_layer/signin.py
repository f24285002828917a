"""The embedded sign-in (issue 15): enrolment with a one-time code (password, then the TOTP second factor
and recovery codes), and sign-in with password and code, throttled after failed attempts.

Every person enrols a second factor: every role but the ministry's analysts and the administrators can
see personal data, and one rule for all leaves no account without one by mistake.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import select

from contracts.vocabulary import UserStatus
from services.intake.adapters.accounts_orm import RecoveryCode, User
from services.intake.domain import accounts as rules
from services.intake.domain.errors import IntakeError, Invalid, Unauthenticated
from services.intake.service_layer.common import now
from services.intake.service_layer.organisations import secret_box
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.privacy import hash_token

#: argon2id with argon2-cffi's defaults (RFC 9106's second recommended setting: 64 MiB, 3 passes).
hasher = PasswordHasher()
#: Compared against when the e-mail address is unknown, so an unknown address costs as much time as a known one.
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))
RECOVERY_CODES = 10
ISSUER_NAME = "housing-match"


class Throttled(IntakeError):
    status = 429
    title = "Too many attempts"

    def __init__(self, until: datetime) -> None:
        super().__init__("too many failed attempts; try again later")
        self.retry_after_s = max(1, int((until - now()).total_seconds()) + 1)


@dataclass(frozen=True)
class Enrolment:
    user_id: str
    secret: str
    uri: str


def _box():
    return secret_box(b"intake/totp-secret/v1")


def _accept_code(user: User, code: str) -> bool:
    """A code of the person's authenticator for now or the step before or after (clock drift), used once:
    a code seen before, or one older than the last accepted, is refused (RFC 6238, section 5.2)."""
    if not (len(code) == 6 and code.isdigit()):
        return False
    totp = pyotp.TOTP(_box().decrypt(user.totp_secret.encode()).decode())
    at = now()
    for drift in (-1, 0, 1):
        step = totp.timecode(at) + drift
        if secrets.compare_digest(totp.generate_otp(step), code) and step > (user.totp_last_step or -1):
            user.totp_last_step = step
            return True
    return False


def _refuse(uow: IntakeUnitOfWork, user: User) -> None:
    """Count a failure (committed, whatever the caller does next) and refuse."""
    user.failed_attempts += 1
    user.locked_until = rules.locked_until(user.failed_attempts, now())
    uow.session.add(user)
    uow.commit()
    raise Unauthenticated("wrong e-mail address, password or code")


def _check_lock(user: User) -> None:
    if user.locked_until is not None and user.locked_until > now():
        raise Throttled(user.locked_until)


def check_password(uow: IntakeUnitOfWork, email: str, password: str) -> str:
    """The user id of an active person whose password this is; a second factor must follow."""
    with uow:
        user = uow.session.exec(select(User).where(User.email == email.strip().lower()[:254])).first()
        if user is None or user.password_hash is None or user.status != UserStatus.ACTIVE:
            try:
                hasher.verify(_DUMMY_HASH, password[:rules.MAX_PASSWORD])
            except VerificationError:
                pass
            raise Unauthenticated("wrong e-mail address, password or code")
        _check_lock(user)
        try:
            hasher.verify(user.password_hash, password[:rules.MAX_PASSWORD])
        except (VerificationError, InvalidHashError):
            _refuse(uow, user)
        return user.user_id


def check_second_factor(uow: IntakeUnitOfWork, user_id: str, code: str) -> None:
    """A TOTP code of the person's authenticator, or one of their unused recovery codes (used up by this)."""
    code = code.strip().replace(" ", "")[:40]
    with uow:
        user = uow.session.get(User, user_id)
        if user is None or user.status != UserStatus.ACTIVE or not user.totp_confirmed:
            raise Unauthenticated("this account cannot sign in")
        _check_lock(user)
        if not _accept_code(user, code):
            spare = uow.session.get(RecoveryCode, hash_token(code))
            if spare is None or spare.user_id != user.user_id or spare.used_at is not None:
                _refuse(uow, user)
            spare.used_at = now()
            uow.session.add(spare)
        user.failed_attempts, user.locked_until = 0, None
        uow.session.add(user)
        uow.commit()


def _invited_by_code(uow: IntakeUnitOfWork, enrolment_code: str) -> User:
    user = uow.session.exec(select(User).where(User.enrolment_hash == hash_token(enrolment_code))).first()
    if user is None or user.status != UserStatus.INVITED or user.enrolment_expires_at < now():
        raise Unauthenticated("this enrolment code is unknown, used or expired")
    _check_lock(user)
    return user


def choose_password(uow: IntakeUnitOfWork, enrolment_code: str, password: str, again: str) -> Enrolment:
    """First step of enrolment: the password; answers the TOTP secret to put into an authenticator app."""
    if password != again:
        raise Invalid("the passwords differ", [{"field": "password_again", "reason": "must equal password"}])
    if not rules.MIN_PASSWORD <= len(password) <= rules.MAX_PASSWORD:
        raise Invalid("password length", [{"field": "password", "reason": f"{rules.MIN_PASSWORD} to "
                                                                           f"{rules.MAX_PASSWORD} characters"}])
    with uow:
        user = _invited_by_code(uow, enrolment_code)
        secret = pyotp.random_base32()
        user.password_hash = hasher.hash(password)
        user.totp_secret, user.totp_confirmed = _box().encrypt(secret.encode()).decode(), False
        user.totp_last_step = None
        uow.session.add(user)
        uow.commit()
        uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER_NAME)
        return Enrolment(user.user_id, secret, uri)


def confirm_second_factor(uow: IntakeUnitOfWork, enrolment_code: str, code: str) -> list[str]:
    """Second step: a code from the new authenticator proves it works; the account becomes active and gets
    its recovery codes (shown once, stored hashed)."""
    with uow:
        user = _invited_by_code(uow, enrolment_code)
        if user.totp_secret is None or user.password_hash is None:
            raise Invalid("choose a password first", [{"field": "password", "reason": "required first"}])
        if not _accept_code(user, code.strip()):
            _refuse(uow, user)
        user.totp_confirmed, user.status = True, UserStatus.ACTIVE
        user.enrolment_hash = user.enrolment_expires_at = None
        user.failed_attempts, user.locked_until = 0, None
        uow.session.add(user)
        spares = ["-".join(secrets.token_hex(3) for _ in range(2)) for _ in range(RECOVERY_CODES)]
        for s in spares:
            uow.session.add(RecoveryCode(code_hash=hash_token(s), user_id=user.user_id))
        uow.commit()
        return spares
