"""Issue 21, item 5: the running pipeline and the simulator's replay of its recorded history make the same
first round of offers, and, when everyone says yes, the same placements.

Partners submit one small scenario over the real API (intake -> broker -> matcher on PostgreSQL). The
matcher's rounds run every MATCH_BATCH_WINDOW_S (20 s here: room for a machine busy with other test runs); the municipalities' agreements go first and
the test waits for the round pass that takes them in, so every home and person lands before the next
pass: that pass is the first round with people in it, on the watermark of the last arrival (the test
checks it did see everyone). The simulator then replays the matcher's recorded history from the same
database (services/system/simulation/recorded.py) and runs its first batching window: the matcher's own
round on the same arrivals, at the same event time: the same pairs. (Not the same offer ids: they hash
the round's instance, whose agreements come in the order the database returns them, the order they
were registered in service and a sorted one in the replay.)
"""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import create_engine, text

from services.matcher.domain.policy import DEFAULT_POLICY
from services.system.demo import create_organisations
from services.system.partner_client import PartnerClient
from services.system.scenario import build_scenario
from services.system.simulation.acceptance import DEFAULT_ACCEPT, AcceptanceModel
from services.system.simulation.cli import main
from services.system.simulation.engine import Timing, simulate
from services.system.simulation.recorded import load_history
from services.system.simulation.strategies import make_solver
from services.system.supervisor import client_ssl_context
from tests.support import wait_until

pytestmark = pytest.mark.e2e
STACK_ENV = {"MATCH_BATCH_WINDOW_S": "20"}


def test_the_replayed_history_makes_the_same_first_round_of_offers(stack, tmp_path):
    conf = stack.conf
    sc = build_scenario(seed=21, scale=0.6, regions=1)
    create_organisations(conf, sc)
    client = {o.org_id: PartnerClient(stack.url("intake"), o.token, client_ssl_context(conf)) for o in sc.orgs}
    db = create_engine(conf.database_url)
    try:
        for muni, body in sc.agreements:
            client[muni.org_id].call("POST", "/v1/agreements", {**body, "corporation": body["corporation"].org_id})
        # A round pass took the agreements in (their region is clean again): the next pass is MATCH_BATCH_WINDOW_S on.
        clean = text("select count(*) from matcher_region_clock where not dirty")
        with db.connect() as c:
            wait_until(lambda: c.execute(clean).scalar_one() > 0, 45, every=0.1)
        started = time.monotonic()
        for muni, body in sc.limits:
            client[muni.org_id].call("POST", "/v1/neighbourhood-limits", body)
        for corp, body in sc.vacancies:
            client[corp.org_id].call("POST", "/v1/vacancies", body, idempotent=True)
        for shelter, body in sc.candidates:
            client[shelter.org_id].call("POST", "/v1/candidates", body, idempotent=True)
        assert time.monotonic() - started < 16, "submitting took too long to land before the next round pass"

        offers_q = text("select region, candidate_id, unit_id, offer_id, made_at from matcher_offer")
        with db.connect() as c:
            rows = wait_until(lambda: c.execute(offers_q).all(), 60, every=0.1)
            first_at = min(r.made_at for r in rows)
            recorded = sorted((r.region, r.candidate_id, r.unit_id) for r in rows if r.made_at == first_at)
            # The alignment held: the first round saw every person and home submitted.
            people = c.execute(text("select count(*), max(arrived_at) from matcher_candidate")).one()
            homes = c.execute(text("select count(*), max(arrived_at) from matcher_unit")).one()
        assert (people[0], homes[0]) == (len(sc.candidates), len(sc.vacancies))
        assert first_at >= max(people[1], homes[1]), "a round ran before every submission had landed"

        # Everyone says yes: the corporations confirm and the people accept every offer they see.
        answered: set[tuple[str, str]] = set()

        def answer_all() -> bool:
            for role, answer in (("corporation", "confirmation"), ("shelter", "acceptance")):
                for org in sc.by_role(role):
                    for offer in client[org.org_id].call("GET", "/v1/offers?status=open")["items"]:
                        if (offer["offer_id"], answer) not in answered:
                            client[org.org_id].call("POST", f"/v1/offers/{offer['offer_id']}/{answer}",
                                                    ok=(200, 409))
                            answered.add((offer["offer_id"], answer))
            return len(answered) == 2 * len(recorded)
        wait_until(answer_all, 60, every=0.3)
        placed_q = text("select region, candidate_id, unit_id from matcher_offer where status = 'placed'")
        with db.connect() as c:
            placed = sorted(wait_until(lambda: len(r := c.execute(placed_q).all()) == len(recorded) and r, 60))
    finally:
        db.dispose()

    history = load_history(conf.database_url, days=10)  # room for the simulated answers (hours after the offer)
    assert history.left_out == {}
    outcome = simulate(history.scenario.for_seed(1), make_solver("matcher", DEFAULT_POLICY), history.acceptance,
                       Timing())
    sim_first = min(o.occurred_at for o in outcome.offers)
    replayed = sorted((o.region, o.candidate_id, o.unit_id) for o in outcome.offers if o.occurred_at == sim_first)
    assert sim_first == first_at  # the same event time: the round's watermark, the last arrival
    assert len(recorded) >= 3 and replayed == recorded
    # The same placements when everyone says yes in the simulator too (in time: the deadline is far off).
    yes = AcceptanceModel(accept={kind: 1.0 for kind in DEFAULT_ACCEPT}, confirm=1.0, silent=0.0)
    outcome = simulate(history.scenario.for_seed(1), make_solver("matcher", DEFAULT_POLICY), yes,
                       Timing(offer_deadline_hours=1000))
    offered = {o.offer_id: (o.region, o.candidate_id, o.unit_id) for o in outcome.offers}
    assert sorted(offered[p.offer_id] for p in outcome.placements) == [tuple(r) for r in placed] == recorded

    # The command line replays the same database, with its calibrated answers, under disclosure control.
    out = tmp_path / "replay.json"
    assert main(["--history", conf.database_url, "--quiet", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["scenario"]["regions"] == ["R01"] and "disclosure_control" in report
    placed = report["variants"][0]["metrics"]["all"]["placed"]
    assert placed["mean"] is None or placed["mean"] >= 5
