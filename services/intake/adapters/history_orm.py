"""What a municipality registered before (issue 17): every version of an agreement or neighbourhood limit,
so the policy officer sees what changed when and by whom (the current one stays in AgreementRecord)."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from services.kernel.db import json_column, utc_column


class AgreementVersion(SQLModel, table=True):
    __tablename__ = "intake_agreement_version"
    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    kind: str = Field(max_length=16)  # agreement | limit, as AgreementRecord.kind
    subject: str = Field(max_length=80)  # corporation id or neighbourhood code
    period: str = Field(max_length=4)
    details: dict = Field(sa_column=json_column())
    changed_at: datetime = Field(sa_column=utc_column())
    actor: str = Field(max_length=100)  # user:<id> or token:<key id>, as the audit names it
