"""Configuration from the environment (pydantic-settings), one place for every variable."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", env_file=None)

    kafka_bootstrap_servers: str | None = Field(
        default=None, description="Kafka cluster to use; unset starts the embedded tansu broker")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL shared by all services; unset gives one SQLite file per service")
    data_dir: Path = Field(default=Path(".data"), description="Where SQLite files and logs go")
    pseudonym_secret: str = Field(
        default="dev-only-pseudonym-secret-change-me",
        description="HMAC key that turns a BSN into a person reference; set a long random value in production")
    # Ed25519 keys in base64 (32 raw bytes; `python -m services.kernel.signing` makes a pair per service).
    intake_signing_key: SecretStr | None = Field(
        default=None, description="The intake's private key for signing its events; unset: a development key")
    matcher_signing_key: SecretStr | None = Field(
        default=None, description="The matcher's private key for signing its events; unset: a development key")
    simulation_signing_key: SecretStr | None = Field(
        default=None, description="The simulation worker's private key for signing its events; unset: a "
                                  "development key")
    simulation_verify_key: str | None = Field(
        default=None, description="The simulation worker's public key, which the intake checks its events with")
    intake_verify_key: str | None = Field(
        default=None, description="The intake's public key, which every consumer checks its events with")
    matcher_verify_key: str | None = Field(
        default=None, description="The matcher's public key, which every consumer checks its events with")
    kafka_replication_factor: int = Field(default=1, description="Replication factor of topics the product creates")
    kafka_security_protocol: str = Field(
        default="PLAINTEXT", description="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
    kafka_sasl_mechanism: str = Field(default="SCRAM-SHA-512", description="PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = None
    kafka_ssl_cafile: str | None = Field(default=None, description="CA bundle that signed the brokers' certificates")
    kafka_ssl_certfile: str | None = Field(default=None, description="Client certificate (mutual TLS)")
    kafka_ssl_keyfile: str | None = Field(default=None, description="Client key (mutual TLS)")
    kafka_session_timeout_s: float = Field(
        default=6.0, description="Consumer-group session timeout; tansu's first join waits half of it")
    kafka_heartbeat_s: float = Field(default=1.0, description="Consumer heartbeat interval")
    match_batch_window_s: float = Field(default=0.3, description="Collect changes this long before a matching round")
    offer_ttl_hours: float = Field(default=72.0, description="An offer expires this long after it was made (event time)")
    clock_tick_s: float = Field(
        default=15.0, gt=0, description="How often the matcher's clock looks for regions whose next offer deadline "
                                        "real time has passed, and publishes a ClockTicked for each: an offer in a "
                                        "quiet region expires at most about this long after its deadline")
    solve_time_limit_s: float = Field(default=5.0, description="Time limit of one region's solve in a round")
    intake_port: int = Field(default=8081, description="HTTPS port of the intake API (worker i adds 10*i)")
    ledger_https_port: int = Field(
        default=8443, description="`housing-match up`: HTTPS port of the TLS proxy in front of the ledger (tokens)")
    ledger_public_url: str | None = Field(
        default=None, description="Where people's browsers reach the ledger's figures (its HTTPS ingress); default "
                                  "https://127.0.0.1:<LEDGER_HTTPS_PORT>, the proxy of `housing-match up`")
    matcher_port: int = Field(default=8082, description="HTTP port of the matcher's health and metrics")
    ledger_port: int = Field(default=8083, description="HTTP port of the ledger's reports, dashboard and metrics")
    national_target: int = Field(default=10_000, description="National target of extra places")
    stalled_offer_days: str = Field(
        default="3", description="Days without an answer after which the transfer point's screen calls an offer "
                                 "stalled: a number for every region, or per region as JSON ({\"R07\": 5, "
                                 "\"default\": 3})")
    log_level: str = Field(default="info", description="debug, info, warning or error")
    workers: int = Field(default=1, ge=1, description="Worker processes per service for `housing-match up`")
    match_policy_file: Path | None = Field(
        default=None, description="JSON policy file replacing the default matching policy")
    cors_allowed_origins: str = Field(
        default="", description="Browser origins (comma-separated) allowed to call the APIs; none by default")
    max_message_bytes: int = Field(
        default=1_048_576, ge=65_536, description="Largest message a service produces and a product topic takes "
                                                  "(producer max.request.size, topic max.message.bytes)")
    topic_retention_days: int = Field(
        default=14, ge=1, le=29, description="Days a product topic keeps its events (retention.ms; segments roll "
                                             "daily): an erased person's reference leaves the logs within this + 1 day")
    dead_letter_retention_days: int = Field(
        default=28, ge=1, le=29, description="Days the dead-letter topic keeps its letters for an operator to act on")
    inbound_max_bytes: int = Field(
        default=65_536, ge=1024, description="Largest signed command the intake takes from the inbound topic; a "
                                             "larger one is refused and dead-lettered by reference")
    dead_letter_inline_bytes: int = Field(
        default=262_144, ge=0, description="Largest message a dead letter copies; a larger one is kept by reference "
                                           "(topic, partition, offset) and digest. Keep it well under "
                                           "MAX_MESSAGE_BYTES / 2: a letter's copy is base64")
    broker_storage: Literal["durable", "memory"] = Field(
        default="durable", description="The embedded broker's log: durable (on disk under DATA_DIR/broker, "
                                       "survives restarts and kills) or memory (forgotten on restart)")
    tansu_log: str = Field(default="warn", description="Log level of the embedded tansu broker (RUST_LOG)")
    intake_tls_cert: str | None = Field(default=None, description="PEM certificate of the intake's HTTPS listener")
    intake_tls_key: str | None = Field(default=None, description="PEM key; without cert and key a self-signed one is made")
    trust_forwarded_proto: bool = Field(
        default=False, description="Trust X-Forwarded-Proto from a TLS-terminating proxy in front of a service")
    intake_rate_limit_per_s: float = Field(
        default=50.0, gt=0, description="Requests per second each organisation (or, without a valid token, each "
                                        "client address) may make to one intake worker, sustained")
    intake_rate_limit_burst: int = Field(
        default=1000, ge=1, description="Requests each organisation may make at once to one intake worker before "
                                       "the sustained rate applies (the token bucket's size)")

    # Notifications (issue 18): e-mail over SMTP and signed webhooks, sent by the notifier process.
    smtp_host: str | None = Field(default=None, description="SMTP server for e-mail notifications; unset: none sent")
    smtp_port: int = Field(default=587, description="SMTP port (587 STARTTLS, 465 implicit TLS, 25 none)")
    smtp_tls: Literal["starttls", "tls", "none"] = Field(
        default="starttls", description="starttls (upgrade after connecting), tls (implicit TLS) or none (tests)")
    smtp_username: str | None = Field(default=None, description="SMTP user; unset: no authentication")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password")
    smtp_ca_file: str | None = Field(default=None, description="CA bundle of the SMTP server's certificate")
    mail_from: str = Field(default="housing-match <noreply@localhost>", description="From: of every e-mail")
    notify_base_url: str = Field(
        default="https://127.0.0.1:8081", description="Where people reach the intake's screens (links in e-mails)")
    notify_digest_hour: int = Field(
        default=8, ge=0, le=23, description="Hour (Europe/Amsterdam) the daily digest goes to who chose it")
    notify_poll_s: float = Field(default=1.0, gt=0, description="How often the notifier looks for new entries")
    notify_gap_wait_s: float = Field(
        default=10.0, ge=0, description="How long the notifier waits for a feed entry whose number was handed out "
                                        "but not yet committed, before taking it as rolled back")
    notifier_port: int = Field(default=8084, description="HTTP port of the notifier's health and metrics")
    simulation_port: int = Field(default=8085, description="HTTP port of the simulation worker's health and "
                                                           "metrics (issue 21)")
    simulation_history_database_url: SecretStr | None = Field(
        default=None, description="Where the simulation worker reads the matcher's recorded history for jobs with "
                                  "source history (a read-only role on the matcher's database); unset: the "
                                  "matcher's own database URL (DATABASE_URL, or its SQLite file)")
    webhook_max_attempts: int = Field(
        default=5, ge=1, description="Failed deliveries in a row after which a webhook is disabled with a notice")
    webhook_retry_base_s: float = Field(
        default=60.0, gt=0, description="First wait before a failed webhook delivery is tried again; each "
                                        "further wait is WEBHOOK_RETRY_FACTOR times longer")
    webhook_retry_factor: float = Field(default=5.0, ge=1, description="Growth of the wait between webhook retries")
    webhook_retry_max_s: float = Field(default=6 * 3600.0, gt=0, description="Longest wait between webhook retries")
    webhook_timeout_s: float = Field(default=10.0, gt=0, description="A webhook delivery's time limit")
    webhook_ca_file: str | None = Field(
        default=None, description="Extra CA bundle webhook endpoints' certificates may chain to (tests)")
    webhook_allow_loopback: bool = Field(
        default=False, description="Development and tests only: allow webhook endpoints on loopback addresses "
                                   "(private, link-local, multicast and reserved ones stay refused)")

    oidc_issuers: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="OpenID providers people may sign in with, as JSON: "
        '{"key": {"issuer": URL, "client_id": ..., "client_secret": ..., "org_id": ...}}; each issuer is bound '
        "to one organisation, whose pre-created users it may sign in (by sub, else e-mail address)")

    def sqlite_url(self, service: str) -> str:
        return f"sqlite:///{(self.data_dir / f'{service}.db').resolve()}"

    def db_url(self, service: str) -> str:
        return self.database_url or self.sqlite_url(service)


@lru_cache
def settings() -> Settings:
    return Settings()
