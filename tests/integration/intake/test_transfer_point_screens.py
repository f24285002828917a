"""The transfer point's decisions and the region's policy on the screens (issue 17 with issue 20's operations),
against the real intake as plain HTTP with a session cookie: proposals (overdue first) approved or set aside with
a reason, a home held until a date, a parking lifted, and a central municipality's new policy version. Each
refusal names the field and never repeats the value; every decision lands where the API's would."""
from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts import events as ev
from services.intake.service_layer.organisations import create_organisation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.system.partner_client import PartnerClient
from services.system.scenario import make_bsn
from services.system.supervisor import client_ssl_context
from tests.integration.intake.conftest import Org, vacancy_body, wait_for
from tests.integration.intake.people import hidden, person

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def region(intake):
    corp, shelter = intake.org("corporation", region="R07"), intake.org("shelter")
    candidates = [shelter.api.call("POST", "/v1/candidates", {
        "region": "R07", "household_size": 1, "shelter_entry_date": "2026-02-01",
        "bsn": make_bsn(random.Random(f"transfer-screens-{n}"))})["candidate_id"] for n in range(2)]
    corp.api.call("POST", "/v1/vacancies", vacancy_body("TP-1"))
    officer = person(intake, intake.org("transfer_point", region="R07"), "transfer_officer")
    return {"corp": corp, "shelter": shelter, "candidates": candidates, "officer": officer}


def send_and_wait(intake, event, sql: str, **params) -> None:
    intake.send_event(event)
    wait_for(lambda: intake.query(sql, **params))


def propose(intake, region, candidate_id: str, overdue: bool = False) -> str:
    offer_id, now = f"prop-{uuid.uuid4().hex[:12]}", datetime.now(UTC)
    send_and_wait(intake, ev.OfferProposed(
        producer="matcher", occurred_at=now, offer_id=offer_id, round_id="rnd-tp", candidate_id=candidate_id,
        shelter=region["shelter"].org_id, unit_id=f"{region['corp'].org_id}:TP-1", corporation=region["corp"].org_id,
        region="R07", priority=10, explanation={"days": 10}, period=str(now.year), review_due=now + timedelta(days=2)),
        "select 1 from intake_proposal where offer_id = :o", o=offer_id)
    if overdue:
        send_and_wait(intake, ev.ProposalOverdue(producer="matcher", occurred_at=now, offer_id=offer_id, region="R07"),
                      "select 1 from intake_proposal where offer_id = :o and overdue", o=offer_id)
    return offer_id


def post(p, path: str, **data):
    csrf = hidden(p.browser.get("/account").text, "csrf_token")
    return p.browser.http.post(path, data={"csrf_token": csrf, "form_key": uuid.uuid4().hex, **data})


def test_proposals_wait_overdue_first_and_are_approved_or_set_aside_with_a_reason(intake, region):
    officer, (first, second) = region["officer"], region["candidates"]
    on_time, late = propose(intake, region, first), propose(intake, region, second, overdue=True)
    listing = officer.browser.get("/transferpunt/voorstellen").text
    assert listing.index(late) < listing.index(on_time) and "(te laat)" in listing
    undecided = post(officer, f"/transferpunt/voorstellen/{late}", reason="Geen keuze.")
    assert undecided.status_code == 400 and "Kies goedkeuren of opzij zetten." in undecided.text
    empty = post(officer, f"/transferpunt/voorstellen/{late}", reason="", besluit="goedkeuren")
    assert empty.status_code == 400 and "Reden: Vul dit veld in." in empty.text
    bsn = make_bsn(random.Random(99))
    leaked = post(officer, f"/transferpunt/voorstellen/{late}", reason=f"bsn {bsn}", besluit="goedkeuren")
    assert leaked.status_code == 400 and bsn not in leaked.text
    done = post(officer, f"/transferpunt/voorstellen/{late}", reason="Past bij de begeleiding.", besluit="goedkeuren")
    assert done.status_code == 303 and done.headers["Location"] == "/transferpunt/voorstellen?klaar=goedkeuren"
    aside = post(officer, f"/transferpunt/voorstellen/{on_time}", reason="Te ver van school.", besluit="opzijzetten")
    assert aside.status_code == 303
    assert dict(intake.query("select offer_id, status from intake_proposal where offer_id in (:a, :b)",
                             a=late, b=on_time)) == {late: "approved", on_time: "set_aside"}
    shown = officer.browser.get("/transferpunt/voorstellen?klaar=opzijzetten").text
    assert "Opzijgezet: deze kandidaat en woning" in shown and "Te ver van school." in shown
    again = post(officer, f"/transferpunt/voorstellen/{late}", reason="Nog eens.", besluit="opzijzetten")
    assert again.status_code == 409 and "al beoordeeld" in again.text


def test_a_home_is_held_until_a_date_and_a_parking_is_lifted_with_a_reason(intake, region):
    officer, unit_id = region["officer"], f"{region['corp'].org_id}:TP-1"
    past = post(officer, "/transferpunt/vasthouden", unit_id=unit_id, until="2026-01-01", reason="Voor een gezin.")
    assert past.status_code == 400 and "Vasthouden tot en met: Deze datum moet na vandaag liggen." in past.text
    assert 'value="2026-01-01"' not in past.text
    until = (date.today() + timedelta(days=7)).isoformat()
    held = post(officer, "/transferpunt/vasthouden", unit_id=unit_id, until=until, reason="Voor een gezin.")
    assert held.status_code == 303
    assert "De woning wordt vastgehouden" in officer.browser.get(held.headers["Location"]).text
    assert intake.query("select 1 from intake_audit where action = 'transferPoint.hold' and record like :r",
                        r=f"{unit_id}%")
    parked = region["candidates"][0]
    send_and_wait(intake, ev.CandidateParked(producer="matcher", occurred_at=datetime.now(UTC), candidate_id=parked,
                                             shelter=region["shelter"].org_id, region="R07",
                                             until=datetime.now(UTC) + timedelta(days=60), declines=3),
                  "select 1 from intake_parking where candidate_id = :c", c=parked)
    assert f"/transferpunt/kandidaten/{parked}/parkering" in officer.browser.get("/transferpunt").text
    lifted = post(officer, f"/transferpunt/kandidaten/{parked}/parkering", reason="Weigeringen hadden een grond.")
    assert lifted.status_code == 303
    assert intake.query("select lifted_at from intake_parking where candidate_id = :c", c=parked)[0][0] is not None
    again = post(officer, f"/transferpunt/kandidaten/{parked}/parkering", reason="Nog eens.")
    assert again.status_code == 409


def test_the_central_municipality_registers_a_policy_version_and_another_may_only_read(intake):
    def municipality(central: bool):
        code = f"GM{random.Random(f'policy-{central}').randint(8000, 8999)}"
        org_id, token = create_organisation(IntakeUnitOfWork(intake.engine), f"Gemeente {central}", "municipality",
                                            code, "R18", None, central=central)
        api = PartnerClient(intake.url, token, client_ssl_context(intake.conf))
        org = Org(org_id, token, "municipality", api, code)
        return person(intake, org, "policy_officer")
    central, other = municipality(True), municipality(False)
    wrong = post(central, "/gemeente/beleid", effective_from=date.today().isoformat(), max_declines="xyzzy",
                 window_days="0", park_days="60")
    assert wrong.status_code == 400 and "xyzzy" not in wrong.text
    assert "Aantal weigeringen voor parkeren: Vul een heel getal in." in wrong.text
    assert "Binnen hoeveel dagen: Dit getal is te klein." in wrong.text
    made = post(central, "/gemeente/beleid", effective_from=date.today().isoformat(), review_enabled="ja",
                max_declines="4", window_days="180", park_days="30")
    assert made.status_code == 303
    policy = intake.query("select version, policy from intake_region_policy where region = 'R18'")
    assert [(v, p["review"], p["refusals"]) for v, p in policy] == [
        (1, {"enabled": True}, {"max_declines": 4, "window_days": 180, "park_days": 30})]
    read = other.browser.get("/gemeente/beleid").text
    assert "na 4 weigeringen binnen 180 dagen, 30 dagen" in read and "(geldt nu)" in read
    refused = post(other, "/gemeente/beleid", effective_from=date.today().isoformat(), max_declines="3",
                   window_days="365", park_days="60")
    assert refused.status_code == 403 and "Alleen de centrumgemeente" in refused.text
