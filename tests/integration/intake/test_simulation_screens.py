"""The policy officer's simulation screens (issue 21 on issue 17's screens) against the real intake: the
authorisation matrix (only a municipality's policy officer, only its own jobs: another municipality of the same
region gets 404, as the API answers), the form's errors (listed at the top and at each field, never echoing a
value), a job started through the form once per form key, and a finished job's report as tables with the
disclosure control's hidden cells as the ledger shows them. The report is put on the topic as the simulation
worker would (signed as it); tests/e2e/test_simulation_screens_browser.py runs a real job through the worker."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from contracts import events as ev
from contracts.vocabulary import UserRole
from services.intake.entrypoints.screens.paths import SIMULATION_PAGES
from tests.integration.intake.people import check_matrix, hidden, person
from tests.support import wait_until

pytestmark = pytest.mark.integration
ROLES = {"case_worker": "shelter", "allocation_officer": "corporation", "policy_officer": "municipality",
         "transfer_officer": "transfer_point", "support_coordinator": "support_provider", "analyst": "ministry",
         "org_admin": "municipality", "system_admin": "admin"}
SCREENS = [
    ("GET", "/simulaties", {"policy_officer": 200}, None),
    ("GET", "/simulaties/nieuw", {"policy_officer": 200}, None),
    ("POST", "/simulaties/nieuw", {"policy_officer": 400}, None),
    ("GET", "/simulaties/{job_id}", {"policy_officer": 200}, ("neighbour", 404)),
    ("GET", "/simulaties/{job_id}/stoppen", {"policy_officer": 200}, ("neighbour", 404)),  # a job of its own (ask_id)
    ("POST", "/simulaties/{job_id}/stoppen", {"policy_officer": 303}, ("neighbour", 404)),  # another job (stop_id)
]
#: The job each stop screen is asked about: the confirmation of one still queued, the stop of another.
STOP_JOB = {"GET": "ask_id", "POST": "stop_id"}
#: A form every field of which is refused (an answer never depends on it for a refused role).
FORM = {"days": "veel", "seeds": "9", "agreement_extra_places": "dertig", "form_key": "matrix-simulation-key"}


def test_the_matrix_covers_every_screen():
    assert {path for _, path, _, _ in SCREENS} == SIMULATION_PAGES
    assert set(ROLES) == {r.value for r in UserRole}


def interval(mean, low=None, high=None) -> dict:
    return {"mean": mean, "low": mean if low is None else low, "high": mean if high is None else high}


def hidden_cell(why: str) -> dict:
    return {"mean": None, "low": None, "high": None, "suppressed": why}


def report() -> dict:
    """A replay's report as protect_report leaves it: youth's placed under 5, the family's hidden to protect it."""
    stays = {"placed": interval(12, 10, 14), "days_in_shelter_median": interval(40.5, 38, 43),
             "days_in_shelter_p90": interval(88, 80, 96), "share_placed_over_90_days": interval(0.25, 0.2, 0.3),
             "waiting_at_end": interval(7, 6, 8), "waiting_at_end_over_90_days": interval(5, 5, 5)}
    youth = {**stays, "placed": hidden_cell("<5"), "days_in_shelter_median": hidden_cell("hidden with the placed "
                                                                                         "people")}
    family = {**stays, "placed": hidden_cell("hidden")}
    return {"scenario": {"source": "history", "seeds": [1, 2]}, "disclosure_control": {"threshold": 5},
            "variants": [{"name": "Zoals nu", "metrics": {"all": stays, "youth": youth, "family": family}}]}


@pytest.fixture(scope="module")
def world(intake):
    municipality = intake.org("municipality", region="R46")
    neighbour = intake.org("municipality", region="R46")
    corp = intake.org("corporation", region="R46")
    orgs = {"municipality": municipality, "corporation": corp}
    people = {role: person(intake, orgs.get(org_role) or intake.org(org_role, region="R46"), role)
              for role, org_role in ROLES.items()}
    people["neighbour"] = person(intake, neighbour, "policy_officer")
    job = municipality.api.call("POST", "/v1/simulations", {"days": 20, "seeds": 2, "source": "history",
                                                            "variants": [{"name": "Zoals nu"}]}, ok=(202,))
    stop = municipality.api.call("POST", "/v1/simulations", {"days": 5, "seeds": 1}, ok=(202,))
    ask = municipality.api.call("POST", "/v1/simulations", {"days": 5, "seeds": 1}, ok=(202,))
    return {"ids": {"job_id": job["job_id"], "stop_id": stop["job_id"], "ask_id": ask["job_id"]}, "people": people,
            "municipality": municipality, "corp": corp}


@pytest.mark.parametrize("method,template,allowed,stranger", SCREENS)
def test_each_screen_answers_only_the_roles_it_is_for(intake, world, method, template, allowed, stranger):
    ids = world["ids"]
    path = template.format(**(ids | {"job_id": ids[STOP_JOB[method]]} if template.endswith("/stoppen") else ids))
    check_matrix(intake, world["people"], method, path, FORM, allowed, stranger, ROLES)


def test_the_policy_officer_stops_a_job_that_has_not_ended_after_confirming(world):
    b, api = world["people"]["policy_officer"].browser, world["municipality"].api
    job_id = api.call("POST", "/v1/simulations", {"days": 5, "seeds": 1}, ok=(202,))["job_id"]
    page = b.get(f"/simulaties/{job_id}").text
    assert f'href="/simulaties/{job_id}/stoppen" id="stoppen"' in page and "niet ongedaan" in page
    assert 'action="/simulaties/' not in page  # a link to the confirmation: nothing is stopped from here
    confirm = b.get(f"/simulaties/{job_id}/stoppen").text  # a page of its own, without script
    assert "kan niet ongedaan worden gemaakt" in confirm and 'id="ja-stoppen"' in confirm
    assert f'href="/simulaties/{job_id}" id="niet-stoppen"' in confirm
    assert api.call("GET", f"/v1/simulations/{job_id}")["status"] == "queued"  # asking stopped nothing
    b.get(f"/taal/en?terug=/simulaties/{job_id}/stoppen")
    assert "cannot be undone" in b.get(f"/simulaties/{job_id}/stoppen").text
    b.get("/taal/nl")
    stopped = b.submit(f"/simulaties/{job_id}/stoppen", f"/simulaties/{job_id}/stoppen",
                       form_key=hidden(confirm, "form_key"))
    assert stopped.status_code == 303 and stopped.headers["Location"] == f"/simulaties/{job_id}?gestopt=1"
    page = b.get(stopped.headers["Location"]).text
    assert "Gestopt" in page and "De simulatie is gestopt." in page and 'id="stoppen"' not in page
    assert api.call("GET", f"/v1/simulations/{job_id}")["status"] == "cancelled"
    feed = api.call("GET", "/v1/changes?cursor=0")["items"]
    assert [c["kind"] for c in feed if c["data"].get("job_id") == job_id] == ["simulation.cancelled"]
    ended = b.get(f"/simulaties/{job_id}/stoppen")  # nothing left to confirm: the job's page says how it ended
    assert ended.status_code == 303 and ended.headers["Location"] == f"/simulaties/{job_id}"
    again = b.submit(f"/simulaties/{job_id}/stoppen", "/account", form_key="another-stop-key")
    assert again.status_code == 303 and again.headers["Location"] == f"/simulaties/{job_id}"  # it had ended


def test_another_municipality_sees_none_of_the_jobs(world):
    neighbour = world["people"]["neighbour"].browser
    assert world["ids"]["job_id"] not in neighbour.get("/simulaties").text
    assert world["ids"]["job_id"] in world["people"]["policy_officer"].browser.get("/simulaties").text
    assert world["people"]["neighbour"].request("GET", f"/v1/simulations/{world['ids']['job_id']}")[0] == 404


def test_the_forms_errors_are_named_at_the_top_and_at_each_field_without_the_values(world):
    b = world["people"]["policy_officer"].browser
    form = {"source": "synthetic", "days": "driehonderd", "seeds": "9", "name": "Zoals nu",
            "agreement_extra_places": "dertig", "limit_extra_placements": "2", "offer_deadline_days": "61",
            "strategy": "look_ahead"}
    page = b.submit("/simulaties/nieuw", **form, form_key="errors-key-1")
    assert page.status_code == 400
    summary = re.search(r'<div class="utrecht-alert utrecht-alert--error" role="alert" id="fouten".*?</div>',
                        page.text, re.S).group(0)
    for field in ("days", "seeds", "agreement_extra_places", "offer_deadline_days"):
        assert f'href="#{field}"' in summary and f'id="{field}-fout"' in page.text, field
    assert "Vul een heel getal in." in page.text and "Dit getal is te groot." in page.text
    for value in ("driehonderd", "dertig", 'value="61"', 'value="9"'):
        assert value not in page.text  # refused values are never shown again
    assert 'value="2"' in page.text and 'value="look_ahead" selected' in page.text  # the right ones stay
    # The names are judged once the numbers are right: the what-if variant may not be called "Zoals nu".
    page = b.submit("/simulaties/nieuw", **{**form, "days": "10", "seeds": "1", "agreement_extra_places": "30",
                                            "offer_deadline_days": "5"}, form_key="errors-key-2")
    assert page.status_code == 400 and 'href="#name"' in page.text and "Kies een andere naam" in page.text
    page = b.submit("/simulaties/nieuw", **{**form, "days": "10", "seeds": "1", "agreement_extra_places": "30",
                                            "offer_deadline_days": "5", "name": "123456782"}, form_key="errors-key-3")
    assert page.status_code == 400 and "123456782" not in page.text and "Zet geen BSN" in page.text


def test_the_form_starts_one_job_per_form_key_with_the_changes_as_the_api_takes_them(world):
    officer, corp = world["people"]["policy_officer"], world["corp"]
    b = officer.browser
    form_page = b.get("/simulaties/nieuw").text
    assert f'value="{corp.org_id}"' in form_page  # the region's corporation to choose
    form = {"csrf_token": hidden(form_page, "csrf_token"), "form_key": hidden(form_page, "form_key"),
            "source": "synthetic", "days": "15", "seeds": "1", "name": "Dertig meer",
            "agreement_corporation": corp.org_id, "agreement_extra_places": "30", "strategy": "look_ahead",
            "offer_deadline_days": "5", "limit_extra_placements": ""}
    first = b.http.post("/simulaties/nieuw", data=form)
    again = b.http.post("/simulaties/nieuw", data=form)  # a double click
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    job_id = first.headers["Location"].rsplit("/", 1)[1]
    job = officer.call("GET", f"/v1/simulations/{job_id}")
    assert job["variants"] == [{"name": "Zoals nu"}, {"name": "Dertig meer", "changes": {
        "agreements": [{"corporation": corp.org_id, "municipality": world["municipality"].municipality,
                        "extra_places": 30}], "strategy": "look_ahead", "offer_deadline_hours": 120.0}}]
    assert (job["days"], job["seeds"], job["source"]) == (15, 1, "synthetic")
    listed = b.get("/simulaties").text
    assert listed.count(f'href="/simulaties/{job_id}"') == 1
    assert listed.index(job_id) < listed.index(world["ids"]["job_id"])  # newest first
    page = b.get(f"/simulaties/{job_id}").text
    assert 'id="vernieuwen"' in page and "In de wachtrij" in page
    assert "30 extra plaatsen in de afspraak met" in page and "reactietermijn 5 dagen" in page


def test_a_finished_replay_shows_its_tables_with_the_hidden_cells_as_the_ledger_does(intake, world):
    job_id, org_id = world["ids"]["job_id"], world["municipality"].org_id
    now = datetime.now(UTC)
    intake.send_event(ev.SimulationProgressed(producer="simulation", occurred_at=now, job_id=job_id, org_id=org_id,
                                              days_simulated=20, days_total=40))
    b = world["people"]["policy_officer"].browser
    running = wait_until(lambda: (p := b.get(f"/simulaties/{job_id}").text) and "Bezig" in p and p, timeout=30)
    assert "50% (20 van 40 gesimuleerde dagen)" in running and 'id="vernieuwen"' in running
    intake.send_event(ev.SimulationFinished(producer="simulation", occurred_at=now, job_id=job_id, org_id=org_id,
                                            status="done", report=report()))
    page = wait_until(lambda: (p := b.get(f"/simulaties/{job_id}").text) and "Klaar" in p and p, timeout=30)
    assert 'id="vernieuwen"' not in page
    table = re.search(r'<table class="utrecht-table" id="uitkomst-1">.*?</table>', page, re.S).group(0)
    rows = {re.search(r'scope="row">([^<]+)<', r).group(1): re.findall(r'<td class="utrecht-table__cell">(.*?)</td>', r)
            for r in re.findall(r"<tr class=\"utrecht-table__row\"><th[^>]*scope=\"row\".*?</tr>", table, re.S)}
    assert rows["Iedereen"][0] == ('12<br><span class="hm-hint"><span class="hm-visually-hidden">95%-interval: </span>'
                                   '10 – 14</span>')
    assert rows["Iedereen"][1].startswith("40,5") and rows["Iedereen"][3].startswith("25%")
    assert rows["Jongeren (18–27)"][:2] == ["&lt;5", "verborgen"]
    assert rows["Gezinnen met kinderen"][0] == "verborgen"
    assert "95%-interval" in page and "staat er als &lt;5" in page
    english = b.get(f"/taal/en?terug=/simulaties/{job_id}")
    page = b.get(f"/simulaties/{job_id}").text
    assert english.status_code in (302, 303) and "hidden" in page and "Youth" in page
    assert '<span class="hm-visually-hidden">95% interval: </span>' in page
    assert 'Variant "As now", per group' in page and "Zoals nu" not in page  # the form's own name, translated
    b.get("/taal/nl")
    assert f'href="/v1/simulations/{job_id}"' in page
    linked = b.get(f"/v1/simulations/{job_id}")  # the link as a browser follows it: the session, no header
    assert linked.status_code == 200 and linked.json()["report"]["variants"][0]["name"] == "Zoals nu"
