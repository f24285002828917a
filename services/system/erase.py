"""`housing-match person erase`: an administrator erases one person on request (GDPR art. 17).

The BSN is read from standard input, or asked for without echo at a terminal: never from
the command line, where shell history and process lists would keep it. It is turned into
the person reference at once and forgotten; nothing printed names the person.
"""
from __future__ import annotations

import getpass
import json
import sys


def read_bsn(stdin=None) -> str:
    stdin = stdin or sys.stdin
    if stdin.isatty():
        return getpass.getpass("BSN of the person to erase (not shown): ").strip()
    return stdin.readline().strip()


def main(stdin=None) -> int:
    from services.intake.domain.errors import IntakeError
    from services.intake.service_layer.common import person_ref_for
    from services.intake.service_layer.erasure import erase_person
    from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
    from services.kernel.config import settings
    from services.kernel.db import make_engine, migrate

    try:
        person_ref = person_ref_for(read_bsn(stdin), settings().pseudonym_secret)
    except IntakeError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return 2
    engine = make_engine(settings().db_url("intake"))
    migrate("intake", engine)
    try:
        done = erase_person(IntakeUnitOfWork(engine), person_ref)
    finally:
        engine.dispose()
    # The intake's running workers send the events (its outbox); the matcher and the ledger follow.
    print(json.dumps(done))
    return 0
