"""Kafka security of the compose stack: ACLs derived from the code, broker config, setup, certificates."""
from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest

from tests.unit.deploy.support import DEPLOY, KAFKA, KAFKA_USERS, derived_acls, read_tsv, stack_env_names


def test_acl_table_equals_what_the_code_produces_and_consumes():
    table = {tuple(r) for r in read_tsv(KAFKA / "acls.tsv")}
    derived = derived_acls()
    assert table == derived, (f"missing in deploy/kafka/acls.tsv: {sorted(derived - table)}; "
                              f"not needed: {sorted(table - derived)}")


def test_readme_table_lists_every_acl():
    readme = (DEPLOY / "README.md").read_text()
    for user, op, resource, name in read_tsv(KAFKA / "acls.tsv"):
        if resource == "topic":
            row = next((line for line in readme.splitlines() if line.startswith(f"| `{name}`")), None)
            assert row is not None, f"README has no row for {name}"
            cells = [c.strip() for c in row.strip("|").split("|")]
            col = 1 if op == "Write" else 2
            assert user in cells[col], f"README: {name} {op} should name {user}: {row}"


def _stub_kafka_home(tmp_path: Path) -> tuple[Path, Path]:
    home, log = tmp_path / "kafka", tmp_path / "calls.log"
    (home / "bin").mkdir(parents=True)
    for tool in ("kafka-storage.sh", "kafka-server-start.sh", "kafka-topics.sh", "kafka-configs.sh",
                 "kafka-acls.sh"):
        stub = home / "bin" / tool
        stub.write_text(f'#!/bin/bash\necho "{tool} $*" >> "{log}"\n')
        stub.chmod(0o755)
    return home, log


def test_broker_config(tmp_path):
    home, log = _stub_kafka_home(tmp_path)
    conf = tmp_path / "server.properties"
    env = {**os.environ, "KAFKA_HOME": str(home), "KAFKA_CONF": str(conf), "KAFKA_NODE_ID": "2",
           "KAFKA_CLUSTER_ID": "abc", "KAFKA_KEYSTORE_PASSWORD": "ks", "KAFKA_ADMIN_PASSWORD": "adm"}
    subprocess.run(["bash", str(KAFKA / "broker.sh")], env=env, check=True, timeout=20)
    props = dict(line.split("=", 1) for line in conf.read_text().splitlines() if line and not line.startswith("#"))
    assert props["process.roles"] == "broker,controller" and props["node.id"] == "2"
    assert props["controller.quorum.voters"] == "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"
    assert props["advertised.listeners"] == "CLIENT://kafka-2:9092,INTERNAL://kafka-2:9094"
    assert props["listener.security.protocol.map"] == "CLIENT:SASL_SSL,CONTROLLER:SSL,INTERNAL:SSL"
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert props["default.replication.factor"] == "3" and props["min.insync.replicas"] == "2"
    assert props["offsets.topic.replication.factor"] == "3"
    assert props["auto.create.topics.enable"] == "false"
    assert props["ssl.principal.mapping.rules"] == "RULE:^CN=([a-zA-Z0-9.-]*).*$/$1/,DEFAULT"
    calls = log.read_text()
    assert "kafka-storage.sh format --ignore-formatted --cluster-id abc" in calls
    assert "SCRAM-SHA-512=[name=admin,password=adm]" in calls
    assert calls.rstrip().endswith(f"kafka-server-start.sh {conf}")


def _setup_env(home: Path, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "KAFKA_HOME": str(home), "KAFKA_ADMIN_PASSWORD": "a", "KAFKA_INTAKE_PASSWORD": "i",
            "KAFKA_MATCHER_PASSWORD": "m", "KAFKA_LEDGER_PASSWORD": "l", "KAFKA_SIMULATION_PASSWORD": "s",
            "KAFKA_SECRETS": str(tmp_path)}


def test_setup_creates_users_topics_with_three_replicas_and_acls(tmp_path):
    home, log = _stub_kafka_home(tmp_path)
    env = _setup_env(home, tmp_path)
    subprocess.run(["bash", str(KAFKA / "setup.sh")], env=env, check=True, timeout=30, capture_output=True)
    calls = log.read_text().splitlines()
    creates = [c for c in calls if " --create " in c]
    assert len(creates) == len(read_tsv(KAFKA / "topics.tsv"))
    assert all("--replication-factor 3" in c and "min.insync.replicas=2" in c for c in creates)
    adds = [c for c in calls if c.startswith("kafka-acls.sh") and " --add " in c]
    assert len(adds) == len(read_tsv(KAFKA / "acls.tsv"))
    assert any("--allow-principal User:matcher --operation Write --topic housing.offers.v1" in c for c in adds)
    assert any("--allow-principal User:ledger --operation Read --group housing-ledger" in c for c in adds)
    assert any("--allow-principal User:simulation --operation Read --topic housing.simulation-requests.v1" in c
               for c in adds)
    assert any("--allow-principal User:simulation --operation Read --group housing-simulation" in c for c in adds)
    users = [c for c in calls if c.startswith("kafka-configs.sh")]
    assert len(users) == len(KAFKA_USERS) and any("--entity-name intake" in c and "password=i]" in c for c in users)
    assert any("--entity-name simulation" in c and "password=s]" in c for c in users)


@pytest.fixture(scope="module")
def secrets(tmp_path_factory) -> Path:
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed")
    out = tmp_path_factory.mktemp("secrets") / "generated"
    subprocess.run(["bash", str(KAFKA / "gen-secrets.sh"), str(out)], check=True, timeout=60, capture_output=True)
    return out


def test_gen_secrets_writes_every_variable(secrets):
    names = {line.split("=", 1)[0] for line in (secrets / "stack.env").read_text().splitlines()
             if line and not line.startswith("#")}
    assert names == stack_env_names()
    assert oct((secrets / "stack.env").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("host", ["kafka-1", "kafka-2", "kafka-3"])
def test_a_client_trusting_the_ca_verifies_each_broker(secrets, host):
    """A TLS handshake with the broker certificate, checked as the services' client will (CA + hostname)."""
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(secrets / "broker.crt", secrets / "broker.key")
    client_ctx = ssl.create_default_context(cafile=str(secrets / "ca.crt"))
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)

        def serve():
            conn, _ = listener.accept()
            try:
                with server_ctx.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except (ssl.SSLError, OSError):
                pass

        t = threading.Thread(target=serve, daemon=True)
        t.start()
        with socket.create_connection(listener.getsockname(), timeout=5) as raw, \
                client_ctx.wrap_socket(raw, server_hostname=host) as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
            tls.sendall(b"x")
        t.join(5)


def test_java_reads_the_broker_keystore(secrets):
    if not shutil.which("keytool"):
        pytest.skip("no keytool (Java) here")
    password = next(line.split("=", 1)[1] for line in (secrets / "stack.env").read_text().splitlines()
                    if line.startswith("KAFKA_KEYSTORE_PASSWORD="))
    out = subprocess.run(["keytool", "-list", "-keystore", str(secrets / "broker.p12"), "-storetype", "PKCS12",
                          "-storepass", password], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "PrivateKeyEntry" in out.stdout, out.stderr
