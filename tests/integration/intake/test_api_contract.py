"""The API document matches the real routes, passes the NL GOV API Design Rules linter, and the
running intake conforms to it under schemathesis (generated valid and invalid requests, every role)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from services.intake.entrypoints.openapi import UNDOCUMENTED_ROUTES, build_openapi
from services.intake.service_layer.operation_types import API_PREFIX
from services.intake.service_layer.operations import OPERATIONS
from tests.integration.intake.conftest import candidate_body, vacancy_body

ROOT = Path(__file__).resolve().parents[3]
RULESET = Path("/work/shared/standards/nl-api-design-rules.spectral.yaml")
SPECTRAL = ROOT / ".tools" / "node_modules" / ".bin" / "spectral"
pytestmark = pytest.mark.integration


def registered_routes() -> set[tuple[str, str]]:
    import services.intake.entrypoints.agents  # noqa: F401
    import services.intake.entrypoints.views  # noqa: F401
    from services.intake.entrypoints.app import app
    return {(r.method, r.resource.canonical) for r in app.web.web_app.router.routes() if r.method != "HEAD"}


def test_every_registered_route_is_documented_and_every_documented_route_exists():
    doc = build_openapi()
    documented = {(m.upper(), API_PREFIX + p) for p, ops in doc["paths"].items() for m in ops}
    registered = registered_routes()
    undocumented = {(m, p) for m, p in registered if p not in UNDOCUMENTED_ROUTES} - documented
    assert undocumented == set(), "routes missing from /openapi.json"
    assert documented - registered == set(), "documented routes that do not exist"
    assert {p for _, p in registered} >= UNDOCUMENTED_ROUTES  # the exceptions are real routes, explained in API.md
    assert len(documented) == len(OPERATIONS) + 1


def test_openapi_document_passes_the_nl_gov_api_design_rules(tmp_path):
    assert SPECTRAL.exists(), "run scripts/install-tools.sh (make tools) to install the Spectral linter"
    doc = tmp_path / "openapi.json"
    doc.write_text(json.dumps(build_openapi()))
    run = subprocess.run([str(SPECTRAL), "lint", "-r", str(RULESET), str(doc), "-f", "json", "--quiet"],
                         capture_output=True, text=True, timeout=120)
    results = json.loads(run.stdout or "[]")
    errors = [f"{r['code']} at {'.'.join(map(str, r['path']))}: {r['message']}" for r in results
              if r["severity"] == 0]
    assert errors == []
    warnings = [r for r in results if r["severity"] == 1]
    assert warnings == []


def test_served_document_equals_the_generated_one(intake):
    shelter = intake.org("shelter")
    status, served = shelter.api.request("GET", "/openapi.json")
    assert status == 200
    assert served["paths"] == json.loads(json.dumps(build_openapi()["paths"]))
    assert served["servers"][0]["url"].endswith("/v1")
    status, again = shelter.api.request("GET", "/v1/openapi.json")
    assert status == 200 and again == served


def _schemathesis(intake, token: str, tmp_path: Path, include: list[str], max_examples: int) -> subprocess.CompletedProcess:
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"
    cert = intake.conf.data_dir / "tls" / "localhost.crt"
    report = tmp_path / "report"
    args = [st, "run", f"{intake.url}/openapi.json", "--url", f"{intake.url}{API_PREFIX}",
            "-H", f"Authorization: Bearer {token}", "--tls-verify", str(cert),
            "--checks", "all", "--exclude-checks", "positive_data_acceptance,use_after_free,ensure_resource_availability",
            "--max-examples", str(max_examples), "--seed", "2026", "--workers", "1",
            "--phases", "examples,coverage,fuzzing", "--request-timeout", "10", "--no-color",
            "--suppress-health-check", "all", "--report", "ndjson", "--report-dir", str(report)]
    for op_id in include:
        args += ["--include-operation-id", op_id]
    return subprocess.run(args, capture_output=True, text=True, timeout=240,
                          env={**os.environ, "SCHEMATHESIS_HOOKS": ""})


def test_schemathesis_finds_no_failures_for_any_role(intake, tmp_path):
    shelter, corp, muni = intake.org("shelter"), intake.org("corporation"), intake.org("municipality")
    monitor, admin = intake.org("monitor", source_kind="flex_registry"), intake.org("admin")
    # Some real records, so generated ids sometimes hit something.
    shelter.api.call("POST", "/v1/candidates", candidate_body(bsn="111222333"))
    corp.api.call("POST", "/v1/vacancies", vacancy_body("ST-1"))
    by_role = {
        shelter.token: [op.operation_id for op in OPERATIONS if "shelter" in op.roles or not op.roles],
        corp.token: [op.operation_id for op in OPERATIONS if "corporation" in op.roles],
        muni.token: [op.operation_id for op in OPERATIONS if "municipality" in op.roles],
        monitor.token: [op.operation_id for op in OPERATIONS if "monitor" in op.roles],
        admin.token: [op.operation_id for op in OPERATIONS if "admin" in op.roles] + ["getOpenApi"],
    }
    failures = []
    for token, ops in by_role.items():
        run = _schemathesis(intake, token, tmp_path, ops, max_examples=15)
        if run.returncode != 0:
            failures.append(run.stdout[-6000:] + run.stderr[-2000:])
    assert not failures, "\n\n".join(failures)
