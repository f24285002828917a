"""Static checks of deploy/docker-compose.yml (no Docker engine runs here)."""
from __future__ import annotations

import json
import re
import shlex

import pytest

from contracts.topics import all_topic_names
from services.system.cli import build_parser
from services.kernel.config import Settings
from tests.unit.deploy.support import (COMPOSE, DEPLOY, KAFKA, KAFKA_SECURITY_ENV, KAFKA_USERS, SERVICES, interpolate,
                                       load_compose, project_services, read_tsv, stack_env_names)

DUMMY = {name: f"dummy-{name.lower()}" for name in stack_env_names()}
SETTINGS_ENV = {name.upper() for name in Settings.model_fields}


@pytest.fixture(scope="module")
def doc() -> dict:
    return load_compose(DUMMY)


def test_every_compose_variable_is_made_by_gen_secrets_or_has_a_default():
    seen: set[str] = set()
    interpolate(COMPOSE.read_text(), DUMMY, seen)  # raises on a required variable nobody provides
    assert seen, "the compose file should take its secrets from stack.env"


def test_compose_file_is_valid_for_the_compose_specification(doc):
    """The Rust compose_spec parser (compose-spec on PyPI) is strict: unknown keys and bad values fail."""
    compose_spec = pytest.importorskip("compose_spec")
    parsed = compose_spec.PyCompose.from_json(json.dumps(doc))
    assert set(parsed.service_names()) == set(doc["services"])


def test_stack_shape(doc):
    services = doc["services"]
    brokers = [n for n, s in services.items() if str(s.get("image", "")).startswith("apache/kafka")
               and "broker.sh" in " ".join(s.get("entrypoint", []))]
    assert sorted(brokers) == ["kafka-1", "kafka-2", "kafka-3"]
    assert {s["environment"]["KAFKA_NODE_ID"] for n, s in services.items() if n in brokers} == {"1", "2", "3"}
    assert "postgres" in services and "prometheus" in services and "grafana" in services
    workers = project_services(doc)
    for svc in SERVICES:
        assert workers[svc]["deploy"]["replicas"] >= 2, f"{svc} should run several replicas"
    # More matcher replicas than candidate partitions would leave some never ready.
    from contracts.topics import CANDIDATES
    assert workers["matcher"]["deploy"]["replicas"] <= CANDIDATES.partitions


def test_commands_of_project_containers_parse_with_the_cli(doc):
    parser = build_parser()
    for name, svc in project_services(doc).items():
        args = parser.parse_args(svc["command"])
        if args.cmd == "worker":
            assert args.service == name
        else:
            assert args.cmd == "db" and args.db_cmd == "upgrade", name


def test_environment_of_project_containers_is_known_to_the_settings(doc):
    for name, svc in project_services(doc).items():
        unknown = set(svc.get("environment", {})) - SETTINGS_ENV - KAFKA_SECURITY_ENV
        assert not unknown, f"{name}: environment variables nobody reads: {sorted(unknown)}"


def test_each_service_has_its_own_kafka_user_database_and_port(doc):
    workers = project_services(doc)
    for svc in SERVICES:
        env = workers[svc]["environment"]
        assert env["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
        assert env["KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
        assert env["KAFKA_SASL_USERNAME"] == svc
        assert env["KAFKA_SSL_CAFILE"].startswith("/run/secrets/")
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka-1:9092,kafka-2:9092,kafka-3:9092"
        assert re.fullmatch(rf"postgresql\+psycopg://{svc}:[^@]+@postgres:5432/{svc}", env["DATABASE_URL"])
        assert workers[f"migrate-{svc}"]["environment"]["DATABASE_URL"] == env["DATABASE_URL"]
        port = env[f"{svc.upper()}_PORT"]
        probe = " ".join(workers[svc]["healthcheck"]["test"])
        assert f"localhost:{port}/health/ready" in probe
        assert workers[svc]["depends_on"]["kafka-setup"]["condition"] == "service_completed_successfully"
        assert workers[svc]["depends_on"][f"migrate-{svc}"]["condition"] == "service_completed_successfully"
    assert "https://" in " ".join(workers["intake"]["healthcheck"]["test"])


def test_files_named_by_the_stack_exist(doc):
    own, missing_external = [], []
    for name, svc in doc["services"].items():
        for vol in svc.get("volumes", []):
            src = vol.split(":", 1)[0]
            if src.startswith("./"):
                path = DEPLOY / src
                (own if not src.startswith(("./prometheus/prometheus.yml", "./grafana")) else missing_external
                 ).append(path)
        for word in shlex.split(" ".join(map(str, svc.get("entrypoint", []) + svc.get("command", []) or []))):
            if word.startswith("/opt/housing/kafka/"):
                own.append(KAFKA / word.removeprefix("/opt/housing/kafka/"))
            if word.startswith("/opt/housing/backup/"):
                own.append(DEPLOY / "backup" / word.removeprefix("/opt/housing/backup/"))
            if word.startswith("/opt/housing/postgres/"):
                own.append(DEPLOY / "postgres" / word.removeprefix("/opt/housing/postgres/"))
    own = [p for p in own if "dumps" not in p.parts]
    assert own and all(p.exists() for p in own), [str(p) for p in own if not p.exists()]
    # Secret files are made by gen-secrets.sh.
    script = (KAFKA / "gen-secrets.sh").read_text()
    for secret in doc["secrets"].values():
        assert secret["file"].startswith("./kafka/generated/")
        base = secret["file"].rsplit("/", 1)[1]
        stem = base.rsplit(".", 1)[0]
        assert base in script or f"issue {stem} " in script, base
    absent = [str(p.relative_to(DEPLOY)) for p in missing_external if not p.exists()]
    if absent:
        pytest.skip(f"owned by another engineer and not there yet: {absent}")


def test_prometheus_mounts_the_alert_rules(doc):
    vols = doc["services"]["prometheus"]["volumes"]
    assert "./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in vols
    assert "./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in vols
    assert any(v.startswith("./grafana/provisioning:") for v in doc["services"]["grafana"]["volumes"])
    assert any(v.startswith("./grafana/dashboards:") for v in doc["services"]["grafana"]["volumes"])


def test_topics_file_equals_the_contracts():
    assert [(n, int(p)) for n, p in read_tsv(KAFKA / "topics.tsv")] == all_topic_names()


def test_each_service_signs_with_its_own_key_and_knows_every_public_key(doc):
    """Production sets real event-signing keys (services.kernel.signing), never the development ones; a
    service holds only its own private key, so a broken-into service cannot sign as another."""
    from services.kernel.signing import SIGNING_SERVICES
    workers = project_services(doc)
    for svc in KAFKA_USERS:
        env = workers[svc]["environment"]
        own = {f"{svc.upper()}_SIGNING_KEY"} if svc in SIGNING_SERVICES else set()
        assert {k for k in env if k.endswith("_SIGNING_KEY")} == own, svc
        assert {f"{s.upper()}_VERIFY_KEY" for s in SIGNING_SERVICES} <= set(env), svc
        assert all(env[k].startswith("dummy-") for k in env if k.endswith(("_SIGNING_KEY", "_VERIFY_KEY")))
