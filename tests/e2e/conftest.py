from __future__ import annotations

import os

import pytest

from services.system.broker import free_port
from services.kernel.config import Settings
from services.system.demo import STACK_ENV
from services.system.supervisor import Stack
from tests.support import fresh_database


@pytest.fixture(scope="module")
def stack(request, tmp_path_factory):
    """The whole product on a fresh database and its own embedded broker (or KAFKA_BOOTSTRAP_SERVERS).

    A broker of its own keeps the consumer groups of one module's stack from waiting on members of
    the previous module's stack; a test module may set STACK_ENV to change settings.
    """
    tmp = tmp_path_factory.mktemp("stack")
    extra = getattr(request.module, "STACK_ENV", {})
    with fresh_database(tmp, "e2e") as url:
        conf = Settings(kafka_bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), database_url=url,
                        data_dir=tmp,
                        intake_port=free_port(), matcher_port=free_port(), ledger_port=free_port(),
                        notifier_port=free_port(), simulation_port=free_port(),
                        kafka_session_timeout_s=4.0)
        s = Stack(conf, workers_per_service=getattr(request.module, "STACK_WORKERS", 1), log_dir=tmp / "logs",
                  env={"KAFKA_SESSION_TIMEOUT_S": "4", **STACK_ENV, **extra},
                  notifier=getattr(request.module, "STACK_NOTIFIER", False),
                  simulation=getattr(request.module, "STACK_SIMULATION", False))
        s.start()
        try:
            yield s
        finally:
            s.stop()
