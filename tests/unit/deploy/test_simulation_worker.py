"""The simulation worker's deployment (issue 21): compose service and Kubernetes Deployment with its own Kafka
user, no database of its own, the matcher's history through the read-only role, probes and metrics on its port."""
from __future__ import annotations

import pytest
import yaml

from services.system.cli import build_parser
from tests.unit.deploy.support import DEPLOY, KAFKA_SECURITY_ENV, load_compose, project_services, stack_env_names
from tests.unit.deploy.test_k8s import SETTINGS_ENV, _env_names, by_kind

DUMMY = {name: f"dummy-{name.lower()}" for name in stack_env_names()}


@pytest.fixture(scope="module")
def doc() -> dict:
    return load_compose(DUMMY)


def test_the_simulation_worker_has_its_own_kafka_user_and_reads_history_as_the_read_only_role(doc):
    """Issue 21: no database of its own; history jobs read the matcher's database as simulation_history, whose
    grants (deploy/postgres/simulation-history-role.sql) are made after the matcher's migrations."""
    from contracts.topics import SIMULATION_REQUESTS
    services = doc["services"]
    sim = services["simulation"]
    env = sim["environment"]
    assert build_parser().parse_args(sim["command"]).service == "simulation"
    assert 2 <= sim["deploy"]["replicas"] <= SIMULATION_REQUESTS.partitions
    assert sim["deploy"]["resources"]["limits"]["cpus"] and sim["deploy"]["resources"]["limits"]["memory"]
    assert env["KAFKA_SASL_USERNAME"] == "simulation" and env["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert env["KAFKA_SASL_PASSWORD"] == DUMMY["KAFKA_SIMULATION_PASSWORD"]
    assert "DATABASE_URL" not in env
    assert env["SIMULATION_HISTORY_DATABASE_URL"] == \
        f"postgresql+psycopg://simulation_history:{DUMMY['PG_SIMULATION_HISTORY_PASSWORD']}@postgres:5432/matcher"
    assert f"localhost:{env['SIMULATION_PORT']}/health/ready" in " ".join(sim["healthcheck"]["test"])
    assert sim["read_only"] is True and sim["cap_drop"] == ["ALL"]
    role = services["db-simulation-history"]
    assert sim["depends_on"] == {"kafka-setup": {"condition": "service_completed_successfully"},
                                 "db-simulation-history": {"condition": "service_completed_successfully"}}
    assert role["depends_on"] == {"migrate-matcher": {"condition": "service_completed_successfully"}}
    command = " ".join(role["command"])
    assert "-v ON_ERROR_STOP=1 -1" in command and "/opt/housing/postgres/simulation-history-role.sql" in command
    assert "./postgres:/opt/housing/postgres:ro" in role["volumes"]
    assert role["environment"]["PGDATABASE"] == "matcher"
    assert role["environment"]["PG_SIMULATION_HISTORY_PASSWORD"] == DUMMY["PG_SIMULATION_HISTORY_PASSWORD"]


def test_prometheus_scrapes_every_worker_on_its_port(doc):
    jobs = {j["job_name"]: j for j in yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())[
        "scrape_configs"]}
    for name, svc in project_services(doc).items():
        port = svc.get("environment", {}).get(f"{name.upper()}_PORT")
        if svc["command"][0] != "worker" or port is None:
            continue
        (sd,) = jobs[name]["dns_sd_configs"]
        assert sd["names"] == [name] and sd["port"] == int(port), name


def _cpu(quantity: str) -> float:
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def test_the_simulation_worker_runs_cpu_heavy_jobs_as_its_own_kafka_user_with_read_only_history():
    """Issue 21: its own Kafka user and signing key, no DATABASE_URL; history jobs read the matcher's database as
    the read-only role of deploy/postgres/simulation-history-role.sql; a whole core per replica; non-root."""
    from contracts.topics import SIMULATION_REQUESTS
    deployments, config, secrets = by_kind("Deployment"), by_kind("ConfigMap"), by_kind("Secret")
    d = deployments["housing-simulation"]
    pod = d["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    args = build_parser().parse_args(c["args"])
    assert (args.cmd, args.service) == ("worker", "simulation")
    env = _env_names(c, config, secrets)
    assert not env - SETTINGS_ENV - KAFKA_SECURITY_ENV, env - SETTINGS_ENV - KAFKA_SECURITY_ENV
    assert {"KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "KAFKA_SSL_CAFILE",
            "SIMULATION_HISTORY_DATABASE_URL", "SIMULATION_PORT"} <= env and "DATABASE_URL" not in env
    secret = secrets["housing-simulation"]["stringData"]
    assert secret["KAFKA_SASL_USERNAME"] == "simulation"
    assert secret["SIMULATION_HISTORY_DATABASE_URL"].startswith("postgresql+psycopg://simulation_history:")
    assert secret["SIMULATION_HISTORY_DATABASE_URL"].endswith("/matcher")
    assert c["ports"][0]["containerPort"] == int(config["housing-config"]["data"]["SIMULATION_PORT"])
    assert c["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert c["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert c["startupProbe"]["httpGet"]["path"] == "/health/live"
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["automountServiceAccountToken"] is False
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert c["securityContext"]["allowPrivilegeEscalation"] is False
    mounts = {m["mountPath"] for m in c["volumeMounts"]}
    assert {config["housing-config"]["data"]["DATA_DIR"], "/tmp"} <= mounts
    assert config["housing-config"]["data"]["KAFKA_SSL_CAFILE"].rsplit("/", 1)[0] in mounts
    res = c["resources"]
    assert _cpu(res["requests"]["cpu"]) >= 1 and _cpu(res["limits"]["cpu"]) >= _cpu(res["requests"]["cpu"])
    assert res["limits"]["memory"] and res["requests"]["memory"]
    assert 2 <= d["spec"]["replicas"] <= SIMULATION_REQUESTS.partitions
    assert d["spec"]["strategy"]["rollingUpdate"]["maxSurge"] == 0
    assert "housing-simulation" not in by_kind("HorizontalPodAutoscaler")  # a rebalance re-runs a running job
    assert d["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == str(c["ports"][0]["containerPort"])


def test_prometheus_may_scrape_every_deployment_and_the_ingress_reaches_only_the_public_ones():
    policies, deployments = by_kind("NetworkPolicy"), by_kind("Deployment")
    monitoring = {p["port"] for p in policies["housing-ingress-monitoring"]["spec"]["ingress"][0]["ports"]}
    public = policies["housing-ingress-public"]["spec"]["podSelector"]["matchExpressions"][0]["values"]
    for name, d in deployments.items():
        (c,) = d["spec"]["template"]["spec"]["containers"]
        assert c["ports"][0]["containerPort"] in monitoring, name
        assert d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/part-of"] == "housing-match"
    assert "housing-simulation" not in public
