"""The simulation worker's process (`housing-match worker simulation`): no database, only the broker."""
from __future__ import annotations

import logging

from services.kernel.config import settings
from services.kernel.logs import setup_logging


def main(port: int | None = None) -> None:
    conf = settings()
    setup_logging("simulation", conf.log_level)
    if not conf.kafka_bootstrap_servers:
        raise SystemExit("KAFKA_BOOTSTRAP_SERVERS is not set (use `housing-match up` to start everything)")
    from services.system.simulation_worker import agents  # noqa: F401 - registers the consumer
    from services.system.simulation_worker.app import app
    if port:
        app.conf.web_port = port
    logging.getLogger(__name__).info("simulation worker starting (web port %s)", app.conf.web_port)
    import faust

    worker = faust.Worker(app, loglevel=conf.log_level.upper() if conf.log_level != "warning" else "WARN",
                          quiet=True, redirect_stdouts=False, override_logging=False)
    worker.execute_from_commandline()
