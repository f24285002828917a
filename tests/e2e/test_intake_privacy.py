"""A scenario through all services, BSNs planted in every free-text field, partner-chosen id and
identifier field (refused), raw malformed requests carrying one; then every topic, every table,
every worker log and every HTTP answer is scanned for the BSNs, in every way of writing them (nine
digits together or grouped by spaces, dots or dashes; ASCII, full-width or Arabic-Indic digits):
none may be found."""
from __future__ import annotations

import asyncio
import json
from datetime import date

import pytest
from sqlalchemy import create_engine, inspect, text

from contracts.topics import all_topic_names
from services.system.dlq import read_all
from services.system.demo import create_organisations, drive
from services.system.partner_client import PartnerClient
from services.system.scenario import Org, build_scenario
from services.system.supervisor import client_ssl_context

pytestmark = pytest.mark.e2e


def test_no_raw_bsn_in_any_topic_table_or_log(stack):
    conf = stack.conf
    sc = build_scenario(seed=4242, scale=0.4, regions=2)
    monitor = Org("Flex registry", "monitor")
    sc.orgs.append(monitor)
    from services.intake.service_layer.organisations import create_organisation
    from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
    from services.kernel.db import make_engine
    create_organisations(conf, Scenario_without(sc, monitor))
    engine = make_engine(conf.db_url("intake"))
    monitor.org_id, monitor.token = create_organisation(IntakeUnitOfWork(engine), monitor.name, "monitor",
                                                        source_kind="flex_registry")
    engine.dispose()
    out = drive(stack, sc, conf, quiet_seconds=2.0)
    bsns = {body["bsn"] for _, body in sc.candidates}
    assert out.placed_offers and len(bsns) >= 20

    # More doors a BSN can come through: person references, monitoring reports, a BSN in a URI.
    api = PartnerClient(stack.url("intake"), monitor.token, client_ssl_context(conf))
    extra = sorted(bsns)[:3]
    for i, bsn in enumerate(extra):
        api.call("POST", "/v1/person-references", {"bsn": bsn})
        api.call("POST", "/v1/placement-reports", {
            "report_id": f"scan-{i}", "bsn": bsn, "municipality": "GM0999", "region": "R01",
            "bag_id": f"{i + 1:016d}", "unit_kind": "flex", "move_in_date": date.today().isoformat()})
    status, problem = api.request("GET", f"/v1/candidates/{extra[0]}")
    assert status == 400 and extra[0] not in json.dumps(problem)

    answers = plant_everywhere(stack, sc, monitor, sorted(bsns)[3:8], out)
    needles = [form for b in bsns | {"111222333"} for form in written_forms(b)]  # + the malformed requests' one
    found: list[str] = [f"answer {i}" for i, a in enumerate(answers) if any(n in a for n in needles)]
    scanned = {"messages": 0, "rows": 0}
    for topic, _ in all_topic_names():
        for m in asyncio.run(read_all(stack.bootstrap, topic)):
            scanned["messages"] += 1
            blob = (m.key or b"") + (m.value or b"") + b"".join(v for _, v in (m.headers or ()))
            found += [f"topic {topic}@{m.partition}:{m.offset}" for n in needles if n in blob]
    db = create_engine(conf.database_url)
    with db.connect() as conn:
        for table in inspect(db).get_table_names():
            for row in conn.execute(text(f'select * from "{table}"')):
                scanned["rows"] += 1
                blob = repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                found += [f"table {table}" for n in needles if n.decode() in blob]
    db.dispose()
    logs = list(stack.log_dir.glob("*.log"))
    assert logs
    for log in logs:
        content = log.read_bytes()
        found += [f"log {log.name}" for n in needles if n in content]
    assert found == []
    # The scan saw the scenario: its candidates' events and rows are there, under pseudonyms.
    assert scanned["messages"] > len(bsns) and scanned["rows"] > len(bsns), scanned


def Scenario_without(sc, org):
    from dataclasses import replace
    return replace(sc, orgs=[o for o in sc.orgs if o is not org])


def written_forms(bsn: str) -> list[bytes]:
    """Every way the scan looks for a BSN: together or grouped 3-3-3 / 4-2-3 / 2-3-4 by a space, dot or
    dash, in ASCII, full-width and Arabic-Indic digits (UTF-8)."""
    groups = [(bsn[:3], bsn[3:6], bsn[6:]), (bsn[:4], bsn[4:6], bsn[6:]), (bsn[:2], bsn[2:5], bsn[5:])]
    texts = [bsn] + [sep.join(g) for g in groups for sep in (" ", ".", "-")]
    scripts = [str.maketrans("0123456789", "0123456789"), str.maketrans("0123456789", "０１２３４５６７８９"),
               str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")]
    return sorted({t.translate(s).encode() for t in texts for s in scripts})


def plant_everywhere(stack, sc, monitor, bsns: list[str], out) -> list[bytes]:
    """Each BSN in each free-text field, partner-chosen id and (look-alike) identifier field a partner can
    fill; every one is refused with 400. Returns every answer's bytes, and those of the reads after it."""
    conf = stack.conf
    ssl = client_ssl_context(conf)
    by_role = {o.role: o for o in sc.orgs if o.token}
    shelter, corp = by_role["shelter"], by_role["corporation"]
    api = {o.role: PartnerClient(stack.url("intake"), o.token, ssl) for o in (shelter, corp, monitor)}
    candidate = api["shelter"].call("GET", "/v1/candidates")["items"][0]["candidate_id"]
    vacancy = api["corporation"].call("GET", "/v1/vacancies")["items"][0]["vacancy_id"]
    offer = next(iter(out.placed_offers))
    answers: list[bytes] = []

    def refused(role: str, method: str, path: str, body: dict) -> None:
        status, problem = api[role].request(method, path, body)
        answers.append(json.dumps(problem, ensure_ascii=False).encode())
        assert status == 400, (path, problem)

    for bsn in bsns:
        spaced, full_width = f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}", bsn.translate(str.maketrans("0123456789",
                                                                                                "０１２３４５６７８９"))
        for text in (spaced, full_width, f"{bsn[:4]}-{bsn[4:6]}-{bsn[6:]}"):
            reason = {"reason": f"client {text} asked for it"}
            refused("shelter", "POST", f"/v1/candidates/{candidate}/withdrawal", reason)
            refused("shelter", "POST", f"/v1/offers/{offer}/decline", reason)
            refused("corporation", "POST", f"/v1/offers/{offer}/rejection", reason)
            refused("corporation", "POST", f"/v1/vacancies/{vacancy}/withdrawal", reason)
            refused("monitor", "POST", "/v1/placement-reports/scan-0/retraction", reason)
            refused("monitor", "POST", "/v1/placement-endings", {
                "bag_id": "0999000000000001", "end_date": date.today().isoformat(), **reason})
            refused("corporation", "POST", "/v1/vacancies", {
                "unit_id": f"U {text}", "municipality": "GM0999", "region": "R01", "unit_kind": "flex"})
            refused("monitor", "POST", "/v1/placement-reports", {
                "report_id": f"r {text}", "person_ref": "0" * 64, "municipality": "GM0999", "region": "R01",
                "bag_id": "0999000000000002", "unit_kind": "flex", "move_in_date": date.today().isoformat()})
        refused("shelter", "POST", "/v1/person-references", {"bsn": full_width})
    for role, path in (("shelter", "/v1/candidates"), ("shelter", "/v1/changes"), ("corporation", "/v1/offers"),
                       ("monitor", "/v1/placement-reports"), ("shelter", "/v1/audit-entries")):
        answers.append(json.dumps(api[role].request("GET", path)[1], ensure_ascii=False).encode())
    from tests.support import MALFORMED_WITH_BSN, raw_exchange
    for service in ("intake", "matcher", "ledger"):
        for request in MALFORMED_WITH_BSN:
            answers.append(raw_exchange(stack.url(service), request, ssl))
    return answers
