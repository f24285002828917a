"""Every operation of the intake with a real request and its real answer, as API-examples.md shows them.

The examples are recorded from the running product (real broker, real database), so they cannot be
invented. The test plays one small region through every operation and checks the committed document
against what it saw: every operation has an example, and each answer has the fields the document
shows. After a change of the API, write the document anew:

    WRITE_API_EXAMPLES=1 .venv/bin/python -m pytest tests/e2e/test_api_examples.py
"""
from __future__ import annotations

import json
import os
import random
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from services.intake.service_layer.operations import OPERATIONS
from services.system.demo import create_organisations
from services.system.partner_client import PartnerClient
from services.system.scenario import Org, Scenario, make_bsn
from services.system.supervisor import client_ssl_context
from tests.support import wait_until

pytestmark = pytest.mark.e2e
DOCUMENT = Path(__file__).parents[2] / "services" / "intake" / "API-examples.md"
#: The webhook example points at this machine (no DNS here); production refuses loopback addresses.
STACK_ENV = {"WEBHOOK_ALLOW_LOOPBACK": "true"}
STACK_SIMULATION = True  # issue 21: a simulation job runs to its report
BSN, OTHER_BSN, THIRD_BSN = "123456782", "111222333", "100000009"  # test numbers that pass the 11-proef, no real persons


class Recorder:
    """Calls the API as each role and keeps the first exchange of every operation."""

    def __init__(self, stack, orgs: dict[str, Org]) -> None:
        tls = client_ssl_context(stack.conf)
        self.clients = {role: PartnerClient(stack.url("intake"), org.token, tls) for role, org in orgs.items()}
        self.orgs = orgs
        self.seen: dict[str, dict] = {}
        self.stack = stack

    def __call__(self, operation: str, role: str, method: str, path: str, body=None, ok=(200, 201, 202)):
        status, answer = self.clients[role].request(method, "/v1" + path, body)
        assert status in ok, (operation, status, answer)
        self.seen.setdefault(operation, {"role": role, "method": method, "path": "/v1" + path, "body": body,
                                         "status": status, "answer": answer})
        return answer


def _play(rec: Recorder, orgs: dict[str, Org]) -> None:
    today, corp = date.today(), orgs["corporation"].org_id
    rec("listOrganisations", "municipality", "GET", "/organisations?role=corporation")
    rec("registerAgreement", "municipality", "POST", "/agreements",
        {"corporation": corp, "period": str(today.year), "max_places": 10})
    rec("listAgreements", "municipality", "GET", "/agreements")
    rec("setNeighbourhoodLimit", "municipality", "POST", "/neighbourhood-limits",
        {"neighbourhood": "BU09990001", "period": str(today.year), "max_placements": 5})
    rec("listNeighbourhoodLimits", "municipality", "GET", "/neighbourhood-limits")
    rec("createPersonReference", "shelter", "POST", "/person-references", {"bsn": BSN})
    person = {"region": "R99", "household_size": 2, "children": 1, "support": "light",
              "support_provider": "Ambulant Team Voorbeeld",
              "shelter_entry_date": (today - timedelta(days=120)).isoformat()}
    cand = rec("submitCandidate", "shelter", "POST", "/candidates", {"bsn": BSN, **person})["candidate_id"]
    rec("updateCandidate", "shelter", "PUT", f"/candidates/{cand}", {**person, "youth": True})
    rec("listCandidates", "shelter", "GET", "/candidates?status=waiting")
    home = {"municipality": "GM0999", "region": "R99", "neighbourhood": "BU09990001", "kind": "regular",
            "rooms": 2, "support": ["none", "light"], "available_from": today.isoformat()}
    rec("publishVacancy", "corporation", "POST", "/vacancies", {
        "unit_id": "A-1", **home, "rent": 612.5, "service_costs": 45.0, "energy_label": "B", "floor": 1,
        "lift": False, "address": {"street": "Dorpsstraat", "number": "7b", "postcode": "9999 AA", "town": "Voorbeeld"},
        "viewing_contact": {"name": "Verhuur Voorbeeld", "phone": "+31 50 000 0000", "email": "verhuur@example.nl"}})
    rec("getVacancy", "corporation", "GET", "/vacancies/A-1")
    offer = wait_until(lambda: rec.clients["shelter"].call("GET", "/v1/offers?status=open")["items"])[0]["offer_id"]
    rec("listOffers", "shelter", "GET", "/offers?status=open")
    rec("getOffer", "corporation", "GET", f"/offers/{offer}")
    rec("confirmOffer", "corporation", "POST", f"/offers/{offer}/confirmation", {})
    rec("acceptOffer", "shelter", "POST", f"/offers/{offer}/acceptance", {})
    rec("getCandidate", "shelter", "GET", f"/candidates/{cand}")
    # A second person and home: the corporation rejects, the person declines a later offer, both withdraw.
    other = rec.clients["shelter"].call("POST", "/v1/candidates", {"bsn": OTHER_BSN, **person})["candidate_id"]
    rec.clients["corporation"].call("POST", "/v1/vacancies", {"unit_id": "A-2", **home})
    second = wait_until(lambda: [o for o in rec.clients["shelter"].call("GET", "/v1/offers?status=open")["items"]
                                 if o["vacancy_id"] == "A-2"])[0]["offer_id"]
    rec("rejectOffer", "corporation", "POST", f"/offers/{second}/rejection",
        {"category": "home_no_longer_available", "reason": "De woning gaat eerst naar een interne verhuizing."})
    rec("listPassedOver", "shelter", "GET", f"/candidates/{other}/passed-over")
    rec.clients["corporation"].call("POST", "/v1/vacancies", {"unit_id": "A-3", **home})
    third = wait_until(lambda: [o for o in rec.clients["shelter"].call("GET", "/v1/offers?status=open")["items"]
                                if o["vacancy_id"] == "A-3"])[0]["offer_id"]
    rec("declineOffer", "shelter", "POST", f"/offers/{third}/decline", {"category": "too_far_from_care_work_or_school", "reason": "Te ver van het werk."})
    rec("withdrawCandidate", "shelter", "POST", f"/candidates/{other}/withdrawal", {"reason": "Verhuisd."})
    rec("withdrawVacancy", "corporation", "POST", "/vacancies/A-3/withdrawal", {"reason": "Renovatie."})
    rec("listVacancies", "corporation", "GET", "/vacancies")
    # Monitoring sources report what happened outside the matcher.
    report = {"report_id": "flex-2026-001", "bsn": OTHER_BSN, "municipality": "GM0999", "region": "R99",
              "bag_id": "0999010000123456", "unit_kind": "flex", "move_in_date": today.isoformat()}
    rec("reportPlacement", "monitor", "POST", "/placement-reports", report)
    rec("listPlacementReports", "monitor", "GET", "/placement-reports")
    rec("retractPlacement", "monitor", "POST", "/placement-reports/flex-2026-001/retraction",
        {"reason": "Dubbel gemeld."})
    rec("endPlacement", "monitor", "POST", "/placement-endings",
        {"bsn": BSN, "unit_id": "A-1", "corporation": corp, "end_date": today.isoformat(), "reason": "Verhuisd."})
    rec("reportPlacementTotals", "monitor", "POST", "/placement-totals",
        {"period": str(today.year), "region": "R99", "places": 12})
    # People of an organisation (created with the organisation's token or by its org_admin).
    user = rec("createUser", "shelter", "POST", "/users", {"email": "j.jansen@opvang.example", "role": "case_worker"})
    rec("listUsers", "shelter", "GET", "/users")
    rec("resetUserPassword", "shelter", "POST", f"/users/{user['user_id']}/password-reset", {})
    rec("disableUser", "shelter", "POST", f"/users/{user['user_id']}/disabling", {})
    # The transfer point reads its region's waiting candidates, pseudonymously.
    rec.clients["shelter"].call("POST", "/v1/candidates", {"bsn": THIRD_BSN, **person})
    rec("listRegionCandidates", "transfer_point", "GET", "/transfer-point/candidates")
    _play_regional_rules(rec, home, person)
    _play_simulation(rec)
    rec("listChanges", "shelter", "GET", "/changes")
    _play_notifications(rec, orgs)
    rec("listAuditEntries", "admin", "GET", "/audit-entries?limit=3")


def _play_notifications(rec: Recorder, orgs: dict[str, Org]) -> None:
    """Issue 18: webhooks (the organisation's token) and a person's own settings (signed in at the pages)."""
    from types import SimpleNamespace

    from tests.integration.intake.people import person
    hook = rec("registerWebhook", "corporation", "POST", "/webhooks",
               {"url": "https://localhost:8443/webhooks/housing-match"})
    rec("listWebhooks", "corporation", "GET", "/webhooks")
    rec("replayWebhook", "corporation", "POST", f"/webhooks/{hook['webhook_id']}/replay", {"cursor": 0})
    rec("deleteWebhook", "corporation", "DELETE", f"/webhooks/{hook['webhook_id']}")
    shelter = SimpleNamespace(org_id=orgs["shelter"].org_id, role="shelter", api=rec.clients["shelter"])
    worker = person(SimpleNamespace(url=rec.stack.url("intake"), conf=rec.stack.conf), shelter, "case_worker")
    for op_id, method, body in (("setNotificationSettings", "PUT", {"language": "en", "frequency": "daily"}),
                                ("getNotificationSettings", "GET", None)):
        status, answer = worker.request(method, "/v1/notification-settings", body)
        assert status == 200, (op_id, status, answer)
        rec.seen[op_id] = {"role": "case worker (signed in)", "method": method, "path": "/v1/notification-settings",
                           "body": body, "status": status, "answer": answer}
def _play_regional_rules(rec: Recorder, home: dict, person: dict) -> None:
    """Issue 20: the region's own policy, a support provider's room, the transfer point's decisions."""
    today = date.today()
    shelter, tp = rec.clients["shelter"], rec.clients["transfer_point"]
    rec("registerRegionPolicy", "municipality", "POST", "/region-policies", {
        "effective_from": today.isoformat(),
        "policy": {"review": {"enabled": True}, "refusals": {"max_declines": 1, "park_days": 30},
                   "affordability": {"enabled": True, "limit_small": 650.43, "limit_large": 879.66}}})
    rec("listRegionPolicies", "transfer_point", "GET", "/region-policies")
    rec("setSupportCapacity", "support_provider", "POST", "/support-capacity",
        {"period": str(today.year), "max_new_clients": 4})
    rec("listSupportCapacity", "support_provider", "GET", "/support-capacity")
    time.sleep(3)  # the policy reaches the matcher before the home it must apply to

    # A person submitted under the region's policy: each home proposed to them waits for the transfer point.
    fourth = shelter.call("POST", "/v1/candidates", {"bsn": make_bsn(random.Random("api-examples-4")),
                                                     **person, "rent_allowance_eligible": True,
                                                     "exit_date": (today + timedelta(days=20)).isoformat()})

    def proposal() -> dict:
        return wait_until(lambda: [p for p in tp.call("GET", "/v1/transfer-point/proposals")["items"]
                                   if p["status"] == "waiting" and p["candidate_id"] == fourth["candidate_id"]])[0]

    rec.clients["corporation"].call("POST", "/v1/vacancies", {"unit_id": "A-4", **home, "rent": 612.5})
    first = proposal()["offer_id"]
    rec("listProposals", "transfer_point", "GET", "/transfer-point/proposals")
    rec("approveProposal", "transfer_point", "POST", f"/transfer-point/proposals/{first}/approval",
        {"reason": "Besproken aan de matchtafel: passend."})
    wait_until(lambda: [o for o in shelter.call("GET", "/v1/offers?status=open")["items"] if o["offer_id"] == first])
    shelter.call("POST", f"/v1/offers/{first}/decline", {"category": "other", "reason": "Wil liever wachten."})
    parked = fourth["candidate_id"]
    wait_until(lambda: [c for c in shelter.call("GET", "/v1/changes")["items"]
                                 if c["kind"] == "candidate.parked"])
    rec("liftParking", "transfer_point", "POST", f"/transfer-point/candidates/{parked}/parking-lift",
        {"reason": "Gesprek gevoerd; de weigering had een goede grond."})
    time.sleep(3)
    rec.clients["corporation"].call("POST", "/v1/vacancies", {"unit_id": "A-5", **home})
    aside = proposal()
    rec("setAsideProposal", "transfer_point", "POST", f"/transfer-point/proposals/{aside['offer_id']}/setting-aside",
        {"reason": "Te ver van de begeleiding."})
    rec("holdVacancy", "transfer_point", "POST", "/transfer-point/holds",
        {"unit_id": aside["unit_id"], "until": (today + timedelta(days=7)).isoformat(),
         "reason": "Aangehouden voor een gezin uit de crisisopvang."})
    rec.clients["corporation"].call("POST", "/v1/vacancies", {"unit_id": "A-6", **home})
    rec("matchByHand", "transfer_point", "POST", "/transfer-point/manual-matches",
        {"candidate_id": parked, "unit_id": f"{_corporation_id(rec)}:A-6",
         "reason": "Voorrang: werk en school in deze wijk."})
    wait_until(lambda: [m for m in tp.call("GET", "/v1/transfer-point/manual-matches")["items"]
                        if m["status"] != "requested"])
    rec("listManualMatches", "transfer_point", "GET", "/transfer-point/manual-matches")


def _play_simulation(rec: Recorder) -> None:
    """Issue 21: the municipality simulates its own region; the example waits for the report."""
    job = rec("startSimulation", "municipality", "POST", "/simulations", {"days": 30, "seeds": 2, "variants": [
        {"name": "30 plaatsen meer", "changes": {"agreements": [{"municipality": "GM0999", "extra_places": 30}]}}]})
    wait_until(lambda: rec.clients["municipality"].call("GET", f"/v1/simulations/{job['job_id']}")["status"]
               in ("done", "failed"), timeout=60)
    rec("getSimulation", "municipality", "GET", f"/simulations/{job['job_id']}")
    rec("listSimulations", "municipality", "GET", "/simulations")
    stop = rec.clients["municipality"].call("POST", "/v1/simulations", {"days": 30, "seeds": 1,
                                                                         "variants": [{"name": "vandaag"}]}, ok=(202,))
    rec("cancelSimulation", "municipality", "POST", f"/simulations/{stop['job_id']}/cancellation")


def _corporation_id(rec: Recorder) -> str:
    return rec.orgs["corporation"].org_id


def _render(seen: dict[str, dict]) -> str:
    out = [
        "# Intake API: a request and its answer per operation",
        "",
        "Recorded from the running product by `tests/e2e/test_api_examples.py` (real broker, real database),",
        "which also checks that this document still matches the API. Ids, tokens and dates differ per run;",
        "long lists are cut to their first entry (a simulation's report to its first variant and group, one",
        "row of its rules). The rules behind each answer are in [API.md](API.md).",
        "",
    ]
    for op in OPERATIONS:
        ex = seen[op.operation_id]
        out += [f"## `{op.operation_id}`: {op.summary}", "", f"As the {ex['role']}:", "", "```http",
                f"{ex['method']} {ex['path']}"]
        if ex["body"] is not None:
            out += ["Content-Type: application/json", "", json.dumps(ex["body"], indent=2, ensure_ascii=False)]
        out += ["```", "", f"Answer `{ex['status']}`:", "", "```json",
                json.dumps(_cut(ex["answer"]), indent=2, ensure_ascii=False), "```", ""]
    return "\n".join(out)


def _cut(answer):
    if isinstance(answer, dict) and isinstance(answer.get("items"), list):
        return {**answer, "items": answer["items"][:1]}
    if isinstance(answer, dict) and isinstance(answer.get("report"), dict):
        return {**answer, "report": _cut_report(answer["report"])}
    return answer


def _cut_report(report: dict) -> dict:
    """A simulation's report: its first variant, the group "all"; the rules' rows are named by the run's own
    organisation ids (another set every run), so one stands for them all."""
    def variant(v: dict) -> dict:
        rules = sorted(v["rules"].items())[:1]
        return {**v, "metrics": {"all": v["metrics"]["all"]},
                "rules": {"agreement … (of …)": rules[0][1]} if rules else {}}
    return {**report, "variants": [variant(v) for v in report["variants"][:1]]}


def _documented(text: str) -> dict[str, dict]:
    """operationId -> the answer the document shows."""
    found = {}
    for op_id, answer in re.findall(r"^## `(\w+)`:.*?^Answer `\d+`:\n\n```json\n(.*?)\n```", text, re.S | re.M):
        found[op_id] = json.loads(answer)
    return found


def _shape(value):
    """Field names, nested; lists by their first entry."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return None


def test_every_operation_has_a_real_example(stack):
    sc = Scenario(period=str(date.today().year), today=date.today())
    sc.orgs = [Org("Gemeente Voorbeeld", "municipality", municipality="GM0999", region="R99", central=True),
               Org("Woonstichting Voorbeeld", "corporation", region="R99"),
               Org("Opvang Voorbeeld", "shelter", region="R99", institution_type="shelter"),
               Org("Flexregister", "monitor", source_kind="flex_registry"), Org("Beheer", "admin"),
               Org("Transferpunt Voorbeeld", "transfer_point", region="R99"),
               Org("Ambulant Team Voorbeeld", "support_provider")]
    create_organisations(stack.conf, sc)
    rec = Recorder(stack, {o.role: o for o in sc.orgs})
    _play(rec, {o.role: o for o in sc.orgs})
    assert set(rec.seen) == {op.operation_id for op in OPERATIONS}, "an operation has no example"
    if os.environ.get("WRITE_API_EXAMPLES"):
        DOCUMENT.write_text(_render(rec.seen), encoding="utf-8")
    documented = _documented(DOCUMENT.read_text(encoding="utf-8"))
    for op_id, ex in rec.seen.items():
        assert op_id in documented, f"{op_id} is missing from {DOCUMENT.name}: write it anew (see the docstring)"
        assert _shape(_cut(ex["answer"])) == _shape(documented[op_id]), \
            f"{op_id} answers other fields than {DOCUMENT.name} shows: write it anew (see the docstring)"
