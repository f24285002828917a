"""Personal accounts (issue 15): people of an organisation, their recovery codes and their sessions.

Secrets are never stored as given: passwords as argon2id hashes, enrolment codes, recovery codes and
session ids as SHA-256 digests, the TOTP secret encrypted under a key derived from the server secret.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from services.kernel.db import json_column, utc_column


class User(SQLModel, table=True):
    __tablename__ = "intake_user"
    __table_args__ = (UniqueConstraint("email", name="uq_intake_user_email"),
                      UniqueConstraint("org_id", "oidc_subject", name="uq_intake_user_oidc_subject"))
    user_id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(index=True, max_length=80)
    email: str = Field(max_length=254)  # stored lower-case
    role: str = Field(max_length=30)  # contracts.vocabulary.UserRole
    status: str = Field(default="invited", max_length=16)  # contracts.vocabulary.UserStatus
    password_hash: str | None = Field(default=None, max_length=200)
    totp_secret: str | None = Field(default=None, max_length=300)  # encrypted
    totp_confirmed: bool = Field(default=False)
    totp_last_step: int | None = Field(default=None)  # the last accepted code's time step: a code works once
    oidc_subject: str | None = Field(default=None, max_length=255)  # the `sub` of the organisation's issuer
    enrolment_hash: str | None = Field(default=None, max_length=64)
    enrolment_expires_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    failed_attempts: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    disabled_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    language: str | None = Field(default=None, max_length=2)  # the screens' language the person chose (issue 16)


class RecoveryCode(SQLModel, table=True):
    __tablename__ = "intake_recovery_code"
    code_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(index=True, max_length=40)
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class UserSession(SQLModel, table=True):
    """A browser's session. stage: 'second_factor' (password right, code to come), 'oidc' (at the provider),
    'signed_in'. A new id is made at sign-in; ended sessions stay for the audit until cleaned up."""

    __tablename__ = "intake_session"
    session_hash: str = Field(primary_key=True, max_length=64)
    user_id: str | None = Field(default=None, index=True, max_length=40)
    stage: str = Field(max_length=16)
    csrf_token: str = Field(max_length=64)
    data: dict = Field(default_factory=dict, sa_column=json_column())  # the OIDC flow's state, nonce, verifier
    created_at: datetime = Field(sa_column=utc_column())
    last_seen_at: datetime = Field(sa_column=utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
