"""The notifier's process: health and metrics on NOTIFIER_PORT (/health/live, /health/ready, /metrics),
migrations, then the Notifier's loop (notifier.py) until stopped."""
from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from services.intake.entrypoints.notifier import Notifier
from services.kernel.config import Settings

log = logging.getLogger("intake.notifier")


async def serve(conf: Settings, engine, port: int) -> None:
    from services.kernel.metrics import exposition

    async def live(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def prometheus(_request: web.Request) -> web.Response:
        body, content_type = exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_get("/health/live", live)
    app.router.add_get("/health/ready", live)
    app.router.add_get("/metrics", prometheus)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", port).start()
    await Notifier(engine, conf).run()


def main(port: int | None = None) -> None:
    from services.kernel.config import settings
    from services.kernel.db import make_engine, migrate
    from services.kernel.logs import setup_logging

    conf = settings()
    setup_logging("notifier", conf.log_level)
    engine = make_engine(conf.db_url("intake"))
    migrate("intake", engine)
    if not conf.smtp_host:
        log.warning("SMTP_HOST is not set: e-mail notifications are queued, not sent")
    log.info("notifier starting (health and metrics on port %s)", port or conf.notifier_port)
    asyncio.run(serve(conf, engine, port or conf.notifier_port))
