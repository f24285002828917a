"""A scenario through all services, then every topic, every table and every worker log is scanned
for the raw BSNs that were submitted: none may be found."""
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

    needles = [b.encode() for b in bsns]
    found: list[str] = []
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
                found += [f"table {table}" for b in bsns if b in blob]
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
