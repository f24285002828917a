"""Least privilege of the Kafka users (deploy/kafka): each one, the simulation worker's included, has exactly the
ACLs contracts/topics.py declares for it, its own SCRAM credential, and setup.sh makes no ACL without one."""
from __future__ import annotations

import subprocess

from tests.unit.deploy.support import (KAFKA, KAFKA_USERS, declared_acls, load_compose, project_services, read_tsv,
                                       stack_env_names)
from tests.unit.deploy.test_kafka import _setup_env, _stub_kafka_home

DUMMY = {name: f"dummy-{name.lower()}" for name in stack_env_names()}


def test_each_user_has_exactly_the_acls_contracts_declare_for_it():
    """Least privilege from a second source: what contracts/topics.py says each service produces and consumes
    (the simulation worker: read requests, write results and dead letters, its own group), one row each."""
    rows = [tuple(r) for r in read_tsv(KAFKA / "acls.tsv")]
    assert len(rows) == len(set(rows)), "a duplicate row in acls.tsv"
    table, declared = set(rows), declared_acls()
    assert table == declared, f"missing: {sorted(declared - table)}; not declared: {sorted(table - declared)}"
    assert {r[0] for r in rows} == set(KAFKA_USERS)
    assert {(r[1], r[2]) for r in rows} == {("Read", "topic"), ("Write", "topic"), ("Read", "group")}
    assert all(name == f"housing-{user}" for user, _, resource, name in rows if resource == "group")


def test_the_simulation_worker_may_read_requests_and_write_results_only():
    from contracts.topics import DEAD_LETTER, SIMULATION_REQUESTS, SIMULATION_RESULTS
    rows = read_tsv(KAFKA / "acls.tsv")
    assert {tuple(r[1:]) for r in rows if r[0] == "simulation"} == {
        ("Read", "topic", SIMULATION_REQUESTS.name), ("Write", "topic", SIMULATION_RESULTS.name),
        ("Write", "topic", DEAD_LETTER), ("Read", "group", "housing-simulation")}
    # and nobody but the intake (which starts the jobs and shows their results) touches its two topics
    assert {(r[0], r[1], r[3]) for r in rows if r[3] in (SIMULATION_REQUESTS.name, SIMULATION_RESULTS.name)} == {
        ("intake", "Write", SIMULATION_REQUESTS.name), ("simulation", "Read", SIMULATION_REQUESTS.name),
        ("simulation", "Write", SIMULATION_RESULTS.name), ("intake", "Read", SIMULATION_RESULTS.name)}


def test_setup_refuses_to_run_without_a_password_for_every_user_of_the_acls(tmp_path):
    home, log = _stub_kafka_home(tmp_path)
    env = {k: v for k, v in _setup_env(home, tmp_path).items() if k != "KAFKA_SIMULATION_PASSWORD"}
    out = subprocess.run(["bash", str(KAFKA / "setup.sh")], env=env, timeout=30, capture_output=True, text=True)
    assert out.returncode != 0 and "KAFKA_SIMULATION_PASSWORD" in out.stderr
    assert not log.exists() or " --add " not in log.read_text()  # no ACL for a user without a credential


def test_gen_secrets_makes_a_kafka_password_for_every_user_of_the_acls():
    assert {f"KAFKA_{u.upper()}_PASSWORD" for u in KAFKA_USERS} <= stack_env_names()


def test_kafka_setup_gets_the_password_of_every_kafka_user():
    doc = load_compose(DUMMY)
    env = doc["services"]["kafka-setup"]["environment"]
    for user in KAFKA_USERS:
        assert env[f"KAFKA_{user.upper()}_PASSWORD"] == DUMMY[f"KAFKA_{user.upper()}_PASSWORD"], user
        assert project_services(doc)[user]["environment"]["KAFKA_SASL_USERNAME"] == user
