"""Look-ups: which organisations of the caller's own region another operation can name.

A municipality registers agreements with a corporation by its id and works with the shelters of
its region; a corporation's agreements are with the municipalities of its region. Neither had a
way to learn those ids. The look-up answers ids, names, roles and where the organisation sits --
never a token, never an organisation of another region, never a role the caller has no business
with (monitors, ministries and administrators are never listed). It holds no personal data, so
unlike reads of candidates it is not audited.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.intake.adapters.orm import Organisation
from services.intake.domain.errors import Conflict, Forbidden
from services.intake.service_layer.common import require
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

#: Who may look up which roles (shelters, monitors, the ministry and administrators may not look up).
LISTED_FOR: dict[str, tuple[str, ...]] = {
    "municipality": ("corporation", "shelter", "municipality"),
    "corporation": ("municipality",),
}


def _roles_asked(caller: Caller, role: str | None) -> tuple[str, ...]:
    allowed = LISTED_FOR[caller.role]
    if role is None:
        return allowed
    if role not in allowed:
        raise Forbidden(f"a {caller.role} may look up: {', '.join(allowed)}",
                        [{"field": "role", "reason": f"one of {', '.join(allowed)} for this caller"}])
    return (role,)


def list_organisations(uow: IntakeUnitOfWork, caller: Caller, role: str | None = None) -> dict[str, Any]:
    require(caller, *LISTED_FOR)
    roles = _roles_asked(caller, role)
    if not caller.region:
        # Without a region of its own the caller has no region to look into; answering an empty list
        # would hide the missing registration.
        raise Conflict("this organisation has no region on record; ask an administrator to set it")
    with uow:
        rows = uow.session.exec(select(Organisation).where(Organisation.region == caller.region,
                                                           Organisation.role.in_(roles))
                                .order_by(Organisation.role, Organisation.name, Organisation.org_id)).all()
        return {"items": [{"org_id": o.org_id, "name": o.name, "role": o.role, "region": o.region,
                           "municipality": o.municipality,
                           "institution_type": o.institution_type if o.role == "shelter" else None}
                          for o in rows]}
