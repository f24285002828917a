"""`housing-match user`: operators create, disable and list personal accounts (issue 15).

Creating prints a one-time enrolment code (and the page to use it at); the person chooses a password and
enrols a second factor there. Organisation administrators do the same over the API (POST /v1/users).
"""
from __future__ import annotations

import argparse
import sys

from sqlmodel import select

from services.intake.adapters.accounts_orm import User
from services.intake.domain.errors import IntakeError
from services.intake.service_layer import accounts
from services.intake.service_layer.common import audit
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.config import settings
from services.kernel.db import make_engine, migrate

#: The audit names the operator's command line as the actor of what it does.
OPERATOR = "cli"


def _operator(org_id: str) -> Caller:
    return Caller(org_id, "admin", None, None, token_id=OPERATOR)


def main(args: argparse.Namespace) -> int:
    engine = make_engine(settings().db_url("intake"))
    migrate("intake", engine)
    uow = IntakeUnitOfWork(engine)
    try:
        with uow:
            if args.user_cmd == "create":
                user, code = accounts.create_user_in(uow, args.org, args.email, args.role, args.oidc_subject)
                audit(uow, _operator(args.org), "user.create", user.user_id, channel="cli")
                uow.commit()
                print(f"user: {user.user_id}\nenrolment code: {code}\nenrol at: "
                      f"https://<intake host>:{settings().intake_port}/inschrijven")
                print("(hand the code to the person only: it is shown once and valid for 7 days)", file=sys.stderr)
            elif args.user_cmd == "disable":
                user = uow.session.exec(select(User).where(User.email == args.email.strip().lower())).first()
                if user is None:
                    print("no such user", file=sys.stderr)
                    return 1
                accounts.disable_user_in(uow, user)
                audit(uow, _operator(user.org_id), "user.disable", user.user_id, channel="cli")
                uow.commit()
                print(f"disabled {user.user_id}; its sessions have ended")
            else:
                q = select(User).order_by(User.org_id, User.email)
                if args.org:
                    q = q.where(User.org_id == args.org)
                for u in uow.session.exec(q).all():
                    print(f"{u.user_id}\t{u.org_id}\t{u.role}\t{u.status}\t{u.email}")
    except IntakeError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return 2
    return 0
