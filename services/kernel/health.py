"""Liveness, readiness and /metrics, the same on every service."""
from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web
from sqlalchemy import text

from services.kernel import metrics
from services.kernel.config import settings
from services.kernel.stalls import STALLS


async def broker_reachable(timeout: float = 1.0) -> bool:
    """Some bootstrap server accepts a connection (the clients' own reconnects are silent about it)."""
    for server in (settings().kafka_bootstrap_servers or "").split(","):
        host, _, port = server.strip().rpartition(":")
        if not host or not port.isdigit():
            continue
        with contextlib.suppress(OSError, TimeoutError):
            _, writer = await asyncio.wait_for(asyncio.open_connection(host.strip("[]"), int(port)), timeout)
            writer.close()
            return True
    return False


def register_health_and_metrics(app, ctx) -> None:
    @app.page("/health/live")
    async def live(self, request):
        return web.json_response({"status": "up"})

    @app.page("/health/ready")
    async def ready(self, request):
        def db_ok() -> bool:
            with ctx.engine.connect() as conn:
                conn.execute(text("select 1"))
            return True

        def down(reason: str) -> web.Response:
            return web.json_response({"status": "down", "reason": reason}, status=503)

        try:
            await asyncio.to_thread(db_ok)
        except Exception:  # noqa: BLE001
            return down("database unreachable")
        if stopped := STALLS.reasons():
            return down("; ".join(stopped))
        if not await broker_reachable():
            return down("broker unreachable")
        assigned = ctx.has_assignment()
        return web.json_response({"status": "up" if assigned else "starting"}, status=200 if assigned else 503)

    @app.page("/metrics")
    async def prometheus(self, request):
        body, content_type = metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})
