"""What the administrators' screen-only operations answer (service_layer/administration.py): organisations,
an organisation's API tokens by key id (never a token, but the one just issued, shown once)."""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from services.intake.domain.answer_parts import Answer


class OrganisationRow(Answer):
    org_id: str
    name: str
    role: str
    municipality: str | None
    region: str | None
    central: bool


class Organisations(Answer):
    items: list[OrganisationRow]


class TokenRow(Answer):
    key_id: str
    created_at: datetime
    revoked_at: datetime | None


class Tokens(Answer):
    org_id: str
    items: list[TokenRow]


class IssuedToken(Answer):
    org_id: str
    key_id: str
    token: str | None = Field(description="Shown once: only its hash is kept (null when a form key replays the "
                                          "answer)")


class RevokedToken(Answer):
    org_id: str
    key_id: str
