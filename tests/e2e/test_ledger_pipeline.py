"""The ledger through the real broker and its worker: the multi-source scenario, the report API
(JSON, CSV, roles), its OpenAPI document under the NL GOV linter, a real Prometheus scraping
/metrics, and the dashboard in headless Chromium (which also saves docs/dashboard.png)."""
from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from contracts import events as ev
from services.kernel.signing import signed_message
from services.system.broker import free_port
from services.system.demo import create_organisations
from services.system.partner_client import PartnerClient
from services.system.scenario import Org, Scenario
from services.system.supervisor import client_ssl_context
from services.system.tls_proxy import tls_proxy
from tests.integration.ledger.scenario import build

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
SPECTRAL = ROOT / ".tools" / "node_modules" / ".bin" / "spectral"
RULESET = Path("/work/shared/standards/nl-api-design-rules.spectral.yaml")


async def _publish(bootstrap: str, events: list[ev.Event]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for e in events:  # as the service that makes each event: the ledger takes only authentic ones
            topic, key, value, headers = signed_message(e)
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


def _reference_events() -> list[ev.Event]:
    at = build().first_event
    common = {"occurred_at": at, "producer": "gm0363"}
    return [
        ev.AgreementRegistered(municipality="GM0363", region="R01", corporation="corp-0", period="2021",
                               max_places=40, **common),
        ev.AgreementRegistered(municipality="GM0599", region="R02", corporation="corp-1", period="2021",
                               max_places=25, **common),
        ev.NeighbourhoodLimitSet(municipality="GM0363", region="R01", neighbourhood="BU03630001", period="2021",
                                 max_placements=12, used=7, **common),
        ev.NeighbourhoodLimitSet(municipality="GM0363", region="R01", neighbourhood="BU03630002", period="2021",
                                 max_placements=10, used=2, **common),
    ]


@pytest.fixture(scope="module")
def https(stack):
    """The ledger's HTTPS address: a TLS proxy in front of it, as the ingress in production (tokens go over
    HTTPS only); the plain address serves probes, scrapes and the public documents."""
    with tls_proxy(stack.url("ledger"), stack.conf) as url:
        yield url


def _client(url: str, token: str | None, stack) -> PartnerClient:
    return PartnerClient(url, token, client_ssl_context(stack.conf))


@pytest.fixture(scope="module")
def ledger(stack, https):
    """Organisations with tokens (through the intake), then the scenario's events on the broker."""
    sc = build()
    orgs = Scenario(period="2021", today=date.today())
    orgs.orgs = [Org("VWS", "ministry"), Org("Gemeente Amsterdam", "municipality", municipality="GM0363",
                                             region="R01"),
                 Org("Opvang", "shelter", institution_type="shelter")]
    create_organisations(stack.conf, orgs)
    asyncio.run(_publish(stack.bootstrap, _reference_events() + sc.deliveries))
    tokens = {o.role: o.token for o in orgs.orgs}
    api = _client(https, tokens["ministry"], stack)
    deadline = time.monotonic() + 90
    report = None
    while time.monotonic() < deadline:
        status, report = api.request("GET", "/v1/reports/realised-places")
        # Eventually consistent: wait until the figures settle at the truth (or time out and let the
        # tests show the difference).
        if status == 200 and report["realised_places"] == sc.truth.places \
                and report["flagged_for_review"] in (sc.truth.review, None) and report["neighbourhood_limits"] \
                and len(report["agreements"]) == 2 and report["unverified_totals"] \
                and _shown({s["source"]: s["places"] for s in report["sources"]}, dict(sc.truth.sources)) \
                and report["currently_occupied"] in (sc.truth.occupied, None):
            break
        time.sleep(0.5)
    # Tokens reach the ledger through the intake's outbox and the organisations topic, on their own
    # partitions: wait until the shelter's is known too (403, not 401), as the tests below rely on it.
    shelter = _client(https, tokens["shelter"], stack)
    while time.monotonic() < deadline and shelter.request("GET", "/v1/reports/realised-places")[0] == 401:
        time.sleep(0.2)
    return sc, tokens, report


def _shown(published: dict, truth: dict) -> bool:
    """Every figure shown equals the truth (a hidden one is null); the keys are the same."""
    return set(published) == set(truth) and all(v is None or v == truth[k] for k, v in published.items())


def test_broker_replay_totals_and_overlap_equal_the_ground_truth(ledger):
    """Every figure the disclosure-controlled report shows equals the ground truth; the national total is
    always shown; a hidden figure is null, and labelled "verborgen" when it is 5 or more."""
    sc, _, r = ledger
    t = sc.truth
    assert r["realised_places"] == t.places and r["unique_persons"] in (t.persons, None)
    assert r["flagged_for_review"] in (t.review, None) and r["currently_occupied"] in (t.occupied, None)
    assert _shown(r["by_strategy"], {k: t.by_strategy.get(k, 0) for k in r["by_strategy"]})
    assert _shown(r["by_region"], dict(t.by_region))
    assert _shown({s["source"]: s["places"] for s in r["sources"]}, dict(t.sources))
    assert _shown({(o["source_a"], o["source_b"]): o["places"] for o in r["overlap"]}, dict(t.overlap))
    for k, v in r["by_strategy"].items():
        if v is None:
            assert (f"by_strategy.{k}" in r["secondary_suppressed"]) == (t.by_strategy.get(k, 0) >= 5)
    assert [u["places"] for u in r["unverified_totals"]] == [t.unverified]  # beside the count, not in it
    assert r["retractions"] > 0


def test_report_roles_scope_csv_and_problem_details(stack, ledger, https):
    sc, tokens, national = ledger
    url = https
    status, body = _client(url, None, stack).request("GET", "/v1/reports/realised-places")
    assert status == 401 and body["status"] == 401
    status, body = _client(url, tokens["shelter"], stack).request("GET", "/v1/reports/realised-places")
    assert status == 403
    muni = _client(url, tokens["municipality"], stack)
    own = muni.call("GET", "/v1/reports/realised-places")
    assert own["scope"] == {"level": "municipality", "municipality": "GM0363"}
    assert set(own["by_municipality"]) == {"GM0363"}
    assert own["realised_places"] is None or own["realised_places"] < national["realised_places"]
    # Comparable with others: the national report's published figures beside its own shares (and what it
    # works out from its own agreements' exact counters anyway, shown to it alone).
    cmp = own["comparison"]
    assert len(cmp["by_municipality"]) > 1 and all(v == cmp["by_municipality"][k] or v is None
                                                   for k, v in national["by_municipality"].items())
    assert cmp["national"]["realised_places"] == national["realised_places"]
    assert cmp["region"]["region"] == "R01" and national["by_region"]["R01"] in (cmp["region"]["realised_places"], None)
    assert cmp["own"]["over_90_days_share"] == own["over_90_days_share"]
    if own["housing_first"] is not None and own["realised_places"]:
        assert cmp["own"]["housing_first_share"] == round(own["housing_first"] / own["realised_places"], 4)
    assert "comparison" not in national
    assert muni.request("GET", "/v1/reports/realised-places?municipality=GM0599")[0] == 403
    status, body = muni.request("GET", "/v1/reports/realised-places?asOf=yesterday")
    assert status == 400 and body["invalid_params"][0]["name"] == "asOf"
    past = muni.call("GET", f"/v1/reports/realised-places?asOf={sc.first_event.date().isoformat()}")
    assert past["as_of"] == sc.first_event.date().isoformat()
    req = urllib.request.Request(url + "/v1/reports/realised-places",
                                 headers={"Authorization": f"Bearer {tokens['ministry']}", "Accept": "text/csv"})
    with urllib.request.urlopen(req, context=client_ssl_context(stack.conf)) as resp:
        assert resp.headers["Content-Type"].startswith("text/csv") and resp.headers["API-Version"]
        rows = list(csv.DictReader(io.StringIO(resp.read().decode())))
    assert {"table": "summary", "key": "realised_places", "value": str(sc.truth.places),
            "suppressed": "false", "label": ""} in rows
    overlap = {r["key"]: int(r["value"]) for r in rows if r["table"] == "overlap" and r["value"]}
    assert overlap and all(sc.truth.overlap[tuple(k.split("&"))] == n for k, n in overlap.items())
    assert all(r["label"] in ("<5", "verborgen") for r in rows if r["suppressed"] == "true" and r["label"])


def test_a_token_over_plain_http_is_refused_unused_at_every_service(stack, ledger):
    """The ledger answered bearer-authenticated requests over plain HTTP (issue 14, item 4): now every service
    refuses a token that arrives in the clear, before looking it up (a valid and an unknown token get the same
    403); probes and scrapes stay plain. (This stack trusts X-Forwarded-Proto from its TLS proxy; that a
    client's own header is ignored without that trust is a unit test.)"""
    _, tokens, _ = ledger
    for base in (stack.url("ledger"), stack.url("matcher")):
        for token in (tokens["ministry"], "not-a-token"):
            for headers in ({}, {"X-Forwarded-Proto": "http"}):  # what a proxy says of a plain request
                status, body = PartnerClient(base, token).request("GET", "/v1/reports/realised-places", headers=headers)
                assert (status, body["title"]) == (403, "HTTPS required"), (base, body)
                assert body["invalid_params"] == [{"name": "Authorization", "reason": "send over HTTPS"}]
                assert token not in json.dumps(body)
        for path in ("/health/live", "/metrics"):
            req = urllib.request.Request(base + path, headers={"Authorization": "Bearer scrape"})
            with urllib.request.urlopen(req, timeout=10) as resp:
                assert resp.status == 200, (base, path)


def test_openapi_document_passes_the_nl_gov_api_design_rules(stack, tmp_path):
    assert SPECTRAL.exists(), "run scripts/install-tools.sh (make tools) first"
    with urllib.request.urlopen(stack.url("ledger") + "/openapi.json") as resp:
        assert resp.headers["API-Version"]
        doc = json.loads(resp.read())
    path = tmp_path / "ledger-openapi.json"
    path.write_text(json.dumps(doc))
    proc = subprocess.run([str(SPECTRAL), "lint", "-r", str(RULESET), "-f", "json", str(path)],
                          capture_output=True, text=True, timeout=120)
    findings, _ = json.JSONDecoder().raw_decode(proc.stdout)  # spectral appends a summary line
    errors = [f for f in findings if f["severity"] == 0]
    assert errors == [] and proc.returncode == 0, errors or proc.stderr


def _prometheus_query(base: str, q: str):
    with urllib.request.urlopen(f"{base}/api/v1/query?query={urllib.parse.quote(q)}", timeout=5) as r:
        return json.loads(r.read())["data"]["result"]


def test_prometheus_scrapes_the_realised_places(stack, ledger, https, tmp_path):
    sc, tokens, _ = ledger
    port = free_port()
    ledger_hostport = stack.url("ledger").split("//", 1)[1]
    (tmp_path / "prometheus.yml").write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        f"scrape_configs:\n  - job_name: ledger\n    static_configs:\n      - targets: ['{ledger_hostport}']\n")
    proc = subprocess.Popen([shutil.which("prometheus") or "prometheus",
                             f"--config.file={tmp_path / 'prometheus.yml'}",
                             f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "prometheus.log", "wb"))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        national = strategies = None
        while time.monotonic() < deadline:
            try:
                national = _prometheus_query(base, "max(housing_national_realised_places)")
                strategies = _prometheus_query(base, "sum by (strategy) (housing_realised_places)")
                lag = _prometheus_query(base, 'housing_consumer_lag_messages{service="ledger"}')
                if national and lag and float(national[0]["value"][1]) == sc.truth.places:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert national and float(national[0]["value"][1]) == sc.truth.places
        # Only the region x strategy cells the national report shows are exported: each series is exact, and a
        # hidden cell is no series at all (a scrape cannot undo the suppression).
        report = _client(https, tokens["ministry"], stack).call("GET", "/v1/reports/realised-places")
        shown = {(g, k): v for g, per in report["by_region_and_strategy"].items() for k, v in per.items() if v is not None}
        series = _prometheus_query(base, "max by (region, strategy) (housing_realised_places)")
        assert {(s["metric"]["region"], s["metric"]["strategy"]): float(s["value"][1]) for s in series} == \
            {k: float(v) for k, v in shown.items()}
        assert strategies is not None
        processed = _prometheus_query(base, 'sum(housing_events_processed_total{service="ledger"})')
        assert float(processed[0]["value"][1]) >= len(sc.events)
    finally:
        proc.terminate()
        proc.wait(10)


def _chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           "--no-first-run", f"--user-data-dir={tmp}",
                           "--virtual-time-budget=10000",
                           "--ignore-certificate-errors",  # the TLS proxy's self-signed development certificate
                           *args],
                          capture_output=True, text=True, timeout=120)


def test_dashboard_in_headless_chromium(stack, ledger, https, tmp_path):
    sc, tokens, _ = ledger
    # Dutch whatever the browser's own language (the default is Dutch too; headless Chromium may ask for English)
    page = f"{https}/v1/dashboard?lang=nl#token={tokens['ministry']}"
    dom = _chromium("--dump-dom", page, tmp=tmp_path / "profile").stdout
    assert 'data-state="ready"' in dom, dom[-2000:]
    assert f'<b id="kpi-realised-places">{sc.truth.places}</b>' in dom
    assert f'<b id="kpi-review">{sc.truth.review}</b>' in dom or '<b id="kpi-review">&lt;5</b>' in dom
    assert 'id="chart-progress"' in dom and 'id="chart-strategy-month"' in dom and 'id="chart-neighbourhoods"' in dom
    assert f"{sc.truth.places} van 10.000 plekken" in dom and "Plekken per strategie per maand" in dom
    assert "BU03630001" in dom and "2.600" in dom  # limit use and the unverified total are shown
    assert tokens["ministry"] not in dom  # the token left the address bar
    # Without a token the page shows no figures.
    bare = _chromium("--dump-dom", f"{https}/v1/dashboard", tmp=tmp_path / "profile2").stdout
    assert 'data-state="no-token"' in bare and "kpi-realised-places" not in bare
    shot = ROOT / "docs" / "dashboard.png"
    shot.parent.mkdir(exist_ok=True)
    _chromium(f"--screenshot={shot}", "--window-size=1400,820", "--hide-scrollbars", page, tmp=tmp_path / "p3")
    assert shot.exists() and shot.stat().st_size > 10_000
