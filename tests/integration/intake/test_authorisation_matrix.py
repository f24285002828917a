"""Every endpoint x every role x another organisation's ids: nothing leaks, nothing changes."""
from __future__ import annotations

import hashlib
import random
from datetime import date

import pytest

from contracts.vocabulary import UserRole
from services.intake.domain.accounts import may_use, role_fits
from services.intake.service_layer.operations import OPERATIONS
from services.system.scenario import make_bsn
from tests.integration.intake.conftest import candidate_body, vacancy_body, wait_for
from tests.integration.intake.people import person

pytestmark = pytest.mark.integration

ROLES = ("shelter", "corporation", "municipality", "monitor", "ministry", "admin", "transfer_point", "support_provider")
#: Tables a refused request may touch: the audit trail records the refusal itself, a person's session its
#: last request (the idle timeout's clock).
MAY_CHANGE = {"intake_audit", "intake_session"}


def body_for(op_id: str, world) -> dict | None:
    today = date.today().isoformat()
    return {
        "createPersonReference": {"bsn": "111222333"},
        "submitCandidate": candidate_body(bsn="123456782"),
        "updateCandidate": candidate_body(household_size=2),
        "withdrawCandidate": {"reason": "moved away"},
        "publishVacancy": vacancy_body("MX-9", municipality=world["muni_a"].municipality, region="R07",
                                       neighbourhood="BU" + world["muni_a"].municipality[2:] + "0001"),
        "withdrawVacancy": {"reason": "sold"},
        "registerAgreement": {"corporation": world["corp_a"].org_id, "period": "2026", "max_places": 3},
        "setNeighbourhoodLimit": {"neighbourhood": "BU" + world["muni_a"].municipality[2:] + "0002",
                                  "period": "2026", "max_placements": 2},
        "rejectOffer": {"reason": "unit not ready"},
        "declineOffer": {"reason": "too far"},
        "reportPlacement": {"report_id": "rep-x", "bsn": "111222333", "municipality": world["muni_a"].municipality,
                            "region": "R07", "bag_id": home_of(world), "unit_kind": "regular",
                            "move_in_date": today},
        "retractPlacement": {"reason": "double entry"},
        "endPlacement": {"person_ref": "a" * 64, "bag_id": home_of(world), "end_date": today,
                         "reason": "moved on"},
        "reportPlacementTotals": {"period": "2026", "places": 4},
        "replayWebhook": {"cursor": 0},
        "setNotificationSettings": {"language": "nl", "frequency": "immediate"},
        # issue 20: a transfer point's decisions on another region's records
        "approveProposal": {"reason": "akkoord"}, "setAsideProposal": {"reason": "niet passend"},
        "liftParking": {"reason": "gesprek gevoerd"},
    }.get(op_id)


def home_of(world) -> str:
    """The BAG id of corporation a's vacancy V-A1, in municipality a: a home both may report placements in."""
    return world["muni_a"].municipality[2:] + "010000000001"


@pytest.fixture(scope="module")
def world(intake):
    # One region (R07, as every test municipality): a corporation's look-up of its region needs a region.
    w = {f"{role}_{x}": intake.org(role, region="R07",
                                   **({"source_kind": "flex_registry"} if role == "monitor" else {}))
         for role in ("shelter", "corporation", "municipality", "monitor") for x in "ab"}
    w["muni_a"], w["muni_b"] = w.pop("municipality_a"), w.pop("municipality_b")
    w["corp_a"], w["corp_b"] = w.pop("corporation_a"), w.pop("corporation_b")
    w["ministry"], w["admin"] = intake.org("ministry"), intake.org("admin")
    # Another region's transfer point: the one organisation that sees other organisations' candidates, of its
    # own region only (test_accounts.py); here it must see nothing of region R07.
    w["transfer_point"] = intake.org("transfer_point", region="R08")
    w["support_provider"] = intake.org("support_provider")  # issue 20: states its own room, sees no candidate
    sa, ca, ma = w["shelter_a"], w["corp_a"], w["muni_a"]
    cand = sa.api.call("POST", "/v1/candidates", candidate_body(bsn=make_bsn(random.Random())))
    assert "linked_to_existing" not in cand  # whether the person is registered elsewhere is never told
    ca.api.call("POST", "/v1/vacancies", vacancy_body("V-A1", municipality=ma.municipality, bag_id=home_of(w)))
    ma.api.call("POST", "/v1/agreements", {"corporation": ca.org_id, "period": "2026", "max_places": 5})
    ma.api.call("POST", "/v1/placement-reports", {
        "report_id": "rep-a1", "bsn": "123456782", "municipality": ma.municipality, "region": "R07",
        "bag_id": home_of(w), "unit_kind": "flex", "move_in_date": date.today().isoformat()})
    w["ids"] = {"candidate_id": cand["candidate_id"], "vacancy_id": "V-A1", "report_id": "rep-a1",
                "offer_id": intake.offer(sa, cand["candidate_id"], ca, "V-A1"),
                "user_id": sa.api.call("POST", "/v1/users", {"email": f"colleague@{sa.org_id}.example.nl",
                                                              "role": "case_worker"})["user_id"],
                # a public address written as such (no DNS here); this stack runs no notifier, nothing is sent
                "webhook_id": sa.api.call("POST", "/v1/webhooks", {"url": "https://9.9.9.9/housing-match"})["webhook_id"],
                # issue 21: municipality a's simulation job (queued: no simulation worker runs here)
                "job_id": ma.api.call("POST", "/v1/simulations", {"days": 5, "seeds": 1}, ok=(202,))["job_id"]}
    # Everything written so far is on its topic: the relay's deletions do not count as a refusal's change.
    wait_for(lambda: intake.query("select count(*) from intake_outbox")[0][0] == 0)
    return w


def owner_of(op, w):
    """The one organisation that may use this operation on A's records."""
    p = op.path_params
    if not p:
        return None
    return {"candidate_id": w["shelter_a"], "vacancy_id": w["corp_a"], "report_id": w["muni_a"],
            "user_id": w["shelter_a"], "webhook_id": w["shelter_a"], "job_id": w["muni_a"],
            "offer_id": w["shelter_a"] if "shelter" in op.roles and len(op.roles) == 1
            else w["corp_a"] if op.roles == ("corporation",) else None}[p[0]]


def snapshot(intake) -> dict[str, str]:
    tables = [r[0] for r in intake.query(
        "select table_name from information_schema.tables where table_schema = current_schema() "
        "and table_name like 'intake_%'")] if intake.db_url.startswith("postgresql") else \
        [r[0] for r in intake.query("select name from sqlite_master where type='table' and name like 'intake_%'")]
    out = {}
    for t in sorted(set(tables) - MAY_CHANGE - {"intake_alembic_version"}):
        rows = intake.query(f"select * from {t}")
        out[t] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return out


def test_every_operation_with_every_role_and_anothers_ids(intake, world):
    callers = [o for k, o in world.items() if k != "ids"]
    assert check_every_operation(intake, world, callers) > 150


def check_every_operation(intake, world, callers) -> int:
    """Every operation by every caller (organisations' tokens, or people signed in) on A's records: a refusal
    changes nothing and names nothing of A; answers the number of checks."""
    ids = world["ids"]
    a_ids = set(ids.values()) - {"V-A1"}
    checked = 0
    for op in OPERATIONS:
        owner = owner_of(op, world)
        path = op.full_path.format(**{p: ids[p] for p in op.path_params})
        for caller in callers:
            # A person does what the organisation's token may, narrowed by their role (domain/accounts.py).
            person_may = getattr(caller, "user_role", None) is None or may_use(caller.user_role, op.tag)
            allowed_role = (not op.roles or caller.role in op.roles) and person_may
            if op.tag == "notification-settings" and getattr(caller, "user_role", None) is None:
                allowed_role = False  # a person's own settings (issue 18): an organisation's token has none
            is_owner = owner is not None and caller.org_id == owner.org_id and person_may
            who = (op.operation_id, caller.role, getattr(caller, "user_role", None))
            if op.method == "GET":
                status, body = caller.api.request("GET", path)
                text = repr(body)
                if op.path_params:
                    expected = 200 if is_owner else (404 if allowed_role else 403)
                    if op.operation_id == "getOffer" and person_may and caller.org_id in (
                            world["shelter_a"].org_id, world["corp_a"].org_id):
                        expected = 200  # both sides of the offer see it
                    assert status == expected, (*who, status)
                else:
                    assert status == (200 if allowed_role else 403), (*who, status)
                    # The audit trail names record ids (never personal data) to administrators, by design.
                    if caller.org_id not in (world["shelter_a"].org_id, world["corp_a"].org_id,
                                             world["muni_a"].org_id) and op.operation_id != "listAuditEntries":
                        assert not any(i in text for i in a_ids), (op.operation_id, caller.role, "leak")
                checked += 1
                continue
            if not op.path_params and allowed_role:
                continue  # creating one's own records: not about another organisation's data
            if is_owner:
                continue
            before = snapshot(intake)
            status, body = caller.api.request(op.method, path, body_for(op.operation_id, world))
            expected = (404 if allowed_role else 403)
            assert status == expected, (*who, status, body)
            assert body["status"] == expected and "detail" in body
            assert not any(i in repr(body) for i in a_ids)
            assert snapshot(intake) == before, (op.operation_id, caller.role, "changed something")
            checked += 1
    return checked


def test_every_operation_with_every_person_role_and_anothers_ids(intake, world):
    """The matrix with people: every role a person can hold in each organisation, signed in for real."""
    people = [person(intake, org, user_role) for key, org in world.items() if key != "ids"
              for user_role in UserRole if role_fits(user_role, org.role)]
    assert {p.user_role for p in people} == set(UserRole)
    assert check_every_operation(intake, world, people) > 400


def audit_entries(admin, *orgs) -> list[dict]:
    """Every audit entry (or those of these organisations), following the cursor to the end."""
    out = []
    for org in orgs or (None,):
        cursor = 0
        while True:
            query = f"cursor={cursor}&limit=500" + (f"&organisation={org.org_id}" if org else "")
            page = admin.api.call("GET", f"/v1/audit-entries?{query}")
            out += page["items"]
            if not page["items"]:
                break
            cursor = page["next_cursor"]
    return out


def test_refusals_are_audited_and_admins_read_the_audit(intake, world):
    world["shelter_b"].api.request("POST", f"/v1/candidates/{world['ids']['candidate_id']}/withdrawal",
                                   {"reason": "not mine"})
    cid = world["ids"]["candidate_id"]
    world["shelter_a"].api.call("GET", f"/v1/candidates/{cid}")
    assert world["shelter_b"].api.request("GET", f"/v1/candidates/{cid}")[0] == 404
    admin = world["admin"]
    # The whole audit, page by page: the package's other tests fill it too, in any order.
    entries = audit_entries(admin) + audit_entries(admin, world["shelter_a"], world["shelter_b"])
    actions = {(e["org_id"], e["action"], e["outcome"]) for e in entries}
    # Reads of a candidate's data are audited, served or refused, with the record read.
    reads = {(e["org_id"], e["outcome"]) for e in entries if e["action"] == "getCandidate" and e["record"] == cid}
    assert reads >= {(world["shelter_a"].org_id, "ok"), (world["shelter_b"].org_id, "refused:404")}
    assert (world["shelter_a"].org_id, "candidate.submit", "ok") in actions
    assert (world["shelter_b"].org_id, "withdrawCandidate", "refused:404") in actions
    assert all("111222333" not in repr(e) and "123456782" not in repr(e) for e in entries)
    for other in ("shelter_a", "ministry", "muni_a"):
        assert world[other].api.request("GET", "/v1/audit-entries")[0] == 403


def test_ministry_gets_no_personal_data_at_all(intake, world):
    m = world["ministry"]
    for op in OPERATIONS:
        if op.method != "GET" or not op.roles:
            continue
        path = op.full_path.format(**{p: world["ids"][p] for p in op.path_params})
        assert m.api.request("GET", path)[0] == 403
    assert m.api.call("GET", "/v1/changes")["items"] == []
    assert m.api.request("POST", "/v1/person-references", {"bsn": "111222333"})[0] == 403


def test_each_party_reads_its_own_agreements_and_its_own_side_of_an_offer(intake, world):
    corp_a, corp_b, muni_a = world["corp_a"], world["corp_b"], world["muni_a"]
    # A corporation reads the agreements it is party to, with their counters; never another corporation's.
    [own] = corp_a.api.call("GET", "/v1/agreements")["items"]
    assert (own["corporation"], own["municipality"], own["max_places"]) == (corp_a.org_id, muni_a.municipality, 5)
    assert set(own["counters"]) == {"committed", "used", "held", "remaining"}
    assert corp_b.api.call("GET", "/v1/agreements")["items"] == []
    assert corp_a.api.request("GET", "/v1/neighbourhood-limits")[0] == 403  # the municipality's own instrument
    for role in ("shelter_a", "monitor_a", "ministry", "admin"):
        assert world[role].api.request("GET", "/v1/agreements")[0] == 403
    # The offer: the shelter sees the home, the corporation the household and no score.
    offer_id = world["ids"]["offer_id"]
    by_shelter = world["shelter_a"].api.call("GET", f"/v1/offers/{offer_id}")
    by_corporation = corp_a.api.call("GET", f"/v1/offers/{offer_id}")
    assert by_shelter["home"]["municipality"] == muni_a.municipality and by_shelter["household"] is None
    assert by_shelter["priority"] == 10
    assert by_corporation["home"] is None and by_corporation["household"]["household_size"] == 1
    assert by_corporation["priority"] is None and by_corporation["explanation"] is None
    assert by_corporation["candidate_id"] is None
