"""The discrete-event loop: the scenario's arrivals and the partners' answers on a simulated clock.

Time moves in steps of the batching window. Each step is what the service does in that window:
the matcher consumes the step's events as one batch (handlers.handle_batch), its clock timer ticks
the regions whose offer deadline passed (ClockTicked, heard back at once), its matching timer runs a
round for every dirty region, and the outbox is read back: offers go to the acceptance model, whose
answers join the queue at their own later times; placements and expiries are recorded. So a round
lines up with the end of a batching window, the same moment the service's timer would run it, and
deadlines pass at the clock tick after them, as in service.
"""
from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contracts import events as ev
from services.system.simulation.acceptance import AcceptanceModel
from services.system.simulation.history import History
from services.system.simulation.scenario import Scenario, event_ids
from services.system.simulation.world import MatcherWorld, SolveFn


@dataclass(frozen=True)
class Timing:
    batching_window_hours: float = 24.0
    offer_deadline_hours: float = 72.0


@dataclass
class Outcome:
    placements: list[ev.PlacementConfirmed] = field(default_factory=list)
    offers: list[ev.OfferMade] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    history: History | None = None


def simulate(scenario: Scenario, make_solver: Callable[[History], SolveFn], acceptance: AcceptanceModel,
             timing: Timing = Timing(), on_day: Callable[[int], None] | None = None,
             database_url: str | None = None) -> Outcome:
    """``database_url``: an SQLite file for the matcher's tables (default: in memory, gone at the end)."""
    rng = random.Random(f"answers/{scenario.seed}")
    new_id = event_ids(rng)
    history = History(scenario)
    world = MatcherWorld(make_solver(history), timedelta(hours=timing.offer_deadline_hours), database_url)
    queue: list[tuple[datetime, int, ev.Event]] = []
    seq = 0
    for at, event in scenario.arrivals:
        queue.append((at, seq, event))
        seq += 1
    heapq.heapify(queue)
    out = Outcome(history=history)
    step = timedelta(hours=timing.batching_window_hours)
    t, day = scenario.start, 0
    try:
        while t < scenario.end:
            t_next = min(t + step, scenario.end)
            batch = []
            while queue and queue[0][0] < t_next:
                batch.append(heapq.heappop(queue)[2])
            history.observe(batch, t_next)
            world.apply(batch)
            emitted = world.tick(t_next)
            world.rounds()
            for e in emitted + world.drain():
                out.counts[e.event_type] += 1
                if isinstance(e, ev.OfferMade):
                    out.offers.append(e)
                    c, u = history.candidates[e.candidate_id], history.units[e.unit_id]
                    for answer in acceptance.answers(rng, new_id, e, u.kind, history.groups(c), t_next):
                        heapq.heappush(queue, (answer.occurred_at, seq, answer))
                        seq += 1
                elif isinstance(e, ev.PlacementConfirmed):
                    out.placements.append(e)
            t = t_next
            if on_day and (t - scenario.start).days > day:
                day = (t - scenario.start).days
                on_day(day)
    finally:
        world.close()
    return out
