"""The whole pipeline through all three services, on the real broker and the real database."""
from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

import pytest
from sqlalchemy import create_engine, text

from contracts import topics
from contracts.authenticity import HEADER
from contracts.types import STRATEGY_OF_KIND, UnitKind
from contracts.vocabulary import Service
from tests import checks
from services.system.demo import create_organisations, drive
from services.system.dlq import read_all
from services.system.partner_client import PartnerClient
from services.system.scenario import build_scenario
from services.system.supervisor import client_ssl_context

pytestmark = pytest.mark.e2e


def test_demo_scenario_ledger_totals_equal_the_placements_made(stack):
    conf = stack.conf
    sc = build_scenario(seed=7, scale=0.6)
    create_organisations(conf, sc)
    out = drive(stack, sc, conf, quiet_seconds=3.0)

    assert out.placed_offers, "the scenario should place people"
    assert out.report["realised_places"] == len(out.placed_offers)
    # shown unless it would reveal how few (0-4) persons have two places: then it reads "verborgen"
    assert out.report["unique_persons"] in (len(out.placed_offers), None)

    engine = create_engine(conf.database_url)
    with engine.connect() as db:
        by_strategy = dict(db.execute(text(
            "select strategy, count(*) from ledger_place where status = 'realised' group by strategy")).all())
        expected = Counter(STRATEGY_OF_KIND[UnitKind(out.unit_kinds[o["unit"]])].value
                           for o in out.placed_offers.values())
        assert by_strategy == dict(expected)

        # Each service made only the events contracts/topics.py declares it makes (the event flow as data):
        # what reached the topics, by the service that signed it (outbox rows are deleted once sent).
        made = _made_by_service(stack.bootstrap)
        for service in (Service.INTAKE, Service.MATCHER):
            assert made[service] and made[service] <= {e.__name__ for e in topics.events_produced_by(service)}, \
                (service, made[service])
        # No agreement, neighbourhood limit or unit capacity was exceeded; no pair was offered twice.
        assert checks.agreements_exceeded(db) == []
        assert checks.limits_exceeded(db) == []
        assert checks.units_overfilled(db) == []
        assert checks.pairs_offered_twice(db) == []
        # Every offer says who more urgent was passed over and why (counts per reason, as partners see them).
        from services.matcher.domain.explain import REASONS
        counts = [json.loads(r[0]) if isinstance(r[0], str) else r[0]
                  for r in db.execute(text("select passed_over from intake_offer"))]
        assert any(counts) and all(set(c) <= set(REASONS) for c in counts)
        # ... and the reasons reached the intake, through the broker, for the candidates' shelters: each
        # one within the counts the same offer carries (the matcher keeps no copy of its own).
        shown = set(db.execute(text("select offer_id, candidate_id, reason from intake_passed_over")).all())
        assert shown
        offered = {o: (json.loads(c) if isinstance(c, str) else c)
                   for o, c in db.execute(text("select offer_id, passed_over from intake_offer"))}
        per_reason = Counter((offer_id, reason) for offer_id, _, reason in shown)
        assert all(n <= offered[o].get(r, 0) for (o, r), n in per_reason.items()), per_reason
        cid, shelter_id, n_rows = db.execute(text(
            "select p.candidate_id, c.shelter, count(*) from intake_passed_over p "
            "join intake_candidate c on c.candidate_id = p.candidate_id "
            "group by p.candidate_id, c.shelter order by count(*) desc, p.candidate_id limit 1")).one()
        # Units left free: the corporation's view (intake) says what the matcher's last round found.
        free = db.execute(text(
            "select m.unit_id, m.not_offered_reason, i.not_offered_reason, i.corporation, i.own_unit_id "
            "from matcher_unit m join intake_unit i on i.unit_id = m.unit_id "
            "where m.status = 'open' and i.status = 'open'")).all()
        assert free and all(r[1] == r[2] for r in free), [r for r in free if r[1] != r[2]]
        idle = [r for r in free if r[1] is not None]
    engine.dispose()
    assert idle, "the scenario leaves some vacancies without an offer"
    unit_id, reason, _, corp_id, own_id = idle[0]
    corp = next(o for o in sc.orgs if o.org_id == corp_id)
    vacancy = PartnerClient(stack.url("intake"), corp.token, client_ssl_context(conf)).call(
        "GET", f"/v1/vacancies/{own_id}")
    assert vacancy["not_offered_reason"] == reason and vacancy["not_offered_since"]

    # Only the candidate's own shelter reads the reasons; another shelter and a corporation cannot.
    ssl = client_ssl_context(conf)
    own = next(o for o in sc.orgs if o.org_id == shelter_id)
    other = next(o for o in sc.orgs if o.role == "shelter" and o.org_id != shelter_id)
    corporation = next(o for o in sc.orgs if o.role == "corporation")
    items = PartnerClient(stack.url("intake"), own.token, ssl).call("GET", f"/v1/candidates/{cid}/passed-over")["items"]
    assert len(items) == n_rows and all(i["reason"] in REASONS and i["vacancy_id"] for i in items)
    assert [i["decided_at"] for i in items] == sorted(i["decided_at"] for i in items)
    status, problem = PartnerClient(stack.url("intake"), other.token, ssl).request(
        "GET", f"/v1/candidates/{cid}/passed-over")
    assert status == 404 and cid not in json.dumps(problem)
    status, _ = PartnerClient(stack.url("intake"), corporation.token, ssl).request(
        "GET", f"/v1/candidates/{cid}/passed-over")
    assert status == 403

    # Every service reports its consumer lag (the lag alerts need it); once quiet it reaches 0
    # (the gauges are set every 5 s, so a reading may still show the last burst for a moment).
    import urllib.request

    def lag_lines(service: str) -> list[str]:
        with urllib.request.urlopen(stack.url(service) + "/metrics", context=ssl if service == "intake" else None,
                                    timeout=10) as r:
            return [ln for ln in r.read().decode().splitlines()
                    if ln.startswith(f'housing_consumer_lag_messages{{service="{service}"')]

    for service in ("intake", "matcher", "ledger"):
        deadline = time.monotonic() + 20
        while True:
            lines = lag_lines(service)
            if lines and all(float(ln.rsplit(" ", 1)[1]) == 0 for ln in lines):
                break
            assert time.monotonic() < deadline, (service, lines)
            time.sleep(1)

    # A declined offer leads to a new match for that person (where a fitting home is left).
    rematched = [cid for cid in out.declined_offers.values() if out.offers_per_candidate[cid] >= 2]
    assert out.declined_offers and rematched


def _made_by_service(bootstrap: str) -> dict[str, set[str]]:
    """Event types on the product's event topics, by the service named in each message's signature."""
    made: dict[str, set[str]] = {}
    for spec in topics.ALL_TOPICS:
        for m in asyncio.run(read_all(bootstrap, spec.name)):
            signer = dict(m.headers)[HEADER].decode().split()[1]
            made.setdefault(signer, set()).add(json.loads(m.value)["event_type"])
    return made
