"""`housing-match`: the one command operators and developers use."""
from __future__ import annotations

import argparse
import sys


def _cmd_up(args: argparse.Namespace) -> int:
    from services.system.supervisor import run_up
    from services.kernel.config import settings
    return run_up(workers=args.workers or settings().workers)


def _cmd_demo(args: argparse.Namespace) -> int:
    from services.system.demo import run_demo
    return run_demo(seed=args.seed, scale=args.scale, stay=args.stay)


def _cmd_worker(args: argparse.Namespace) -> int:
    from services.system.worker import run_worker
    run_worker(args.service, args.port)
    return 0


def _cmd_org(args: argparse.Namespace) -> int:
    from services.intake.service_layer import organisations as orgs
    from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
    from services.intake.domain.errors import IntakeError
    from services.kernel.config import settings
    from services.kernel.db import make_engine, migrate

    engine = make_engine(settings().db_url("intake"))
    migrate("intake", engine)
    uow = IntakeUnitOfWork(engine)
    try:
        if args.org_cmd == "create":
            org_id, token = orgs.create_organisation(uow, args.name, args.role, args.municipality, args.region,
                                                     args.institution_type, source_kind=args.source_kind,
                                                     central=args.central)
            print(f"organisation: {org_id}\ntoken: {token}")
            print("(store the token now: only its hash is kept)", file=sys.stderr)
        elif args.org_cmd == "revoke":
            if not orgs.revoke_token(uow, args.token):
                print("no such active token", file=sys.stderr)
                return 1
            print("revoked")
        elif args.org_cmd == "list":
            for o in orgs.list_organisations(uow):
                print(f"{o.org_id}\t{o.role}\t{o.municipality or '-'}\t{o.region or '-'}\t{o.name}")
    except IntakeError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return 2
    return 0


def _cmd_user(args: argparse.Namespace) -> int:
    from services.system.users import main
    return main(args)


def _cmd_dlq(args: argparse.Namespace) -> int:
    from services.system.dlq import main
    return main(args)


def _cmd_person(args: argparse.Namespace) -> int:
    from services.system.erase import main
    return main()


def _cmd_solve(args: list[str]) -> int:
    from services.matcher.entrypoints.solve_cli import main
    return main(args)


def _cmd_bench(args: list[str]) -> int:
    from bench.national import main
    return main(args)


def _cmd_db(args: argparse.Namespace) -> int:
    from services.kernel.config import settings
    from services.kernel.db import make_engine, make_revision, migrate
    for service in args.services or ("intake", "matcher", "ledger"):
        engine = make_engine(settings().db_url(service))
        if args.db_cmd == "upgrade":
            migrate(service, engine)
            print(f"{service}: migrated")
        else:
            make_revision(service, engine, args.message)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="housing-match", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("up", help="start the broker (when none is configured) and all services")
    up.add_argument("--workers", type=int, default=None,
                    help="worker processes per service (default: WORKERS, 1)")
    up.set_defaults(fn=_cmd_up)
    demo = sub.add_parser("demo", help="the main job: a seeded scenario through all services, then a report")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--scale", type=float, default=1.0, help="multiply the scenario's size")
    demo.add_argument("--stay", action="store_true", help="keep the stack running after the report and print how "
                                                          "to sign in to the screens as the demo's case worker")
    demo.set_defaults(fn=_cmd_demo)
    w = sub.add_parser("worker", help="run one service's worker (KAFKA_BOOTSTRAP_SERVERS must be set)")
    w.add_argument("service", choices=("intake", "matcher", "ledger", "notifier", "simulation"))
    w.add_argument("--port", type=int, default=None)
    w.set_defaults(fn=_cmd_worker)
    org = sub.add_parser("org", help="organisations and API tokens")
    osub = org.add_subparsers(dest="org_cmd", required=True)
    oc = osub.add_parser("create", help="create an organisation and print its first token")
    oc.add_argument("--name", required=True)
    oc.add_argument("--role", required=True,
                    choices=("shelter", "corporation", "municipality", "ministry", "admin", "monitor",
                             "transfer_point", "support_provider"))
    oc.add_argument("--municipality")
    oc.add_argument("--region", help="R + 2 digits; a transfer point serves exactly one region")
    oc.add_argument("--central", action="store_true",
                    help="a central municipality (centrumgemeente), which registers its region's policy")
    oc.add_argument("--institution-type", dest="institution_type")
    oc.add_argument("--source-kind", dest="source_kind",
                    help="monitoring source kind (flex_registry, ...): required for --role monitor")
    orv = osub.add_parser("revoke", help="revoke a token")
    orv.add_argument("--token", required=True)
    osub.add_parser("list", help="list organisations")
    org.set_defaults(fn=_cmd_org)
    user = sub.add_parser("user", help="personal accounts: create (prints a one-time enrolment code), disable, list")
    usub = user.add_subparsers(dest="user_cmd", required=True)
    uc = usub.add_parser("create", help="create a person's account and print its one-time enrolment code")
    uc.add_argument("--org", required=True)
    uc.add_argument("--email", required=True)
    uc.add_argument("--role", required=True, choices=("case_worker", "allocation_officer", "policy_officer",
                                                      "transfer_officer", "support_coordinator", "analyst", "org_admin",
                                                      "system_admin"))
    uc.add_argument("--oidc-subject", dest="oidc_subject", help="the person's `sub` at the organisation's provider")
    usub.add_parser("disable", help="disable an account; its sessions end at once").add_argument("--email",
                                                                                               required=True)
    usub.add_parser("list", help="list accounts").add_argument("--org")
    user.set_defaults(fn=_cmd_user)
    db = sub.add_parser("db", help="database migrations")
    dsub = db.add_subparsers(dest="db_cmd", required=True)
    dsub.add_parser("upgrade").add_argument("services", nargs="*")
    rv = dsub.add_parser("revision", help="autogenerate a migration from the models (developers)")
    rv.add_argument("-m", "--message", required=True)
    rv.add_argument("services", nargs="*")
    db.set_defaults(fn=_cmd_db)
    dlq = sub.add_parser("dlq", help="dead letters: list them, replay them once their cause is fixed")
    dlqsub = dlq.add_subparsers(dest="dlq_cmd", required=True)
    dlqsub.add_parser("list", help="print every dead letter (reason, original topic)")
    rp = dlqsub.add_parser("replay", help="re-publish dead letters to their original topic (each at most once)")
    rp.add_argument("--service", help="only letters this service rejected")
    rp.add_argument("--topic", help="only letters from this original topic")
    rp.add_argument("--letter", action="append", metavar="PARTITION:OFFSET",
                    help="only this letter (repeatable; a command.rejected notice names its letter)")
    rp.add_argument("--dry-run", action="store_true", help="say what would be replayed, send nothing")
    rp.add_argument("--again", action="store_true", help="also replay letters that are failed replays")
    for sp in dlqsub.choices.values():
        sp.add_argument("--bootstrap", help="Kafka bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS)")
    dlq.set_defaults(fn=_cmd_dlq)
    person = sub.add_parser("person", help="a person's rights: erasure on request (GDPR art. 17)")
    psub = person.add_subparsers(dest="person_cmd", required=True)
    psub.add_parser("erase", help="erase one person in every service (the BSN from standard input or a "
                                  "prompt, never as an argument); counts stay")
    person.set_defaults(fn=_cmd_person)
    sub.add_parser("solve", help="solve a matching instance file (see `housing-match solve --help`)", add_help=False)
    sub.add_parser("bench", help="national benchmark: matcher vs greedy vs FCFS vs LP bound", add_help=False)
    sub.add_parser("simulate", help="what if? a year of matching simulated per strategy or variant", add_help=False)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # solve, bench and simulate own their arguments.
    if argv and argv[0] == "solve":
        return _cmd_solve(argv[1:])
    if argv and argv[0] == "bench":
        return _cmd_bench(argv[1:])
    if argv and argv[0] == "simulate":
        from services.system.simulation.cli import main as simulate
        return simulate(argv[1:])
    args = build_parser().parse_args(argv)
    return args.fn(args) or 0


if __name__ == "__main__":
    sys.exit(main())
