"""The simulation worker's consumer: one job at a time, its progress and result published before its offset
is committed (services/kernel/consumer.py holds each message until its handler returns)."""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

from contracts import events as ev
from contracts import topics
from contracts.vocabulary import Service
from services.kernel import metrics
from services.kernel.config import settings
from services.kernel.consumer import consume
from services.system.simulation_worker import job
from services.system.simulation_worker.app import SERVICE, app, publish, publish_from_thread

log = logging.getLogger(__name__)
#: At most one progress event per this many seconds (the first and the last day always).
PROGRESS_EVERY_S = 1.0
INTERNAL_ERROR = "the simulation stopped with an internal error; start the job again or ask the operators"


def _follow_up(request: ev.SimulationRequested, cls: type[ev.Event], what: str, **fields) -> ev.Event:
    return request.caused(cls, producer=SERVICE, occurred_at=datetime.now(UTC),
                          event_id=job.event_id(request.job_id, what), job_id=request.job_id,
                          org_id=request.org_id, **fields)


def _reporter(request: ev.SimulationRequested, loop: asyncio.AbstractEventLoop):
    """``on_progress`` for the job's thread: throttled, never blocking the simulation."""
    last = [0.0]

    def on_progress(days: int, total: int) -> None:
        now = time.monotonic()
        if days < total and now - last[0] < PROGRESS_EVERY_S:
            return
        last[0] = now
        publish_from_thread(_follow_up(request, ev.SimulationProgressed, f"day/{days}", days_simulated=days,
                                       days_total=total), loop)
    return on_progress


async def run_request(request: ev.SimulationRequested) -> None:
    """Run the job in a thread (the event loop keeps the consumer's heartbeats), then publish its end."""
    log.info("simulation job %s: %d variants, %d seeds, %d days", request.job_id, len(request.variants),
             request.seeds, request.days)
    started = time.monotonic()
    metrics.SIMULATION_JOBS_STARTED.inc()
    loop = asyncio.get_running_loop()
    await publish(_follow_up(request, ev.SimulationProgressed, "day/0", days_simulated=0,
                             days_total=job.days_total(request)))
    try:
        report = await asyncio.to_thread(job.run_job, request, _reporter(request, loop), history_url())
        end, outcome = _follow_up(request, ev.SimulationFinished, "finished", status="done", report=report), "done"
    except job.JobRefused as exc:
        end = _follow_up(request, ev.SimulationFinished, "finished", status="failed", reason=str(exc))
        outcome = "refused"
    except Exception:  # noqa: BLE001 - the municipality hears that it failed; the log has the trace
        log.exception("simulation job %s failed", request.job_id)
        end = _follow_up(request, ev.SimulationFinished, "finished", status="failed", reason=INTERNAL_ERROR)
        outcome = "failed"
    await publish(end)
    seconds = time.monotonic() - started
    metrics.SIMULATION_JOBS_FINISHED.labels(outcome=outcome).inc()  # after the result is out, as the offset
    metrics.SIMULATION_JOB_SECONDS.labels(outcome=outcome).observe(seconds)
    log.info("simulation job %s %s in %.1f s", request.job_id, end.status, seconds)


def history_url() -> str:
    """The matcher's recorded history: its own database unless a read-only URL is configured."""
    conf = settings()
    url = conf.simulation_history_database_url
    return url.get_secret_value() if url else conf.db_url("matcher")


HANDLERS = {ev.SimulationRequested: run_request}


async def on_event(event: ev.Event) -> None:
    await HANDLERS[type(event)](event)


# One message at a time: a worker never runs two jobs at once; the others wait on the topic, uncommitted.
events_agent = consume(app, Service.SIMULATION, topics.consumed_by(Service.SIMULATION), set(HANDLERS), on_event,
                       max_batch=1)
