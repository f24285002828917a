"""`housing-match up` as an operator runs it: it starts the durable broker and every service, restarts
the broker's object store (and the broker) when it dies, and stops in under 10 s."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from services.system.broker import free_port
from tests.support import wait_until

pytestmark = pytest.mark.e2e


def ready(port: int) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=3) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


def ledger_report(port: int, token: str, data_dir) -> dict | None:
    import ssl
    context = ssl.create_default_context(cafile=str(data_dir / "tls" / "localhost.crt"))
    request = urllib.request.Request(f"https://127.0.0.1:{port}/v1/reports/realised-places",
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5, context=context) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError:
        return None  # the token has not reached the ledger yet (401)


def store_pids(data_dir) -> list[int]:
    """The object-store process(es) `up` started for this data directory."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "server.js" in line and str(data_dir) in line]


def test_up_restarts_the_broker_and_stops_in_under_ten_seconds(tmp_path):
    ports = {"MATCHER_PORT": free_port(), "LEDGER_PORT": free_port(), "INTAKE_PORT": free_port(),
             "LEDGER_HTTPS_PORT": free_port(), "NOTIFIER_PORT": free_port(), "SIMULATION_PORT": free_port()}
    env = {**os.environ, "DATA_DIR": str(tmp_path), "LOG_LEVEL": "warning",
           **{k: str(v) for k, v in ports.items()}}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    if "DATABASE_URL" in env:  # a database of its own: `up` runs migrations on it
        env.pop("DATABASE_URL")
    up = subprocess.Popen([sys.executable, "-m", "services.system.cli", "up"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: ready(ports["MATCHER_PORT"])[0] == 200 and ready(ports["LEDGER_PORT"])[0] == 200,
                   timeout=90)
        wait_until(lambda: ready(ports["SIMULATION_PORT"])[0] == 200, timeout=30)  # issue 21: its jobs' worker
        # an analyst reads the ledger's report with a token, over the HTTPS that `up` puts in front of it
        made = subprocess.run([sys.executable, "-m", "services.system.cli", "org", "create", "--name", "BZK",
                               "--role", "ministry"], env=env, capture_output=True, text=True, timeout=60)
        token = made.stdout.split("token: ")[1].split()[0]
        report = wait_until(lambda: ledger_report(ports["LEDGER_HTTPS_PORT"], token, tmp_path), timeout=60)
        assert report["realised_places"] == 0 or report["realised_places"] is None, report
        # the dead-letter tool finds the running broker by itself, and says when there is nothing
        listed = subprocess.run([sys.executable, "-m", "services.system.cli", "dlq", "list"], env=env,
                                capture_output=True, text=True, timeout=60)
        assert listed.returncode == 0 and "no dead letters" in listed.stdout, listed
        store = store_pids(tmp_path / "broker")
        assert len(store) == 1, store
        os.kill(store[0], signal.SIGKILL)  # the object store dies; the broker cannot go on without it
        wait_until(lambda: store_pids(tmp_path / "broker") not in ([], store), timeout=30)
        wait_until(lambda: ready(ports["MATCHER_PORT"])[0] == 200 and ready(ports["LEDGER_PORT"])[0] == 200,
                   timeout=60)
    finally:
        started = time.monotonic()
        up.send_signal(signal.SIGTERM)
        up.wait(30)
        took = time.monotonic() - started
    assert took < 10, f"`up` took {took:.1f} s to stop"
    assert store_pids(tmp_path / "broker") == []
    assert not (tmp_path / "broker.address").exists()
