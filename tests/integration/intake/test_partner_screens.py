"""The screens of issue 17 against the real intake (plain HTTP with a session cookie, as a browser without
script): the corporation's CSV upload (valid rows once, each bad row by line and reason, never a value;
a second upload imports nothing twice), offers as a landlord may see them, agreements with history and
neighbourhood limits as table and chart, the transfer point's stalled offers, and the administrators'
tokens (a revoked token is refused at once) and audit search."""
from __future__ import annotations

import random
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from contracts import events as ev
from services.system.scenario import make_bsn
from tests.integration.intake.conftest import wait_for
from tests.integration.intake.people import hidden, person

pytestmark = pytest.mark.integration
GOOD = "unit_id,municipality,region,neighbourhood,kind,rooms,available_from\n"


def csv_file(*rows: str) -> bytes:
    return (GOOD + "".join(r + "\n" for r in rows)).encode()


def upload(p, content: bytes):
    csrf = hidden(p.browser.get("/corporatie/woningen/upload").text, "csrf_token")
    return p.browser.http.post("/corporatie/woningen/upload", data={"csrf_token": csrf},
                               files={"file": ("woningen.csv", content, "text/csv")})


@pytest.fixture(scope="module")
def corp(intake):
    org = intake.org("corporation", region="R07")
    return org, person(intake, org, "allocation_officer")


def test_a_csv_upload_imports_the_valid_rows_once_and_names_each_bad_row_by_line(intake, corp):
    org, officer = corp
    content = csv_file("CSV-1,GM0363,R07,BU03630001,regular,2,2026-12-01",
                       "CSV-2,GM0363,R07,BU03630001,regular,zeven,2026-12-01",
                       "CSV-3,GM0363,R07,BU03630002,flex,1,2026-12-01")
    first = upload(officer, content)
    assert first.status_code == 200, first.text
    page = first.text
    assert "Regel 3" in page and "Kamers: Vul een heel getal in." in page and "zeven" not in page
    assert "Regel 4" in page and "Beschikbaar tot" in page  # a flex home needs its end date
    assert "0 woningen nieuw" not in page and "1 woningen nieuw gepubliceerd" in page
    again = upload(officer, content).text
    assert "0 woningen nieuw gepubliceerd" in again and "al geïmporteerd: niets gedaan" in again
    homes = org.api.call("GET", "/v1/vacancies")["items"]
    assert [h["vacancy_id"] for h in homes] == ["CSV-1"]
    audit = intake.query("select count(*) from intake_audit where action = 'vacancy.publish' and record = :r",
                         r=f"{org.org_id}:CSV-1")
    assert audit[0][0] == 1  # published once, though uploaded twice
    listing = officer.browser.get("/corporatie/woningen").text
    assert "CSV-1" in listing and "Nog niet bekeken" in listing
    bad = upload(officer, b"\xff\xfe not a csv")
    assert "geen tekst in UTF-8" in bad.text


def test_the_corporation_confirms_an_offer_seeing_only_what_a_landlord_may_see(intake, corp):
    org, officer = corp
    shelter = intake.org("shelter")
    made = shelter.api.call("POST", "/v1/candidates", {"region": "R07", "household_size": 2, "children": 1,
                                                       "shelter_entry_date": "2026-01-05", "medical_urgency": True,
                                                       "bsn": make_bsn(random.Random(1701))})
    offer_id = intake.offer(shelter, made["candidate_id"], org, "CSV-1")
    page = officer.browser.get(f"/corporatie/aanbiedingen/{offer_id}").text
    assert "Personen" in page and made["candidate_id"] not in page and "urgentie" not in page.split("Het huishouden")[1].split("U ziet")[0]
    assert "Medische" not in page
    csrf, key = hidden(page, "csrf_token"), hidden(page, "form_key")
    done = officer.browser.http.post(f"/corporatie/aanbiedingen/{offer_id}/bevestigen",
                                     data={"csrf_token": csrf, "form_key": key})
    assert done.status_code == 303
    assert "U hebt het aanbod bevestigd" in officer.browser.get(done.headers["Location"]).text
    assert org.api.call("GET", f"/v1/offers/{offer_id}")["corporation_answer"] == "confirmed"


def test_a_policy_officer_registers_and_changes_an_agreement_and_sees_its_history(intake, corp):
    org, _ = corp
    gm = intake.org("municipality", municipality="GM0363", region="R07")
    officer = person(intake, gm, "policy_officer")
    for places in ("3", "5"):
        page = officer.browser.get("/gemeente/afspraken").text
        done = officer.browser.http.post("/gemeente/afspraken", data={
            "csrf_token": hidden(page, "csrf_token"), "form_key": hidden(page, "form_key"),
            "corporation": org.org_id, "period": "2026", "max_places": places, "used": "0"})
        assert done.status_code == 303, done.text
    page = officer.browser.get("/gemeente/afspraken").text
    history = page.split('id="geschiedenis"')[1]
    assert history.count(f"Test corporation") == 2 and history.index(">5<") < history.index(">3<")
    wrong = officer.browser.http.post("/gemeente/wijken", data={
        "csrf_token": hidden(page, "csrf_token"), "form_key": "k" * 20, "neighbourhood": "BU99990001",
        "period": "2026", "max_placements": "2", "used": "0"})
    assert wrong.status_code == 400 and "BU99990001" not in wrong.text
    page = officer.browser.get("/gemeente/wijken").text
    done = officer.browser.http.post("/gemeente/wijken", data={
        "csrf_token": hidden(page, "csrf_token"), "form_key": hidden(page, "form_key"),
        "neighbourhood": "BU03630001", "period": "2026", "max_placements": "4", "used": "1"})
    assert done.status_code == 303
    page = officer.browser.get("/gemeente/wijken").text
    assert '<svg class="hm-chart"' in page and " / 4</text>" in page
    names = officer.browser.get("/gemeente/organisaties").text
    assert org.org_id in names and "Woningcorporatie" in names


def test_the_transfer_point_sees_a_stalled_offer(intake, corp):
    org, _ = corp
    shelter, tp = intake.org("shelter"), intake.org("transfer_point", region="R07")
    made = shelter.api.call("POST", "/v1/candidates", {"region": "R07", "household_size": 1,
                                                       "shelter_entry_date": "2026-01-05",
                                                       "bsn": make_bsn(random.Random(1702))})
    org.api.call("POST", "/v1/vacancies", {"unit_id": "TP-1", "municipality": "GM0363", "region": "R07",
                                           "neighbourhood": "BU03630001", "kind": "regular", "rooms": 1,
                                           "available_from": "2026-12-01"})
    offer_id = f"off-{uuid.uuid4().hex[:12]}"
    then = datetime.now(UTC) - timedelta(days=4)
    intake.send_event(ev.OfferMade(producer="matcher", occurred_at=then, offer_id=offer_id, round_id="rnd-s",
                                   candidate_id=made["candidate_id"], shelter=shelter.org_id,
                                   unit_id=f"{org.org_id}:TP-1", corporation=org.org_id, region="R07", priority=5,
                                   explanation={"days": 5}, expires_at=datetime.now(UTC) + timedelta(days=1)))
    officer = person(intake, tp, "transfer_officer")

    def shown():
        text = officer.browser.get("/transferpunt/aanbiedingen").text
        return text if offer_id in text else None
    page = wait_for(shown)
    stalled = page.split('id="vastgelopen"')[1].split("</ul>")[0]
    assert offer_id in stalled and "wacht op de corporatie" in stalled
    waiting = shelter.api.call("POST", "/v1/candidates", {"region": "R07", "household_size": 1,
                                                          "shelter_entry_date": "2025-11-05",
                                                          "bsn": make_bsn(random.Random(1703))})
    listed = officer.browser.get("/transferpunt").text
    assert waiting["candidate_id"] in listed and "langer dan 90 dagen" in listed


def test_an_administrator_revokes_a_token_and_the_next_call_with_it_is_refused(intake, corp):
    org, _ = corp
    admin = person(intake, intake.org("admin"), "system_admin")
    assert org.org_id in admin.browser.get("/beheer/organisaties").text
    page = admin.browser.get(f"/beheer/organisaties/{org.org_id}/tokens").text
    form = {"csrf_token": hidden(page, "csrf_token"), "form_key": hidden(page, "form_key")}
    answer = admin.browser.http.post(f"/beheer/organisaties/{org.org_id}/tokens", data=form)
    assert answer.status_code == 201 and answer.headers["Cache-Control"] == "no-store"
    issued = answer.text
    token = re.search(r'id="token">(hm_[^<]+)<', issued).group(1)
    again = admin.browser.http.post(f"/beheer/organisaties/{org.org_id}/tokens", data=form)  # a reload: nothing
    assert again.status_code == 200 and again.headers["Cache-Control"] == "no-store"
    assert 'id="al-aangemaakt"' in again.text and "hm_" not in again.text
    assert len(re.findall(r'<tr [^>]*id="token-', again.text)) == 2  # the first token and the one issued, no third
    kept = intake.query("select cast(body as text) from intake_idempotency where key = :k",
                        k="form:" + form["form_key"])
    assert len(kept) == 1 and org.org_id in kept[0][0] and token not in kept[0][0]  # the answer kept, not the token
    from services.kernel.privacy import hash_token
    from contracts.inbound import key_id
    kid = key_id(org.token)
    assert org.api.request("GET", "/v1/vacancies")[0] == 200
    done = admin.browser.http.post(f"/beheer/organisaties/{org.org_id}/tokens/{kid}/intrekken",
                                   data={"csrf_token": hidden(issued, "csrf_token")})
    assert done.status_code == 303
    assert org.api.request("GET", "/v1/vacancies")[0] == 401
    found = admin.browser.get(f"/beheer/audit?organisation={admin.org_id}&record={org.org_id}/{kid}").text
    assert "token.revoke" in found and "token.issue" not in found
    assert hash_token(org.token) not in found
    assert admin.browser.get("/beheer/audit?since=gisteren").status_code == 200


def test_an_administrator_registers_an_organisation_and_sees_its_first_token_once(intake):
    admin = person(intake, intake.org("admin"), "system_admin")
    page = admin.browser.get("/beheer/organisaties").text
    wrong = admin.browser.http.post("/beheer/organisaties", data={
        "csrf_token": hidden(page, "csrf_token"), "name": "Gemeente Fout", "role": "municipality",
        "municipality": "XX12", "region": "R07"})
    assert wrong.status_code == 400 and "Gemeente (CBS-code)" in wrong.text and "XX12" not in wrong.text
    form = {"csrf_token": hidden(page, "csrf_token"), "form_key": hidden(page, "form_key"), "name": "Gemeente Goed",
            "role": "municipality", "municipality": "GM0364", "region": "R07", "central": "ja"}
    made = admin.browser.http.post("/beheer/organisaties", data=form)
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="token">(hm_[^<]+)<', made.text).group(1)
    # A reload or a second click: no second organisation, no token shown again, and none kept.
    again = admin.browser.http.post("/beheer/organisaties", data=form)
    assert again.status_code == 200 and again.headers["Cache-Control"] == "no-store"
    assert 'id="al-geregistreerd"' in again.text and "hm_" not in again.text
    assert intake.query("select count(*) from intake_organisation where name = 'Gemeente Goed'")[0][0] == 1
    kept = intake.query("select cast(body as text) from intake_idempotency where key = :k", k="form:" + form["form_key"])
    assert len(kept) == 1 and token not in kept[0][0]
    # Back to the sent form, changed, sent again: a Dutch page that says nothing was done, not an error document.
    changed = admin.browser.http.post("/beheer/organisaties", data={**form, "name": "Gemeente Anders"})
    assert changed.status_code == 409 and "Dit formulier is al verstuurd" in changed.text
    assert "Gemeente Anders" not in changed.text
    assert intake.query("select count(*) from intake_organisation where name = 'Gemeente Anders'")[0][0] == 0
    from services.system.partner_client import PartnerClient
    from services.system.supervisor import client_ssl_context
    api = PartnerClient(intake.url, token, client_ssl_context(intake.conf))
    assert api.request("GET", "/v1/agreements")[0] == 200
    assert token not in admin.browser.get("/beheer/organisaties").text and "Gemeente Goed" in made.text
