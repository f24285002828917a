"""`housing-match demo`: the main job. A seeded scenario through all services, then a report.

The demo plays every partner over the real HTTPS API: municipalities register
agreements and neighbourhood limits, corporations publish vacancies and confirm
offers, shelters submit candidates (with BSNs, pseudonymised at the boundary)
and accept or decline offers. It waits until the pipeline is quiet and prints
the ledger's realised-places report.
"""
from __future__ import annotations

import shutil
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.kernel.config import Settings, settings
from services.system.partner_client import PartnerClient
from services.system.scenario import Scenario, build_scenario
from services.system.settled import matcher_caught_up
from services.system.supervisor import Stack, client_ssl_context
from services.system.tls_proxy import tls_proxy

#: The ledger believes the TLS proxy the demo puts in front of it (tls_proxy.py), as it would an ingress.
STACK_ENV = {"TRUST_FORWARDED_PROTO": "true"}


@dataclass
class DemoOutcome:
    placed_offers: dict[str, dict[str, Any]] = field(default_factory=dict)  # offer id -> offer (as corp saw it)
    declined_offers: dict[str, str] = field(default_factory=dict)  # offer id -> candidate id
    offers_per_candidate: Counter = field(default_factory=Counter)
    candidate_ids: dict[str, str] = field(default_factory=dict)  # bsn -> candidate id
    unit_kinds: dict[str, str] = field(default_factory=dict)  # corp org id:vacancy id -> kind
    report: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def create_organisations(conf: Settings, sc: Scenario) -> None:
    from services.intake.service_layer.organisations import create_organisation
    from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
    from services.kernel.db import make_engine, migrate

    engine = make_engine(conf.db_url("intake"))
    migrate("intake", engine)
    for org in sc.orgs:
        org.org_id, org.token = create_organisation(IntakeUnitOfWork(engine), org.name, org.role, org.municipality,
                                                    org.region, org.institution_type,
                                                    source_kind=org.source_kind, central=org.central)
    engine.dispose()


def drive(stack: Stack, sc: Scenario, conf: Settings, console: Console | None = None,
          quiet_seconds: float = 4.0, timeout: float = 150.0) -> DemoOutcome:
    """Play every partner; the ministry reads the ledger over HTTPS, through a TLS proxy (the stack's
    ledger must trust it: STACK_ENV)."""
    with tls_proxy(stack.url("ledger"), conf) as ledger_url:
        return _drive(stack, sc, conf, console, quiet_seconds, timeout, ledger_url)


def _drive(stack: Stack, sc: Scenario, conf: Settings, console: Console | None, quiet_seconds: float,
           timeout: float, ledger_url: str) -> DemoOutcome:
    console = console or Console(stderr=True)
    started = time.monotonic()
    tls = client_ssl_context(conf)
    intake = stack.url("intake")
    client = {o.org_id: PartnerClient(intake, o.token, tls) for o in sc.orgs}
    out = DemoOutcome()
    steps = len(sc.agreements) + len(sc.limits) + len(sc.vacancies) + len(sc.candidates)
    with Progress(TextColumn("{task.description}"), BarColumn(bar_width=20), TextColumn("{task.fields[count]}"),
                  TimeElapsedColumn(), console=console, transient=False) as progress:
        load = progress.add_task("submitting partners' data", total=steps, count=f"0/{steps}")

        def submitted() -> None:
            progress.advance(load)
            progress.update(load, count=f"{progress.tasks[load].completed:.0f}/{steps}")

        for muni, body in sc.agreements:
            client[muni.org_id].call("POST", "/v1/agreements", {**body, "corporation": body["corporation"].org_id})
            submitted()
        for muni, body in sc.limits:
            client[muni.org_id].call("POST", "/v1/neighbourhood-limits", body)
            submitted()
        for corp, body in sc.vacancies:
            client[corp.org_id].call("POST", "/v1/vacancies", body, idempotent=True)
            out.unit_kinds[f"{corp.org_id}:{body['unit_id']}"] = body["kind"]
            submitted()
        bsn_of: dict[str, str] = {}
        for shelter, body in sc.candidates:
            res = client[shelter.org_id].call("POST", "/v1/candidates", body, idempotent=True)
            out.candidate_ids[body["bsn"]] = res["candidate_id"]
            bsn_of[res["candidate_id"]] = body["bsn"]
            submitted()
        match = progress.add_task("matching", total=None, count="")
        caught_up = matcher_caught_up(conf, bsn_of)
        last_change = time.monotonic()
        ministry = next(o for o in sc.orgs if o.role == "ministry")
        ledger = PartnerClient(ledger_url, ministry.token, tls)
        declined_once: set[str] = set()
        while True:
            changed = False
            open_count = 0
            for corp in sc.by_role("corporation"):
                for offer in client[corp.org_id].call("GET", "/v1/offers?status=open")["items"]:
                    open_count += 1
                    if offer["corporation_answer"] is None:
                        # 409: the offer closed (declined, expired) between listing and answering.
                        client[corp.org_id].call("POST", f"/v1/offers/{offer['offer_id']}/confirmation",
                                                 ok=(200, 409))
                        changed = True
            for shelter in sc.by_role("shelter"):
                for offer in client[shelter.org_id].call("GET", "/v1/offers?status=open")["items"]:
                    open_count += 1
                    if offer["person_answer"] is not None:
                        continue
                    cid = offer["candidate_id"]
                    out.offers_per_candidate[cid] += 1
                    if bsn_of[cid] in sc.decline_first_offer and cid not in declined_once:
                        declined_once.add(cid)
                        client[shelter.org_id].call("POST", f"/v1/offers/{offer['offer_id']}/decline",
                                                    {"reason": "too far from school and family"})
                        out.declined_offers[offer["offer_id"]] = cid
                    else:
                        client[shelter.org_id].call("POST", f"/v1/offers/{offer['offer_id']}/acceptance")
                        out.placed_offers[offer["offer_id"]] = {
                            "candidate_id": cid, "unit": f"{offer['corporation']}:{offer['vacancy_id']}"}
                    changed = True
            realised = ledger.call("GET", "/v1/reports/realised-places")["realised_places"]
            progress.update(match, count=f"{len(out.placed_offers)} accepted, {len(out.declined_offers)} declined, "
                                         f"{realised} realised")
            # Quiet counts from the moment the matcher has taken in everything and decided: its last
            # offers may still be on their way to the intake.
            if changed or not caught_up():
                last_change = time.monotonic()
            elif open_count == 0 and realised == len(out.placed_offers) \
                    and time.monotonic() - last_change > quiet_seconds:
                progress.update(match, total=1, completed=1)
                break
            if time.monotonic() - started > timeout:
                raise TimeoutError("the pipeline did not become quiet in time")
            time.sleep(0.3)
        caught_up.close()
    out.report = ledger.call("GET", "/v1/reports/realised-places")
    out.seconds = time.monotonic() - started
    return out


def print_report(report: dict[str, Any], console: Console) -> None:
    hidden = set(report.get("secondary_suppressed", ()))

    def cell(v, path: str = ""):  # a cell hidden to protect another reads "verborgen", not "<5" (issue 12)
        return ("verborgen" if path in hidden else "<5") if v is None else str(v)

    console.rule("Realised extra housing places (de-duplicated)")
    console.print(f"Realised places: [bold]{report['realised_places']}[/] "
                  f"({report['progress_ratio']:.2%} of the national target of {report['national_target']:,}); "
                  f"currently occupied: {cell(report['currently_occupied'], 'currently_occupied')}; Housing First: "
                  f"{cell(report['housing_first'], 'housing_first')}; waited over 90 days: "
                  f"{cell(report['over_90_days_in_shelter'], 'over_90_days_in_shelter')}")
    t = Table(title="Per strategy")
    t.add_column("strategy")
    t.add_column("places", justify="right")
    for k, v in report["by_strategy"].items():
        t.add_row(k.replace("_", " "), cell(v, f"by_strategy.{k}"))
    console.print(t)
    t = Table(title="Per region")
    t.add_column("region")
    t.add_column("places", justify="right")
    for k, v in report["by_region"].items():
        t.add_row(k, cell(v, f"by_region.{k}"))
    console.print(t)
    t = Table(title="Against each agreement (prestatieafspraak)")
    for col in ("region", "municipality", "corporation", "period", "committed", "realised here"):
        t.add_column(col, justify="right" if col in ("committed", "realised here") else "left")
    for i, a in enumerate(report["agreements"]):
        t.add_row(a["region"], a["municipality"], a["corporation"], a["period"], str(a["committed_places"]),
                  cell(a["realised"], f"agreements[{i}].realised"))
    console.print(t)
    console.print(f"Cells under {report['suppressed_below']} persons (0 included) read <5; cells hidden so that no "
                  "sum gives one away read 'verborgen' (privacy).")


def run_demo(seed: int = 2026, scale: float = 1.0, stay: bool = False) -> int:
    conf = settings()
    console = Console()
    if not conf.database_url:
        # A fresh data directory: the embedded broker starts empty, so the databases should too.
        demo_dir = conf.data_dir / "demo"
        shutil.rmtree(demo_dir, ignore_errors=True)
        conf = conf.model_copy(update={"data_dir": demo_dir})
    t0 = time.monotonic()
    sc = build_scenario(seed, scale)
    console.print(f"[bold]housing-match demo[/]: {len(sc.candidates)} candidates, {len(sc.vacancies)} vacancies, "
                  f"{len(sc.agreements)} agreements, {len(sc.limits)} neighbourhood limits, "
                  f"{len({o.region for o in sc.orgs if o.region})} regions (seed {seed})")
    create_organisations(conf, sc)
    with console.status("starting broker and services (first consumer-group join takes a few seconds)"):
        stack = Stack(conf, log_dir=conf.data_dir / "logs", env=STACK_ENV, notifier=True).start()
    try:
        embedded = f" (embedded tansu, {stack.conf.broker_storage})" if stack.broker else ""
        console.print(f"broker {stack.bootstrap}{embedded}; "
                      f"services ready after {time.monotonic() - t0:.1f} s; logs in {conf.data_dir / 'logs'}")
        outcome = drive(stack, sc, conf, console)
        print_report(outcome.report, console)
        console.print(f"{len(outcome.placed_offers)} offers accepted, {len(outcome.declined_offers)} declined and "
                      f"matched again; demo took {time.monotonic() - t0:.1f} s.")
        if stay:  # issue 16: the screens stay up for a look, as the demo's case worker
            from services.system.demo_people import enrol_demo_case_worker, print_sign_in
            shelter = next(o for o in sc.orgs if o.role == "shelter")
            print_sign_in(console, stack.url("intake"), str(conf.data_dir / "tls" / "localhost.crt"),
                          enrol_demo_case_worker(conf, shelter.org_id))
            wait_for_interrupt()
    finally:
        stack.stop()
    if outcome.report["realised_places"] != len(outcome.placed_offers):
        console.print("[red]ledger total differs from the placements made[/]")
        return 1
    return 0


def wait_for_interrupt() -> None:
    """Until Ctrl-C or SIGTERM; then the caller stops the stack."""
    def interrupt(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupt)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
