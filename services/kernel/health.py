"""Liveness, readiness and /metrics, the same on every service."""
from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy import text

from services.kernel import metrics


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

        try:
            await asyncio.to_thread(db_ok)
        except Exception:  # noqa: BLE001
            return web.json_response({"status": "down", "reason": "database unreachable"}, status=503)
        assigned = ctx.has_assignment()
        return web.json_response({"status": "up" if assigned else "starting"}, status=200 if assigned else 503)

    @app.page("/metrics")
    async def prometheus(self, request):
        body, content_type = metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})
