"""One faust app per service, configured the same way for each."""
from __future__ import annotations

import logging

import faust

from services.kernel import metrics
from services.kernel.config import Settings, settings
from services.kernel.http_listener import answer_unreadable_requests_as_problems
from services.kernel.kafka_security import faust_broker_url, faust_credentials


def make_faust_app(service: str, port: int, conf: Settings | None = None,
                   middlewares: list | None = None, ssl_context=None) -> faust.App:
    conf = conf or settings()
    bootstrap = conf.kafka_bootstrap_servers or "127.0.0.1:9092"
    app = faust.App(
        f"housing-{service}",
        broker=faust_broker_url(bootstrap),
        broker_credentials=faust_credentials(conf),
        store="memory://",  # no faust tables: state lives in the service's database
        datadir=str(conf.data_dir / f"{service}-faust"),
        web_port=port,
        web_bind="0.0.0.0",
        web_host="127.0.0.1",
        web_router_enabled=False,
        web_tables_enabled=False,
        web_stats_enabled=False,
        web_application_options={"client_max_size": 256 * 1024, "middlewares": middlewares or []},
        topic_disable_leader=True,
        topic_allow_declare=False,  # topics are created once, from contracts.topics
        topic_partitions=4,
        broker_session_timeout=conf.kafka_session_timeout_s,
        broker_heartbeat_interval=conf.kafka_heartbeat_s,
        broker_rebalance_timeout=max(10.0, 2 * conf.kafka_session_timeout_s),
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        producer_max_request_size=conf.max_message_bytes,
        # a fetch must be able to hold the largest message a topic takes
        consumer_max_fetch_size=max(4 * 1024 * 1024, 2 * conf.max_message_bytes),
        stream_wait_empty=False,
        worker_redirect_stdouts=False,
        web_cors_options={},
        web_ssl_context=ssl_context,
    )

    answer_unreadable_requests_as_problems(app.web)

    @app.timer(interval=CONSUMER_LAG_INTERVAL_S)
    async def consumer_lag() -> None:
        # housing_consumer_lag_messages drives the lag alerts (deploy/prometheus/alerts.yml).
        try:
            await metrics.update_consumer_lag(app, service)
        except Exception:  # noqa: BLE001 - metrics must never stop the worker
            log.debug("consumer lag not available yet", exc_info=True)

    return app


CONSUMER_LAG_INTERVAL_S = 5.0
log = logging.getLogger(__name__)
