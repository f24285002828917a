"""The screens' bench (issue 16): server time per screen (p50/p95) and page weight for a shelter with 2,000
candidates and 10,000 timeline entries, beside a baseline measured in the same run.

One real intake worker (HTTPS, its faust agents, the embedded broker) on a fresh database (PostgreSQL with
DATABASE_URL, else SQLite); the data are seeded (bench/screens_data.py) and a case worker signs in through
the real pages. Each screen is asked N times, one request at a time over a kept-alive connection on this
machine: the time is the request's round trip, an upper bound of the server time. The baseline is
/health/live (the lightest answer of the same worker). Weight: the page's HTML plus its stylesheets as sent
(compressed; a browser fetches them once and then caches them for a day).

    python -m bench.screens [--samples 60] [--database-url URL]
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import pyotp

from bench.screens_data import PASSWORD, case_worker, seed
from services.kernel.config import Settings
from services.kernel.db import make_engine, migrate
from services.system.broker import broker, free_port
from services.system.supervisor import Stack, Worker, client_ssl_context

BUDGET_MS, BUDGET_KB = 150, 150


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def sign_in(http: httpx.Client, email: str, secret: str) -> None:
    http.post("/aanmelden", data={"csrf_token": hidden(http.get("/aanmelden").text, "csrf_token"), "email": email,
                                  "password": PASSWORD})
    code = pyotp.TOTP(secret).at(time.time() + 30)
    done = http.post("/aanmelden/code", data={"csrf_token": hidden(http.get("/aanmelden/code").text,
                                                                   "csrf_token"), "code": code})
    assert done.status_code == 303, done.text


def timed(http: httpx.Client, path: str, samples: int) -> tuple[list[float], int]:
    times, size = [], 0
    for _ in range(samples):
        t = time.perf_counter()
        r = http.get(path)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (path, r.status_code)
        size = len(r.content)
    return times, size


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def run(samples: int, database_url: str | None) -> list[tuple]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-screens-"))
    url = database_url or f"sqlite:///{tmp / 'intake.db'}"
    if database_url:
        import psycopg
        from sqlalchemy.engine import make_url
        base, name = make_url(database_url), f"hm_bench_screens_{uuid.uuid4().hex[:8]}"
        admin = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = base.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate("intake", engine)
    data = seed(engine)
    email, secret = case_worker(engine, data["shelter"])
    with broker() as bootstrap:
        conf = Settings(kafka_bootstrap_servers=bootstrap, database_url=url, data_dir=tmp, intake_port=free_port())
        stack = Stack(conf, log_dir=tmp / "logs", env={"INTAKE_RATE_LIMIT_PER_S": "100000",
                                                      "INTAKE_RATE_LIMIT_BURST": "100000"})
        stack.bootstrap = bootstrap
        worker = Worker("intake", 0, conf.intake_port)
        stack.workers = [worker]
        stack.spawn(worker)
        try:
            stack.wait_ready(90)
            http = httpx.Client(base_url=worker.url, verify=client_ssl_context(conf), timeout=30)
            sign_in(http, email, secret)
            css = stylesheet_bytes(http)
            screens = [("baseline: /health/live", "/health/live"), ("/toegankelijkheid", "/toegankelijkheid"),
                       ("my candidates, page 1", "/kandidaten"), ("my candidates, page 40", "/kandidaten?pagina=40"),
                       (f"candidate, {data['timeline_of_heavy']} entries", f"/kandidaten/{data['heavy']}"),
                       ("candidate, typical", f"/kandidaten/{data['typical']}"),
                       ("update form", f"/kandidaten/{data['typical']}/wijzigen"),
                       ("submit form", "/kandidaten/nieuw"), ("offer", f"/aanbiedingen/{data['open_offer']}"),
                       ("notifications", "/meldingen")]
            rows = []
            for name, path in screens:
                http.get(path)  # warm
                times, size = timed(http, path, samples)
                weight = size + (0 if name.startswith("baseline") else css)
                rows.append((name, pct(times, 50), pct(times, 95), size, weight))
            return rows
        finally:
            stack.stop()
            engine.dispose()
            if database_url:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stylesheet_bytes(http: httpx.Client) -> int:
    """The stylesheets as sent over the wire (gzip)."""
    total = 0
    for name in ("nlds.css", "screens.css"):
        with http.stream("GET", f"/static/{name}", headers={"Accept-Encoding": "gzip"}) as r:
            total += sum(len(chunk) for chunk in r.iter_raw())
    return total


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=60)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = p.parse_args()
    rows = run(args.samples, args.database_url)
    print(f"| screen | p50 ms | p95 ms | HTML KB | page weight KB (HTML + CSS sent) |\n| --- | --: | --: | --: | --: |")
    for name, p50, p95, size, weight in rows:
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {size / 1024:.1f} | {weight / 1024:.1f} |")
    worst = max(r[2] for r in rows[1:])
    heaviest = max(r[4] for r in rows[1:]) / 1024
    print(f"\nworst p95 {worst:.1f} ms (budget {BUDGET_MS}); heaviest page {heaviest:.1f} KB (budget {BUDGET_KB})")


if __name__ == "__main__":
    main()
