"""One region to test in: a municipality with an agreement, a corporation and a shelter (and the ministry)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.system.demo import create_organisations
from services.system.partner_client import PartnerClient
from services.system.scenario import Org, Scenario
from services.system.supervisor import client_ssl_context


@dataclass
class Region:
    api: dict[str, PartnerClient]  # by role
    orgs: dict[str, Org]
    municipality: str
    region: str

    def vacancy(self, unit_id: str, kind: str = "regular", rooms: int = 1) -> dict:
        return self.api["corporation"].call("POST", "/v1/vacancies", {
            "unit_id": unit_id, "municipality": self.municipality, "region": self.region,
            "neighbourhood": f"BU{self.municipality[2:]}0001", "kind": kind, "rooms": rooms,
            "available_from": date.today().isoformat()})

    def candidate(self, bsn: str, days_in_shelter: int) -> dict:
        return self.api["shelter"].call("POST", "/v1/candidates", {
            "bsn": bsn, "region": self.region, "household_size": 1,
            "shelter_entry_date": (date.today() - timedelta(days=days_in_shelter)).isoformat()})


def one_region(stack, name: str, municipality: str, region: str, max_places: int, ministry: bool = False) -> Region:
    today = date.today()
    sc = Scenario(period=str(today.year), today=today)
    sc.orgs = [Org(f"Gemeente {name}", "municipality", municipality=municipality, region=region),
               Org(f"Woonstichting {name}", "corporation"), Org(f"Opvang {name}", "shelter", institution_type="shelter"),
               *([Org(f"VWS {name}", "ministry")] if ministry else [])]
    create_organisations(stack.conf, sc)
    tls = client_ssl_context(stack.conf)
    orgs = {o.role: o for o in sc.orgs}
    api = {o.role: PartnerClient(stack.url("intake"), o.token, tls) for o in sc.orgs}
    api["municipality"].call("POST", "/v1/agreements", {"corporation": orgs["corporation"].org_id,
                                                        "period": sc.period, "max_places": max_places})
    return Region(api, orgs, municipality, region)
