"""Organisations, their roles and API tokens (stored hashed, revocable)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.fernet import Fernet, InvalidToken
from sqlmodel import select

from contracts import events as ev
from contracts.inbound import key_id, signing_key
from contracts.types import SourceKind
from contracts.vocabulary import Role
from services.intake.adapters.orm import ApiToken, Organisation
from services.intake.domain.errors import Invalid, Unauthenticated
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.config import settings
from services.kernel.privacy import hash_token

#: "monitor" is the intake's own role for national monitoring sources (a flex registry, a subsidy scheme):
#: they only report placements, so the other services never need to know them.
ROLES = tuple(r.value for r in Role)
#: Roles whose tokens every service accepts (announced on the organisations topic); monitors, transfer points and
#: support providers talk to the intake only.
CONTRACT_ROLES = tuple(r.value for r in Role if r not in (Role.MONITOR, Role.TRANSFER_POINT, Role.SUPPORT_PROVIDER))
INSTITUTION_TYPES = ("shelter", "youth_care", "mental_health_clinic", "protected_housing", "detention")


@dataclass(frozen=True)
class Caller:
    """Who acts: an organisation through one of its tokens, or one of its people (user_id, user_role)."""

    org_id: str
    role: str
    municipality: str | None
    region: str | None
    token_id: str | None = None  # the token's key id (never the token): names it in the audit
    user_id: str | None = None
    user_role: str | None = None

    @property
    def actor(self) -> str:
        """Who the audit names beside the organisation."""
        return f"user:{self.user_id}" if self.user_id else f"token:{self.token_id}" if self.token_id else "system"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "org"


def create_organisation(uow: IntakeUnitOfWork, name: str, role: str, municipality: str | None = None,
                        region: str | None = None, institution_type: str | None = None,
                        org_id: str | None = None, source_kind: str | None = None,
                        central: bool = False) -> tuple[str, str]:
    """Create an organisation with a first token; returns (org_id, token).

    A transfer point serves one region; a central municipality (``central``) registers its region's policy."""
    with uow:
        org_id, token = create_organisation_in(uow, name, role, municipality, region, institution_type, org_id,
                                               source_kind, central)
        uow.commit()
    return org_id, token


def create_organisation_in(uow: IntakeUnitOfWork, name: str, role: str, municipality: str | None = None,
                           region: str | None = None, institution_type: str | None = None,
                           org_id: str | None = None, source_kind: str | None = None,
                           central: bool = False) -> tuple[str, str]:
    """As ``create_organisation``, inside the caller's open unit of work, which commits (or finishes with an
    idempotency record: the screen's form key, so a second click registers nothing)."""
    if role not in ROLES:
        raise Invalid("unknown role", [{"field": "role", "reason": f"one of {', '.join(ROLES)}"}])
    if role == "municipality" and not (municipality and re.fullmatch(r"GM[0-9]{4}", municipality)):
        raise Invalid("a municipality needs its code", [{"field": "municipality", "reason": "GM + 4 digits"}])
    if region is not None and not re.fullmatch(r"R[0-9]{2}", region):
        raise Invalid("bad region", [{"field": "region", "reason": "R + 2 digits"}])
    if role == Role.TRANSFER_POINT and region is None:
        raise Invalid("a transfer point serves one region", [{"field": "region", "reason": "R + 2 digits"}])
    if central and role != Role.MUNICIPALITY:
        raise Invalid("only a municipality can be central", [{"field": "central", "reason": "for a municipality"}])
    if role == "shelter":
        institution_type = institution_type or "shelter"
        if institution_type not in INSTITUTION_TYPES:
            raise Invalid("bad institution type",
                          [{"field": "institution_type", "reason": f"one of {', '.join(INSTITUTION_TYPES)}"}])
    kinds = [k.value for k in SourceKind if k != SourceKind.MATCHER]
    if role == "monitor" and source_kind is None:
        raise Invalid("a monitor needs its kind of source", [{"field": "source_kind", "reason": f"one of {', '.join(kinds)}"}])
    if source_kind is not None and (source_kind not in kinds or role not in ("monitor", "municipality", "corporation")):
        raise Invalid("bad source kind", [{"field": "source_kind",
                                           "reason": f"one of {', '.join(kinds)}, for a monitor, municipality "
                                                     "or corporation"}])
    org_id = org_id or f"{slug(name)}-{secrets.token_hex(3)}"
    now = datetime.now(UTC)
    uow.session.add(Organisation(org_id=org_id, name=name, role=role, municipality=municipality, region=region,
                                 institution_type=institution_type, source_kind=source_kind, central=central,
                                 created_at=now))
    if role in CONTRACT_ROLES:
        uow.emit(ev.OrganisationRegistered(producer="intake", occurred_at=now, org_id=org_id, role=role,
                                           municipality=municipality, region=region))
    token = issue_token_in(uow, org_id, announce=role in CONTRACT_ROLES)
    return org_id, token


def secret_box(purpose: bytes) -> Fernet:
    """Encryption under a key derived from the server secret, one key per purpose: a copy of the database
    alone then reveals no stored secret (inbound signing keys, TOTP secrets)."""
    raw = hmac.new(settings().pseudonym_secret.encode(), purpose, hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def _wrapper() -> Fernet:
    # Inbound signing keys: a copy of the database alone cannot forge a partner's messages.
    return secret_box(b"intake/signing-key-wrap/v1")


def issue_token_in(uow: IntakeUnitOfWork, org_id: str, announce: bool = True) -> str:
    while True:
        token = "hm_" + secrets.token_urlsafe(32)
        if not re.search(r"\d{9}", token):  # no token ever looks like a BSN to the log masker
            break
    now = datetime.now(UTC)
    uow.session.add(ApiToken(token_hash=hash_token(token), org_id=org_id, created_at=now, key_id=key_id(token),
                             signing_key=_wrapper().encrypt(signing_key(token)).decode()))
    if announce:
        uow.emit(ev.ApiTokenIssued(producer="intake", occurred_at=now, org_id=org_id, token_hash=hash_token(token)))
    return token


def signer(uow: IntakeUnitOfWork, kid: str) -> tuple[Caller, bytes] | None:
    """The organisation and signing key of an active token, by key id (for inbound messages)."""
    with uow:
        rows = uow.session.exec(select(ApiToken).where(ApiToken.key_id == kid, ApiToken.revoked_at == None)  # noqa: E711
                                ).all()
        if len(rows) != 1:
            return None
        org = uow.session.get(Organisation, rows[0].org_id)
        try:
            key = _wrapper().decrypt(rows[0].signing_key.encode())
        except InvalidToken:
            return None
        return Caller(org.org_id, org.role, org.municipality, org.region, token_id=kid), key


def revoke_token(uow: IntakeUnitOfWork, token: str) -> bool:
    with uow:
        row = uow.session.get(ApiToken, hash_token(token))
        if row is None or row.revoked_at is not None:
            return False
        revoke_in(uow, row)
        uow.commit()
        return True


def revoke_in(uow: IntakeUnitOfWork, row: ApiToken) -> None:
    """Revoked at once for the intake; the services that accept the token learn it from ApiTokenRevoked."""
    row.revoked_at = datetime.now(UTC)
    uow.session.add(row)
    org = uow.session.get(Organisation, row.org_id)
    if org is None or org.role in CONTRACT_ROLES:
        uow.emit(ev.ApiTokenRevoked(producer="intake", occurred_at=row.revoked_at, org_id=row.org_id,
                                    token_hash=row.token_hash))


def authenticate(uow: IntakeUnitOfWork, token: str | None) -> Caller:
    if not token:
        raise Unauthenticated("send an API token as 'Authorization: Bearer <token>'")
    with uow:
        row = uow.session.get(ApiToken, hash_token(token))
        if row is None or row.revoked_at is not None:
            raise Unauthenticated("unknown or revoked token")
        org = uow.session.get(Organisation, row.org_id)
        return Caller(org.org_id, org.role, org.municipality, org.region, token_id=row.key_id)


def list_organisations(uow: IntakeUnitOfWork) -> list[Organisation]:
    with uow:
        return list(uow.session.exec(select(Organisation).order_by(Organisation.org_id)).all())
