"""Run one service as a faust worker process: migrate, then consume and serve until stopped."""
from __future__ import annotations

import importlib
import logging
import sys

from services.kernel.config import settings
from services.kernel.heap import settle_startup_heap
from services.kernel.logs import setup_logging

SERVICES = ("intake", "matcher", "ledger")


def _exit_with_parent() -> None:
    """A worker started by `housing-match up` (or a test's Stack) must not outlive it."""
    import os
    import threading
    import time

    parent = os.environ.get("HOUSING_MATCH_PARENT_PID")
    if not parent:
        return

    def watch() -> None:
        while True:
            if os.getppid() != int(parent):
                os._exit(3)
            time.sleep(1.0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_worker(service: str, web_port: int | None = None) -> None:
    _exit_with_parent()
    if service == "notifier":  # issue 18: the intake's e-mail and webhook sender, a process of its own
        from services.intake.entrypoints.notifier_process import main
        return main(web_port)
    if service == "simulation":  # issue 21: municipalities' what-if jobs, a process of its own without database
        from services.system.simulation_worker.process import main as simulation
        return simulation(web_port)
    if service not in SERVICES:
        raise SystemExit(f"unknown service {service!r}; choose one of {', '.join(SERVICES)}")
    conf = settings()
    setup_logging(service, conf.log_level)
    if not conf.kafka_bootstrap_servers:
        raise SystemExit("KAFKA_BOOTSTRAP_SERVERS is not set (use `housing-match up` to start everything)")
    mod = importlib.import_module(f"services.{service}.entrypoints.app")
    importlib.import_module(f"services.{service}.entrypoints.agents")
    importlib.import_module(f"services.{service}.entrypoints.views")
    app, ctx = mod.app, mod.ctx
    if web_port:
        app.conf.web_port = web_port
    ctx.migrate()
    settle_startup_heap()
    logging.getLogger(__name__).info("%s worker starting (web port %s)", service, app.conf.web_port)
    import faust

    worker = faust.Worker(app, loglevel=conf.log_level.upper() if conf.log_level != "warning" else "WARN",
                          quiet=True, redirect_stdouts=False, override_logging=False)
    worker.execute_from_commandline()


if __name__ == "__main__":
    run_worker(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None)
