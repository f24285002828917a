"""The demo's case worker (issue 16): `housing-match demo --stay` keeps the stack running and prints how to
sign in to the screens as a case worker of the demo's first shelter.

Development only: the account has a known password (DEMO_PASSWORD) and its second factor is enrolled here,
through the same service functions as the enrolment page; the TOTP secret is printed so a developer can add
it to an authenticator app, or print the current code with the one-line command shown.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyotp

from services.intake.service_layer import accounts, signin
from services.intake.service_layer.common import audit
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.config import Settings
from services.kernel.db import make_engine

DEMO_EMAIL = "casemanager@demo.housing-match.example"
#: Known on purpose: the demo's data are generated, and the stack listens on this machine only.
DEMO_PASSWORD = "demo-wachtwoord-2026"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    password: str
    totp_secret: str

    def code_command(self) -> str:
        return f".venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{self.totp_secret}').now())\""


def enrol_demo_case_worker(conf: Settings, shelter_org_id: str) -> DemoPerson:
    engine = make_engine(conf.db_url("intake"))
    try:
        uow = IntakeUnitOfWork(engine)
        with uow:
            user, code = accounts.create_user_in(uow, shelter_org_id, DEMO_EMAIL, "case_worker")
            audit(uow, Caller(shelter_org_id, "admin", None, None, token_id="demo"), "user.create", user.user_id,
                  channel="cli")
            uow.commit()
        enrolment = signin.choose_password(IntakeUnitOfWork(engine), code, DEMO_PASSWORD, DEMO_PASSWORD)
        signin.confirm_second_factor(IntakeUnitOfWork(engine), code, pyotp.TOTP(enrolment.secret).now())
        return DemoPerson(DEMO_EMAIL, DEMO_PASSWORD, enrolment.secret)
    finally:
        engine.dispose()


def print_sign_in(console, intake_url: str, certificate: str, person: DemoPerson) -> None:
    say = lambda text: console.print(text, soft_wrap=True)  # noqa: E731 - long lines stay whole (copy and paste)
    say(f"\n[bold]The screens[/] are at {intake_url}/ (a development certificate: accept it in the browser, "
        f"or trust {certificate}).")
    say(f"Sign in as the demo's case worker: e-mail {person.email}, password {person.password}")
    say(f"Second factor: add the key {person.totp_secret} to an authenticator app, or print the current code with")
    say(f"  {person.code_command()}")
    say("(the code used at enrolment works only once: wait for the next one). Ctrl-C stops the stack.")
