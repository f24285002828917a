from __future__ import annotations

from pathlib import Path

from services.kernel.config import Settings
from services.kernel.kafka_security import aiokafka_options, faust_broker_url

README = Path(__file__).parents[2] / "README.md"


def test_every_setting_is_documented_in_the_readme():
    text = README.read_text()
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in text]
    assert not missing


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("MATCH_BATCH_WINDOW_S", "1.5")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    conf = Settings()
    assert conf.match_batch_window_s == 1.5
    assert conf.db_url("ledger") == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("DATABASE_URL")
    assert Settings().db_url("ledger").endswith("ledger.db")


def test_kafka_client_security_options():
    assert aiokafka_options(Settings()) == {"security_protocol": "PLAINTEXT"}
    opts = aiokafka_options(Settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="matcher",
                                     kafka_sasl_password="pw"))
    assert opts["sasl_mechanism"] == "SCRAM-SHA-512" and opts["sasl_plain_username"] == "matcher"
    assert faust_broker_url("a:9092, b:9093") == "kafka://a:9092;kafka://b:9093"


def test_every_setting_is_read_through_settings():
    """No module reads a variable of its own from the environment (one table, one place, documented).
    The supervisor and the broker pass the environment on to their children; the worker's parent pid
    is a handshake between supervisor and worker, not a setting."""
    import re
    services = Path(__file__).parents[2] / "services"
    reads = re.compile(r"os\.environ\.get\(|os\.getenv\(|os\.environ\[")
    found = [f"{p.relative_to(services)}:{n}" for p in sorted(services.rglob("*.py"))
             for n, line in enumerate(p.read_text().splitlines(), 1)
             if reads.search(line) and "HOUSING_MATCH_PARENT_PID" not in line]
    assert found == []
