"""A central municipality's policy for its region, versioned (issue 20), and support providers' room.

The intake keeps the history and the audit; the matcher applies, at each round's event time, the version in
force (services/matcher/domain/regional.py). Every organisation of the region may read the history.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from contracts import events as ev
from contracts.types import local_date
from contracts.vocabulary import Role
from services.intake.adapters.orm import Organisation
from services.intake.adapters.regional_orm import RegionPolicyRecord, SupportCapacityRecord
from services.intake.domain import regional_models as m
from services.intake.domain.errors import Conflict, Forbidden, Invalid
from services.intake.service_layer.common import Result, audit, now, require
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def _policy_view(row: RegionPolicyRecord) -> dict[str, Any]:
    return {"region": row.region, "version": row.version, "effective_from": row.effective_from,
            "policy": row.policy, "municipality": row.municipality, "registered_at": row.registered_at}


def register_policy(uow: IntakeUnitOfWork, caller: Caller, body: m.RegisterRegionPolicy) -> Result:
    require(caller, Role.MUNICIPALITY)
    with uow:
        org = uow.session.get(Organisation, caller.org_id)
        if not org.central:
            raise Forbidden("only the region's central municipality (centrumgemeente) registers its policy")
        if not caller.region:
            raise Conflict("this municipality has no region on record; ask an administrator to set it")
        # Two registrations at the same moment would take the same version: the key (region, version) refuses one.
        last = uow.session.exec(select(func.max(RegionPolicyRecord.version))
                                .where(RegionPolicyRecord.region == caller.region)).one() or 0
        at = now()
        policy = body.policy.model_dump(mode="json", exclude_unset=True)
        row = RegionPolicyRecord(region=caller.region, version=last + 1, effective_from=body.effective_from,
                                 policy=policy, municipality=caller.municipality, registered_by=caller.actor,
                                 registered_at=at)
        uow.session.add(row)
        uow.emit(ev.RegionPolicyRegistered(producer=caller.org_id, occurred_at=at, region=caller.region,
                                           municipality=caller.municipality, version=row.version,
                                           effective_from=body.effective_from, policy=body.policy))
        audit(uow, caller, "regionPolicy.register", f"{caller.region}/v{row.version}")
        return uow.finish(201, _policy_view(row))


def list_policies(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    """The region's versions, oldest first, and the one in force today (the matcher judges by event time)."""
    require(caller, Role.MUNICIPALITY, Role.TRANSFER_POINT)
    if not caller.region:
        raise Conflict("this organisation has no region on record; ask an administrator to set it")
    with uow:
        rows = uow.session.exec(select(RegionPolicyRecord).where(RegionPolicyRecord.region == caller.region)
                                .order_by(RegionPolicyRecord.version)).all()
        today = local_date(now())
        due = [r for r in rows if r.effective_from <= today]
        in_force = max(due, key=lambda r: (r.effective_from, r.version)).version if due else None
        return {"items": [_policy_view(r) for r in rows], "in_force": in_force}


def set_capacity(uow: IntakeUnitOfWork, caller: Caller, body: m.SetSupportCapacity) -> Result:
    require(caller, Role.SUPPORT_PROVIDER)
    with uow:
        row = uow.session.get(SupportCapacityRecord, (caller.org_id, body.period))
        status = 200 if row else 201
        row = row or SupportCapacityRecord(provider=caller.org_id, period=body.period, max_new_clients=0, used=0,
                                           updated_at=now())
        row.max_new_clients, row.used, row.updated_at = body.max_new_clients, body.used, now()
        uow.session.add(row)
        uow.emit(ev.SupportCapacitySet(producer=caller.org_id, occurred_at=row.updated_at, provider=caller.org_id,
                                       **body.model_dump()))
        audit(uow, caller, "supportCapacity.set", f"{caller.org_id}/{body.period}")
        return uow.finish(status, {"provider": caller.org_id, **body.model_dump()})


def list_capacity(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    require(caller, Role.SUPPORT_PROVIDER)
    with uow:
        rows = uow.session.exec(select(SupportCapacityRecord).where(SupportCapacityRecord.provider == caller.org_id)
                                .order_by(SupportCapacityRecord.period)).all()
        return {"items": [{"provider": r.provider, "period": r.period, "max_new_clients": r.max_new_clients,
                           "used": r.used} for r in rows]}


def known_provider(uow: IntakeUnitOfWork, provider: str | None) -> None:
    """A candidate's ``support_provider_id`` names a registered support provider (or nothing)."""
    if provider is None:
        return
    org = uow.session.get(Organisation, provider)
    if org is None or org.role != Role.SUPPORT_PROVIDER:
        raise Invalid("unknown support provider", [{"field": "support_provider_id",
                                                    "reason": "not the id of a registered support provider"}])
