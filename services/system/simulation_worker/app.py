"""The simulation worker's faust app: health, readiness and metrics on SIMULATION_PORT, and its signer."""
from __future__ import annotations

import asyncio

from aiohttp import web

from contracts import topics
from contracts.events import Event, encode_event
from contracts.vocabulary import Service
from services.kernel import metrics
from services.kernel.app import make_faust_app
from services.kernel.config import settings
from services.kernel.health import broker_reachable
from services.kernel.signing import signer_for
from services.kernel.stalls import STALLS

SERVICE = str(Service.SIMULATION)
app = make_faust_app(SERVICE, settings().simulation_port)
# A key that is not the worker's own would have every result dead-lettered by the intake: refuse to start.
signer = signer_for(SERVICE)


async def publish(event: Event) -> None:
    """Send one signed event and wait until the broker has it (acks from every in-sync replica)."""
    spec = topics.topic_for(event)
    key, value = spec.key_of(event), encode_event(event)
    delivered = await app.producer.send(spec.name, key, value, partition=None, timestamp=None,
                                        headers=signer.headers(spec.name, key, value))
    await delivered


def publish_from_thread(event: Event, loop: asyncio.AbstractEventLoop) -> None:
    """For the job's thread: progress goes out without the job waiting for it."""
    asyncio.run_coroutine_threadsafe(publish(event), loop)


def _assigned() -> bool:
    try:
        return bool(app.consumer.assignment())
    except Exception:  # noqa: BLE001 - consumer not started yet
        return False


@app.page("/health/live")
async def live(self, request):
    return web.json_response({"status": "up"})


@app.page("/health/ready")
async def ready(self, request):
    if stopped := STALLS.reasons():
        return web.json_response({"status": "down", "reason": "; ".join(stopped)}, status=503)
    if not await broker_reachable():
        return web.json_response({"status": "down", "reason": "broker unreachable"}, status=503)
    assigned = _assigned()
    return web.json_response({"status": "up" if assigned else "starting"}, status=200 if assigned else 503)


@app.page("/metrics")
async def prometheus(self, request):
    body, content_type = metrics.exposition()
    return web.Response(body=body, headers={"Content-Type": content_type})
