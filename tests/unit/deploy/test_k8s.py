"""deploy/k8s: schema-checked with kubernetes-validate (offline schemas) and cross-checked with the code."""
from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from contracts.topics import PARTITIONS
from services.system.cli import build_parser
from services.kernel.config import Settings
from tests.unit.deploy.support import DEPLOY, KAFKA_SECURITY_ENV, KAFKA_USERS, SERVICES

K8S = DEPLOY / "k8s"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
SETTINGS_ENV = {name.upper() for name in Settings.model_fields}
# The Kubernetes versions the manifests must be valid for: the oldest supported one and the newest schema.
VERSIONS = ("1.30.0", "1.37.0")


def docs() -> list[dict]:
    return [d for p in MANIFESTS for d in yaml.safe_load_all(p.read_text()) if d]


def by_kind(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs() if d["kind"] == kind}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_passes_the_kubernetes_schema(path, version):
    kv = pytest.importorskip("kubernetes_validate")
    for doc in yaml.safe_load_all(path.read_text()):
        if doc:
            kv.validate(doc, version, strict=True)  # raises ValidationError with the path of the fault


def test_every_manifest_is_in_the_kustomization():
    resources = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert resources == {p.name for p in MANIFESTS} - {"secrets.example.yaml"}


def test_kustomize_builds():
    if not shutil.which("kubectl"):
        pytest.skip("no kubectl")
    out = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    kinds = [d["kind"] for d in yaml.safe_load_all(out.stdout) if d]
    for kind in ("Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Job",
                 "NetworkPolicy", "ConfigMap"):
        assert kind in kinds


def _env_names(container: dict, config: dict, secrets: dict) -> set[str]:
    names = {e["name"] for e in container.get("env", [])}
    for src in container.get("envFrom", []):
        if "configMapRef" in src:
            names |= set(config[src["configMapRef"]["name"]]["data"])
        if "secretRef" in src:
            names |= set(secrets[src["secretRef"]["name"]]["stringData"])
    return names


def test_deployments_run_the_workers_with_probes_and_known_settings():
    deployments, config, secrets = by_kind("Deployment"), by_kind("ConfigMap"), by_kind("Secret")
    parser = build_parser()
    assert set(deployments) == {f"housing-{s}" for s in KAFKA_USERS} | {"housing-notifier"}
    for svc in SERVICES:
        d = deployments[f"housing-{svc}"]
        assert d["spec"]["selector"]["matchLabels"].items() <= d["spec"]["template"]["metadata"]["labels"].items()
        (c,) = d["spec"]["template"]["spec"]["containers"]
        args = parser.parse_args(c["args"])
        assert (args.cmd, args.service) == ("worker", svc)
        env = _env_names(c, config, secrets)
        assert not env - SETTINGS_ENV - KAFKA_SECURITY_ENV, env - SETTINGS_ENV - KAFKA_SECURITY_ENV
        assert {"KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD",
                "KAFKA_SSL_CAFILE"} <= env
        assert secrets[f"housing-{svc}"]["stringData"]["KAFKA_SASL_USERNAME"] == svc
        port = int(config["housing-config"]["data"][f"{svc.upper()}_PORT"])
        assert c["ports"][0]["containerPort"] == port
        scheme = "HTTPS" if svc == "intake" else "HTTP"
        assert c["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert c["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert c["livenessProbe"]["httpGet"]["scheme"] == c["readinessProbe"]["httpGet"]["scheme"] == scheme
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        mounts = {m["mountPath"] for m in c["volumeMounts"]}
        assert config["housing-config"]["data"]["DATA_DIR"] in mounts
        assert config["housing-config"]["data"]["KAFKA_SSL_CAFILE"].rsplit("/", 1)[0] in mounts


def test_intake_serves_https_with_the_mounted_certificate():
    (c,) = by_kind("Deployment")["housing-intake"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in c["env"]}
    mounts = {m["mountPath"] for m in c["volumeMounts"]}
    assert env["INTAKE_TLS_CERT"].rsplit("/", 1)[0] in mounts and env["INTAKE_TLS_KEY"].rsplit("/", 1)[0] in mounts


def test_pdbs_hpas_and_services_select_the_deployments():
    deployments = by_kind("Deployment")
    for kind in ("PodDisruptionBudget", "Service"):
        for name, d in by_kind(kind).items():
            selector = d["spec"]["selector"].get("matchLabels", d["spec"]["selector"])
            target = deployments[name]
            assert selector.items() <= target["spec"]["template"]["metadata"]["labels"].items(), (kind, name)
    for name, pdb in by_kind("PodDisruptionBudget").items():
        assert pdb["spec"]["minAvailable"] < deployments[name]["spec"]["replicas"], "a PDB must allow a drain"
    for name, hpa in by_kind("HorizontalPodAutoscaler").items():
        assert hpa["spec"]["scaleTargetRef"]["name"] in deployments
        # A consumer beyond the partition count gets no partition and never becomes ready.
        assert hpa["spec"]["maxReplicas"] <= PARTITIONS
        assert hpa["spec"]["minReplicas"] == deployments[name]["spec"]["replicas"]


def test_migration_jobs_upgrade_each_service_database():
    parser = build_parser()
    jobs = by_kind("Job")
    for svc in SERVICES:
        (c,) = jobs[f"housing-migrate-{svc}"]["spec"]["template"]["spec"]["containers"]
        args = parser.parse_args(c["args"])
        assert (args.cmd, args.db_cmd, args.services) == ("db", "upgrade", [svc])
        (db,) = [e for e in c["env"] if e["name"] == "DATABASE_URL"]
        assert db["valueFrom"]["secretKeyRef"]["name"] == f"housing-{svc}"
        assert {e["name"] for e in c["env"]} <= SETTINGS_ENV


def test_network_policies_deny_by_default():
    policies = by_kind("NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}


def test_the_ingress_controller_reaches_only_the_intake_and_ledger_ports():
    """The public door opens the two ports partners and the ministry use, no other (8084 was open once)."""
    config = by_kind("ConfigMap")["housing-config"]["data"]
    (rule,) = by_kind("NetworkPolicy")["housing-ingress-public"]["spec"]["ingress"]
    assert {p["port"] for p in rule["ports"]} == {int(config["INTAKE_PORT"]), int(config["LEDGER_PORT"])}


def test_each_service_signs_with_its_own_key_and_knows_every_public_key():
    """As in compose: a real key pair per publishing service (services.kernel.signing), the private key only in
    its own service's Secret, every public key in every service's."""
    from services.kernel.signing import SIGNING_SERVICES
    deployments, config, secrets = by_kind("Deployment"), by_kind("ConfigMap"), by_kind("Secret")
    for svc in KAFKA_USERS:
        (c,) = deployments[f"housing-{svc}"]["spec"]["template"]["spec"]["containers"]
        env = _env_names(c, config, secrets)
        own = {f"{svc.upper()}_SIGNING_KEY"} if svc in SIGNING_SERVICES else set()
        assert {k for k in env if k.endswith("_SIGNING_KEY")} == own, svc
        assert {f"{s.upper()}_VERIFY_KEY" for s in SIGNING_SERVICES} <= env, svc


def test_the_notifier_runs_without_kafka_and_calls_out_to_public_addresses_only():
    """Issue 18: the intake's database and pseudonym secret (webhook secrets are encrypted under it), no Kafka
    credentials; HTTP probes on NOTIFIER_PORT; egress to SMTP and HTTPS outside private ranges."""
    deployments, config, secrets = by_kind("Deployment"), by_kind("ConfigMap"), by_kind("Secret")
    (c,) = deployments["housing-notifier"]["spec"]["template"]["spec"]["containers"]
    args = build_parser().parse_args(c["args"])
    assert (args.cmd, args.service) == ("worker", "notifier")
    env = _env_names(c, config, secrets) | {e["name"] for e in c["env"]}
    assert not env - SETTINGS_ENV - KAFKA_SECURITY_ENV and {"DATABASE_URL", "PSEUDONYM_SECRET", "SMTP_HOST"} <= env
    assert {e["valueFrom"]["secretKeyRef"]["name"] for e in c["env"]} == {"housing-intake"}
    assert c["ports"][0]["containerPort"] == int(config["housing-config"]["data"]["NOTIFIER_PORT"])
    assert c["readinessProbe"]["httpGet"]["path"] == "/health/ready" and c["securityContext"]["readOnlyRootFilesystem"]
    (rule,) = by_kind("NetworkPolicy")["housing-notifier-egress"]["spec"]["egress"]
    assert {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"} <= set(rule["to"][0]["ipBlock"]["except"])
